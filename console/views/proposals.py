"""Usulan and its status history: the records of the proposal chain (transitions come with the workflow)."""

from __future__ import annotations

import builtins
from typing import Any

import anyio
from markupsafe import Markup
from sqladmin import expose
from sqladmin.flash import Flash
from sqlalchemy import ColumnElement, Select
from sqlalchemy.orm import Session, selectinload
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from chain import decrees, musdes, proposals, resubmission, visit_links
from chain.actor import Actor
from chain.deadlines import Deadlines, load_deadlines
from console.authorization import may
from console.json_fields import RequestedChangesField
from console.refusals import status_of
from console.sqladmin_door import ColumnLabels
from console.views.base import DtksModelView, ReadOnly
from console.views.filters import OverdueFilter, list_filters
from console.views.households import HOUSEHOLD_LOOKUP
from console.views.steps import WorkflowSteps
from console.views.visits import answers_in_words
from models import Proposal, ProposalHistory
from models.base import utc_now
from models.deadlines import OVERDUE_LABEL
from models.household import changes_text
from models.proposal import documents_checklist, fields_of_kind
from models.refusals import Refusal
from models.region_codes import is_region_code

PROPOSAL_LABELS: ColumnLabels = {
    "id": "No.",
    "kind": "Jenis usulan",
    "household": "Keluarga",
    "region_code": "Kode wilayah",
    "reason": "Alasan/keterangan",
    "removal_reason": "Alasan dikeluarkan",
    "requested_changes": "Perubahan yang diminta",
    "has_ktp": "Fotokopi KTP",
    "has_kk": "Fotokopi KK",
    "has_sktm": "SKTM",
    "status": "Status",
    "status_changed_at": "Status sejak",
    "return_reason": "Alasan dikembalikan",
    "version": "Versi",
    "created_by": "Dibuat oleh",
    "history": "Riwayat status",
    "visits": "Kunjungan verval",
    "created_at": "Dibuat",
    "updated_at": "Diubah",
    "deadline": "Tenggat",
}


# The columns a proposal is known by, first in its list row and on its details page.
PROPOSAL_HEADING = [
    Proposal.id,
    Proposal.kind,
    Proposal.household,
    Proposal.region_code,
    Proposal.status,
    Proposal.status_changed_at,
]
DEADLINES = "dtks_deadlines"  # request.state key: targets and windows, read once per list page


def _deadline_cell(proposal: Proposal, _attribute: Any, request: Request) -> Markup | str:
    """The "Tenggat" cell: due date of the current status and the "Terlambat" badge once it has passed."""
    deadlines: Deadlines = getattr(request.state, DEADLINES, None) or Deadlines({})
    due = deadlines.due(proposal.status, proposal.status_changed_at, proposal.regency_code)
    if due is None:
        return "—"
    if not deadlines.overdue(proposal.status, proposal.status_changed_at, proposal.regency_code, utc_now().date()):
        return f"{due:%d-%m-%Y}"
    return Markup('{} <span class="badge bg-red-lt">{}</span>').format(f"{due:%d-%m-%Y}", OVERDUE_LABEL)


class ProposalView(WorkflowSteps, DtksModelView, model=Proposal):
    name = "Usulan"
    icon = "fa-solid fa-file-signature"
    category = "Alur Usulan"
    # "Buat usulan perbaikan" on a decided proposal opens the form with its household and kind perbaikan.
    prefill_fields = {"household", "kind"}

    column_list = [*PROPOSAL_HEADING, "deadline"]
    column_formatters = {"deadline": _deadline_cell}
    column_details_list = [
        *PROPOSAL_HEADING,
        Proposal.reason,
        Proposal.removal_reason,
        Proposal.return_reason,
        Proposal.has_ktp,
        Proposal.has_kk,
        Proposal.has_sktm,
        Proposal.requested_changes,
        Proposal.version,
        Proposal.history,
        Proposal.visits,
        Proposal.created_at,
    ]
    column_labels = PROPOSAL_LABELS
    column_sortable_list = [Proposal.id, Proposal.status_changed_at]
    column_default_sort = [(Proposal.id, True)]
    column_searchable_list = [Proposal.region_code]
    search_hint = "Kode wilayah (awalan angka tanpa titik tidak berlaku) atau No. KK di halaman Keluarga"
    column_filters = list_filters(
        column_labels,
        Proposal.region_code,
        Proposal.status,
        Proposal.kind,
        OverdueFilter(lambda: ProposalView.session_maker),
    )
    form_columns = [
        Proposal.kind,
        Proposal.household,
        Proposal.reason,
        Proposal.removal_reason,
        Proposal.has_ktp,
        Proposal.has_kk,
        Proposal.has_sktm,
        Proposal.requested_changes,
    ]
    form_ajax_refs = {"household": HOUSEHOLD_LOOKUP}
    form_args = {
        "requested_changes": {
            "description": "Hanya untuk usulan perubahan; diterapkan pada keluarga saat SK Penetapan.",
        },
    }
    form_overrides = {"requested_changes": RequestedChangesField}
    column_formatters_detail = {
        "requested_changes": lambda proposal, _: changes_text(proposal.requested_changes or {}),
    }

    details_template = "proposal_details.html"
    step_route = "admin:view-proposal-workflow_page"

    async def list(self, request: Request) -> Any:
        # The step targets and the scope's windows once per page, so the Tenggat column costs no query per row.
        scope = self.scope_for(request)

        def load() -> Deadlines:
            with self.session_maker() as session:
                return load_deadlines(session, scope)

        setattr(request.state, DEADLINES, await anyio.to_thread.run_sync(load))
        return await super().list(request)

    def search_conditions(self, term: str) -> builtins.list[ColumnElement[bool]]:
        from models.region import within_region

        return [within_region(Proposal.region_code, term)] if is_region_code(term) else []

    # --- the workflow page: the transitions this user may take, each confirmed by a POST (chain/proposals.py) ---

    @expose("/workflow/{pk:int}", methods=["GET"])
    async def workflow_page(self, request: Request) -> Response:
        """The chain actions this user may take on this proposal, each confirmed by a POST."""
        return await self.step_page(request, request.path_params["pk"])

    @expose("/workflow/{pk:int}/{action:str}", methods=["POST"], identity="proposal-perform")
    async def perform(self, request: Request) -> Response:
        action = request.path_params["action"]
        form = await request.form()
        note, version = str(form.get("note") or ""), str(form.get("version") or "")
        seen_version = int(version) if version.isdigit() else -1

        def step(session: Session, actor: Actor, pk: int) -> str:
            done = proposals.perform(session, actor, pk, action, note=note, seen_version=seen_version)
            return f"Usulan #{pk}: {done.source.label} -> {done.target.label}."

        return await self.take_step(request, step)

    @expose("/resubmit/{pk:int}", methods=["POST"])
    async def resubmit(self, request: Request) -> Response:
        """Propose a rejected family again (chain/resubmission.py); opens the new draft's page."""
        pk: int = request.path_params["pk"]
        try:
            draft = await self.core_write(request, lambda session, actor: resubmission.resubmit(session, actor, pk).id)
        except Refusal as refusal:
            return await self.step_page(request, pk, str(refusal), status_of(refusal))
        Flash.success(request, f"Usulan #{draft} dibuat sebagai draf untuk Musdes berikutnya (usulan ulang #{pk}).")
        return RedirectResponse(request.url_for(self.step_route, pk=draft), status_code=303)

    async def step_page(self, request: Request, pk: int, error: str = "", status_code: int = 200) -> Response:
        def load(session: Session, actor: Actor) -> dict[str, Any]:
            proposal = proposals.load_proposal(session, actor, pk)
            deadlines = load_deadlines(session, actor.scope)
            late = deadlines.overdue(
                proposal.status, proposal.status_changed_at, proposal.regency_code, utc_now().date()
            )
            offered = proposals.offered_transitions(actor, proposal)
            loop = resubmission.resubmission_of(session, proposal.id)
            household = proposal.household
            return {
                "proposal": proposal,
                "members": list(household.members) if household is not None else [],
                "answers": {visit.id: answers_in_words(visit) for visit in proposal.visits},
                "documents": documents_checklist(proposal),
                "changes": changes_text(proposal.requested_changes or {}),
                "waits_for_visit": proposal.status in visit_links.WAITING_FOR_VISIT,
                "transitions": offered,
                "overdue": late,
                "rejection": resubmission.rejection_reason(proposal),
                "loop": loop,
                "may_resubmit": loop is None and actor.allows(*resubmission.CREATING),
            }

        context = await self.core_read(request, load)
        household = context["proposal"].household
        context.update(
            error=error,
            household_label=self.identity_text(request, household.no_kk if household else ""),
            member_nik=lambda member: self.identity_text(request, member.nik),
            may_record_visit=may(request, "visit", "create"),
            may_open_meeting=may(request, *musdes.DETAILS),
            may_open_decree=may(request, *decrees.DETAILS),
        )
        return await self.templates.TemplateResponse(
            request, "proposal_workflow.html", context, status_code=status_code
        )

    def details_query(self, request: Request) -> Select[Any]:
        return super().details_query(request).options(selectinload(Proposal.history), selectinload(Proposal.visits))

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        fields_of_kind(data)


class ProposalHistoryView(ReadOnly, DtksModelView, model=ProposalHistory):
    name = "Riwayat Status"
    name_plural = "Riwayat Status Usulan"
    icon = "fa-solid fa-clock-rotate-left"
    category = "Alur Usulan"

    column_list = [
        ProposalHistory.at,
        ProposalHistory.proposal,
        ProposalHistory.from_status,
        ProposalHistory.to_status,
        ProposalHistory.actor_name,
        ProposalHistory.note,
    ]
    column_labels = {
        "at": "Waktu",
        "proposal": "Usulan",
        "from_status": "Dari status",
        "to_status": "Ke status",
        "actor_name": "Oleh",
        "note": "Catatan",
        "region_code": "Kode wilayah",
    }
    column_default_sort = [(ProposalHistory.id, True)]
    column_filters = list_filters(column_labels, ProposalHistory.region_code, ProposalHistory.to_status)
