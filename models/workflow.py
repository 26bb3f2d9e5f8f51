"""The proposal chain of DESIGN section 4: the one table of transitions and the one function that applies them.

Nothing else writes `Proposal.status`. `apply_transition` checks the transition exists from the current
status, the acting role is one the table names, and the preconditions hold; then it sets the status,
records the history row and leaves the commit to the caller, so status, version (SQLAlchemy's version
counter) and history commit together. Casbin (which may narrow the roles) and the region scope are
the caller's answers, passed in: models never import policies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from models.decree import DecreeKind
from models.meeting import Decision
from models.proposal import Proposal, ProposalHistory, ProposalKind, ProposalStatus, documents_checklist
from models.refusals import Conflict
from models.user import Role
from models.visit import Visit, VisitResult

S = ProposalStatus
KEEP_VISIT_VALIDITY = timedelta(days=365)  # DESIGN section 4: `keep` skips a visit younger than 12 months


class TransitionRefused(Conflict):
    """A transition that may not happen now; the message says why, in Bahasa Indonesia."""


Precondition = Callable[[Proposal, "TransitionInput"], str | None]


@dataclass(frozen=True)
class TransitionInput:
    """What the acting official supplies with a transition."""

    note: str = ""
    today: date = field(default_factory=lambda: datetime.now(UTC).date())


@dataclass(frozen=True)
class Transition:
    """One arrow of the chain: from a status, by an action, to a status, by some roles, if conditions hold."""

    action: str
    source: ProposalStatus
    target: ProposalStatus
    roles: frozenset[Role]
    label: str
    preconditions: tuple[Precondition, ...] = ()
    needs_reason: bool = False

    @property
    def permission(self) -> str:
        """The casbin action naming this transition on the `proposal` resource."""
        return f"action:{self.action}"


# --- preconditions: each returns None when it holds, else the Indonesian reason it does not ---------


def documents_complete(proposal: Proposal, _: TransitionInput) -> str | None:
    missing = [name for name, present, required in documents_checklist(proposal) if required and not present]
    return f"Kelengkapan dokumen belum lengkap: {', '.join(missing)}." if missing else None


def on_an_open_agenda(proposal: Proposal, _: TransitionInput) -> str | None:
    if any(decision.meeting is not None and not decision.meeting.is_final for decision in proposal.decisions):
        return None
    return "Usulan belum dimasukkan ke agenda musyawarah yang belum difinalkan."


def _decision(proposal: Proposal) -> Decision | None:
    final = [d for d in proposal.decisions if d.meeting is not None and d.meeting.is_final]
    return final[-1].decision if final else None


def _signed_ba(proposal: Proposal) -> bool:
    return any(d.meeting is not None and d.meeting.is_final and d.meeting.ba_file_sha256 for d in proposal.decisions)


def musdes_agreed(proposal: Proposal, _: TransitionInput) -> str | None:
    if not _signed_ba(proposal):
        return "Berita Acara musyawarah yang ditandatangani belum diunggah dan difinalkan."
    return None if _decision(proposal) == Decision.AGREED else "Musyawarah tidak menyetujui usulan ini."


def musdes_rejected(proposal: Proposal, _: TransitionInput) -> str | None:
    if not _signed_ba(proposal):
        return "Berita Acara musyawarah yang ditandatangani belum diunggah dan difinalkan."
    return None if _decision(proposal) == Decision.REJECTED else "Musyawarah tidak menolak usulan ini."


def has_visit(proposal: Proposal, _: TransitionInput) -> str | None:
    return None if proposal.visits else "Belum ada kunjungan verval yang dicatat untuk usulan ini."


def _latest_visit(proposal: Proposal) -> Visit:
    return max(proposal.visits, key=lambda v: (v.visited_on, v.id or 0))


def unconfirmed_visit(proposal: Proposal, given: TransitionInput) -> str | None:
    """The TKSK confirms a visit not yet confirmed: a confirmed one is final (models/finality.py), so a proposal
    back for re-verval after a return needs a new visit."""
    if (missing := has_visit(proposal, given)) is not None:
        return missing
    latest = _latest_visit(proposal)
    if latest.confirmed_at is not None or latest.result != VisitResult.PENDING:
        return "Kunjungan verval terakhir sudah dikonfirmasi TKSK; catat kunjungan verval baru untuk verval ulang."
    return None


def recent_visit_for_keep(proposal: Proposal, given: TransitionInput) -> str | None:
    if proposal.kind != ProposalKind.KEEP:
        return "Hanya usulan 'tetap' yang boleh melewati kunjungan verval."
    cutoff = given.today - KEEP_VISIT_VALIDITY
    visits = proposal.household.visits if proposal.household is not None else []
    if any(visit.visited_on >= cutoff and visit.result == VisitResult.ELIGIBLE for visit in visits):
        return None
    return "Keluarga ini tidak memiliki kunjungan verval layak dalam 12 bulan terakhir."


def in_a_decree(proposal: Proposal, _: TransitionInput) -> str | None:
    return None if proposal.decrees else "Usulan belum dimasukkan ke draf SK."


def out_of_every_decree(proposal: Proposal, _: TransitionInput) -> str | None:
    # The SK page unlinks the proposal from an unsigned draft first, in the same transaction.
    return "Usulan masih tercantum dalam lampiran SK; keluarkan melalui halaman SK." if proposal.decrees else None


def decree_signed(proposal: Proposal, _: TransitionInput) -> str | None:
    return None if any(decree.is_signed for decree in proposal.decrees) else "SK belum ditandatangani."


def with_a_cover_letter(proposal: Proposal, _: TransitionInput) -> str | None:
    """The province forwards a whole signed SK with its cover letter (chain/forwarding.py), never one proposal."""
    if any(decree.kind == DecreeKind.PROVINCE_FORWARDING for decree in proposal.decrees):
        return None
    return "Usulan diteruskan bersama SK-nya dan surat pengantar, melalui halaman Penerusan SK."


def removal_has_reason(proposal: Proposal, _: TransitionInput) -> str | None:
    if proposal.kind == ProposalKind.REMOVE and proposal.removal_reason is None:
        return "Usulan dikeluarkan wajib memiliki alasan dikeluarkan."
    return None


# --- the table ------------------------------------------------------------------------------------

_VILLAGE_OPERATOR = frozenset({Role.OPERATOR_DESA})
_DISTRICT_OPERATOR = frozenset({Role.OPERATOR_DINSOS})
_MINISTRY = frozenset({Role.PUSDATIN})
# The verval enumerator of the village, or (DTSEN) the pendamping PKH doing the ground check in an assigned village.
_FIELD_VISITORS = frozenset({Role.PENDATA, Role.PENDAMPING_PKH})

TRANSITIONS: tuple[Transition, ...] = (
    Transition("put_on_agenda", S.DRAFT, S.IN_MUSDES, _VILLAGE_OPERATOR, "Masukkan ke agenda Musdes",
               (on_an_open_agenda, removal_has_reason)),
    Transition("musdes_agree", S.IN_MUSDES, S.AGREED, frozenset({Role.KEPALA_DESA}), "Sahkan: disetujui Musdes",
               (musdes_agreed,)),
    Transition("musdes_reject", S.IN_MUSDES, S.REJECTED_MUSDES, frozenset({Role.KEPALA_DESA}),
               "Sahkan: ditolak Musdes", (musdes_rejected,), needs_reason=True),
    Transition("record_visit", S.AGREED, S.VISITED, _FIELD_VISITORS, "Kunjungan verval selesai", (has_visit,)),
    Transition("confirm_recent_visit", S.AGREED, S.VERIFIED, frozenset({Role.TKSK}),
               "Konfirmasi dengan kunjungan terakhir (usulan tetap)", (recent_visit_for_keep,)),
    Transition("confirm_eligible", S.VISITED, S.VERIFIED, frozenset({Role.TKSK}), "Konfirmasi: layak",
               (unconfirmed_visit,)),
    Transition("confirm_not_eligible", S.VISITED, S.NOT_ELIGIBLE, frozenset({Role.TKSK}),
               "Konfirmasi: tidak layak", (unconfirmed_visit,), needs_reason=True),
    Transition("send_to_district", S.VERIFIED, S.SUBMITTED, _VILLAGE_OPERATOR, "Kirim ke Dinas Sosial",
               (documents_complete, removal_has_reason)),
    Transition("accept", S.SUBMITTED, S.ACCEPTED, _DISTRICT_OPERATOR, "Terima"),
    Transition("return_to_village", S.SUBMITTED, S.RETURNED, _DISTRICT_OPERATOR, "Kembalikan ke desa",
               needs_reason=True),
    Transition("reopen", S.RETURNED, S.DRAFT, _VILLAGE_OPERATOR, "Buka kembali sebagai draf"),
    Transition("add_to_decree", S.ACCEPTED, S.IN_DECREE, _DISTRICT_OPERATOR, "Masukkan ke draf SK", (in_a_decree,)),
    Transition("remove_from_decree", S.IN_DECREE, S.ACCEPTED, _DISTRICT_OPERATOR, "Keluarkan dari draf SK",
               (out_of_every_decree,)),
    Transition("ratify", S.IN_DECREE, S.RATIFIED, _DISTRICT_OPERATOR, "Catat SK yang ditandatangani",
               (decree_signed,)),
    Transition("forward", S.RATIFIED, S.FORWARDED, frozenset({Role.OPERATOR_PROVINSI}),
               "Teruskan ke Kementerian Sosial", (with_a_cover_letter,)),
    Transition("match_nik", S.FORWARDED, S.RECEIVED, _MINISTRY, "Padan NIK: diterima"),
    Transition("reject_nik", S.FORWARDED, S.REJECTED_MINISTRY, _MINISTRY, "Padan NIK: ditolak", needs_reason=True),
    Transition("determine", S.RECEIVED, S.DETERMINED, _MINISTRY, "Tetapkan (SK Penetapan)"),
    Transition("not_determine", S.RECEIVED, S.NOT_DETERMINED, _MINISTRY, "Tidak ditetapkan", needs_reason=True),
)  # fmt: skip
BY_ACTION = {transition.action: transition for transition in TRANSITIONS}


def available_transitions(status: ProposalStatus, role: Role) -> list[Transition]:
    """The transitions a role may offer on a proposal in this status (before preconditions)."""
    return [t for t in TRANSITIONS if t.source == status and role in t.roles]


def apply_transition(
    proposal: Proposal,
    action: str,
    *,
    role: Role,
    actor_id: int | None,
    actor_name: str,
    given: TransitionInput | None = None,
) -> ProposalHistory:
    """Move `proposal` by `action`, or raise TransitionRefused and change nothing. The caller commits."""
    given = given or TransitionInput()
    transition = BY_ACTION.get(action)
    if transition is None:
        raise TransitionRefused(f"Tindakan '{action}' tidak dikenal.")
    if proposal.status != transition.source:
        raise TransitionRefused(
            f"Usulan #{proposal.id} berstatus '{proposal.status.label}'; tindakan '{transition.label}' hanya "
            f"untuk status '{transition.source.label}'."
        )
    if role not in transition.roles:
        raise TransitionRefused(f"Peran {role.label} tidak dapat melakukan '{transition.label}'.")
    if transition.needs_reason and not given.note.strip():
        raise TransitionRefused(f"'{transition.label}' wajib disertai alasan.")
    reasons = [reason for check in transition.preconditions if (reason := check(proposal, given))]
    if reasons:
        raise TransitionRefused(" ".join(reasons))
    now = datetime.now(UTC)
    history = ProposalHistory(
        from_status=proposal.status,
        to_status=transition.target,
        actor_id=actor_id,
        actor_name=actor_name,
        at=now,
        note=given.note.strip(),
        region_code=proposal.region_code,
    )
    proposal.status = transition.target
    proposal.status_changed_at = now
    if transition.target == S.RETURNED:
        proposal.return_reason = given.note.strip()
    if transition.action in _CONFIRMATIONS:
        _record_confirmation(proposal, _CONFIRMATIONS[transition.action], actor_id, now)
    proposal.history.append(history)
    return history


# The TKSK's confirmation is the verval result of the visit (DESIGN section 3): `confirm_recent_visit`
# of a later `keep` proposal reads it, and nothing else in the console writes it.
_CONFIRMATIONS = {"confirm_eligible": VisitResult.ELIGIBLE, "confirm_not_eligible": VisitResult.NOT_ELIGIBLE}


def _record_confirmation(proposal: Proposal, result: VisitResult, actor_id: int | None, now: datetime) -> None:
    visit = _latest_visit(proposal)  # unconfirmed_visit: there is one, not yet confirmed
    visit.result, visit.confirmed_by_id, visit.confirmed_at = result, actor_id, now
