"""One-click spreadsheet downloads: SK annex, Musdes BA annex, DTKS roster, recap, certificate and complaint registers,
and the outgoing SIKS-NG interchange file (the verified proposals signed district SKs ratified).

Each download is a small hidden page (its own identity, so its own route name) allowed by ("bnba", "export")
plus the permission to read what it exports; the workbooks are reports/, the rules chain/exports.py, the
download console/exports.py.
The buttons sit on the decree, Musdes, household list, dashboard, certificate and complaint pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from sqladmin import BaseView, expose
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from chain.exports import EXPORT, empty_message, refuse_empty, region_and_period
from chain.store import load_scoped
from console.authorization import actor_of, may
from console.exports import export_response, full_identity, paper_of, scope_of
from console.identifiers import ROW_ID
from console.sqladmin_door import add_template_global, exposed_identities, session_maker_of
from models.decree import Decree, DecreeKind
from models.meeting import Meeting
from models.refusals import Invalid, NotFound
from models.region import Region
from policies.scope import Scope
from reports.bnba_export import build_musdes_annex, build_roster, build_sk_annex
from reports.interchange import INTERCHANGE_VERSION
from reports.interchange_export import build_proposals_out
from reports.recap import build_recap
from reports.registers import build_certificate_register, build_complaint_register
from reports.xlsx import ExportFile


class ExportPage(BaseView):
    """A download route, hidden from the menu; allowed by bnba/export plus reading `reads`."""

    reads: ClassVar[tuple[str, str]] = ("", "")

    def is_visible(self, request: Request) -> bool:
        return False

    def is_accessible(self, request: Request) -> bool:
        return may(request, *EXPORT) and may(request, *self.reads)

    @classmethod
    def allowed(cls, request: Request) -> bool:
        """For templates: whether to show this download's button."""
        return may(request, *EXPORT) and may(request, *cls.reads)

    def sessions(self) -> sessionmaker[Session]:
        return session_maker_of(self)


class SkAnnexExport(ExportPage):
    name = "Lampiran SK (.xlsx)"
    reads = ("decree", "details")

    @expose("/export/sk-annex/{pk:int}", methods=["GET"], identity="export-sk-annex")
    async def sk_annex(self, request: Request) -> Response:
        full, actor = full_identity(request), actor_of(request)

        def build(session: Session) -> Any:
            decree = load_scoped(session, actor, Decree, request.path_params["pk"])
            export = build_sk_annex(session, decree, full_identity=full, paper=paper_of(request))
            return export, {
                "what": "Lampiran SK",
                "object_type": "decree",
                "object_id": decree.id,
                "region": decree.region_code,
            }

        return await export_response(self.sessions(), build)


class MusdesAnnexExport(ExportPage):
    name = "Lampiran BA Musdes (.xlsx)"
    reads = ("meeting", "details")

    @expose("/export/musdes-annex/{pk:int}", methods=["GET"], identity="export-musdes-annex")
    async def musdes_annex(self, request: Request) -> Response:
        full, actor = full_identity(request), actor_of(request)

        def build(session: Session) -> Any:
            meeting = load_scoped(session, actor, Meeting, request.path_params["pk"])
            export = build_musdes_annex(session, meeting, full_identity=full, paper=paper_of(request))
            fields = {"what": "Lampiran BA Musdes", "object_type": "meeting", "object_id": meeting.id}
            return export, {**fields, "region": meeting.region_code}

        return await export_response(self.sessions(), build)


def _region_and_period(request: Request) -> tuple[str | None, str | None]:
    """?region=<code>&period=<TTTT-BB> (chain/exports.py): malformed answers 400 with its reason, outside 404."""
    try:
        return region_and_period(
            actor_of(request), request.query_params.get("region"), request.query_params.get("period")
        )
    except Invalid as refusal:
        raise HTTPException(status_code=400, detail=str(refusal)) from refusal
    except NotFound as refusal:
        raise HTTPException(status_code=404) from refusal


# (session, scope, region, period, full identity) -> the workbook
RegionPeriodBuilder = Callable[[Session, Scope, str | None, str | None, bool], ExportFile]


async def _region_period_download(
    page: ExportPage, request: Request, what: str, counted: str, builder: RegionPeriodBuilder
) -> Response:
    """A roster or recap of the user's scope, narrowed by ?region= and taken as of ?period=, audited.

    A region the region table does not know answers 404 like one outside the scope; an export with no row is
    no file but a 404 saying so (chain.exports.refuse_empty), as the CLI refuses it with exit 2.
    """
    region, period = _region_and_period(request)
    scope, full = scope_of(request), full_identity(request)

    def build(session: Session) -> Any:
        if region is not None and session.get(Region, region) is None:
            raise HTTPException(status_code=404)
        where = region or scope.code or ""
        export = refuse_empty(
            builder(session, scope, region, period, full), empty_message(what, where, period, counted=counted)
        )
        fields = {"what": f"{what} periode {period or 'terkini'}", "object_type": "household"}
        return export, {**fields, "object_id": where, "region": where}

    return await export_response(page.sessions(), build)


class RosterExport(ExportPage):
    name = "Daftar DTKS (.xlsx)"
    reads = ("household", "list")

    @expose("/export/roster", methods=["GET"], identity="export-roster")
    async def roster(self, request: Request) -> Response:
        def build(session: Session, scope: Scope, region: str | None, period: str | None, full: bool) -> ExportFile:
            return build_roster(session, scope, region_code=region, period=period, full_identity=full)

        return await _region_period_download(self, request, "Daftar DTKS", "keluarga terdaftar DTKS", build)


class RecapExport(ExportPage):
    name = "Rekap DTKS (.xlsx)"
    reads = ("dashboard", "list")

    @expose("/export/recap", methods=["GET"], identity="export-recap")
    async def recap(self, request: Request) -> Response:
        def build(session: Session, scope: Scope, region: str | None, period: str | None, _full: bool) -> ExportFile:
            return build_recap(session, scope, region_code=region, period=period)

        return await _region_period_download(self, request, "Rekap DTKS", "keluarga", build)


class CertificateRegisterExport(ExportPage):
    name = "Register Surat Keterangan (.xlsx)"
    reads = ("certificate", "list")

    @expose("/export/certificate-register", methods=["GET"], identity="export-certificate-register")
    async def certificate_register(self, request: Request) -> Response:
        return await _scope_wide(
            self,
            request,
            "Register Surat Keterangan",
            "certificate",
            lambda session, scope, full: build_certificate_register(session, scope, full_identity=full),
        )


class ComplaintRegisterExport(ExportPage):
    name = "Register Pengaduan (.xlsx)"
    reads = ("complaint", "list")

    @expose("/export/complaint-register", methods=["GET"], identity="export-complaint-register")
    async def complaint_register(self, request: Request) -> Response:
        return await _scope_wide(
            self,
            request,
            "Register Pengaduan",
            "complaint",
            lambda session, scope, full: build_complaint_register(session, scope, full_identity=full),
        )


async def _scope_wide(
    page: ExportPage,
    request: Request,
    what: str,
    object_type: str,
    builder: Callable[[Session, Scope, bool], ExportFile],
) -> Response:
    """A download of everything in the user's scope, audited against the scope's region."""
    scope, full = scope_of(request), full_identity(request)

    def build(session: Session) -> Any:
        where = scope.code or ""
        return builder(session, scope, full), {
            "what": what,
            "object_type": object_type,
            "object_id": where,
            "region": where,
        }

    return await export_response(page.sessions(), build)


def _decree_asked(request: Request) -> int | None:
    """?decree=<id> of the interchange download: empty is none; anything but a possible row id names no SK (404)."""
    asked = request.query_params.get("decree", "").strip()
    if not asked:
        return None
    if ROW_ID.fullmatch(asked) is None:
        raise HTTPException(status_code=404)
    return int(asked)


class InterchangeExport(ExportPage):
    """The outgoing SIKS-NG file (docs/INTERCHANGE.md, "Direction out"): the verified proposals that signed district
    SKs ratified in the user's region, or only those of `?decree=<id>` (a signed district SK in the region, else
    404); NIK and No. KK masked as on screen; one EXPORT audit row. With nothing ratified it is the header alone."""

    name = "Usulan Terverifikasi SIKS-NG (.xlsx)"
    reads = ("decree", "list")

    @expose("/export/interchange", methods=["GET"], identity="export-interchange")
    async def interchange(self, request: Request) -> Response:
        decree_id = _decree_asked(request)
        scope, full, actor = scope_of(request), full_identity(request), actor_of(request)

        def build(session: Session) -> Any:
            what = f"Usulan SIKS-NG versi {INTERCHANGE_VERSION}"
            where = scope.code or ""
            decree = None
            if decree_id is not None:
                signed_district = (Decree.kind == DecreeKind.DISTRICT_RATIFICATION, Decree.signed_at.is_not(None))
                decree = load_scoped(session, actor, Decree, decree_id, where=signed_district)
            # Nothing ratified yet is an empty delivery, not a refusal: the file with its header (the button on the
            # SK list always gives a file, as a list's own export does).
            export = build_proposals_out(session, scope, decree=decree, full_identity=full)
            if decree is not None:
                fields = {"what": f"{what} SK {decree.number}", "object_type": "decree", "object_id": decree.id}
                return export, {**fields, "region": decree.region_code}
            return export, {"what": what, "object_type": "proposal", "object_id": where, "region": where}

        return await export_response(self.sessions(), build)


EXPORT_VIEWS = [
    SkAnnexExport,
    MusdesAnnexExport,
    RosterExport,
    RecapExport,
    CertificateRegisterExport,
    ComplaintRegisterExport,
    InterchangeExport,
]

# The buttons a list page shows next to its own export (console/templates/sqladmin/list.html).
LIST_PAGE_DOWNLOADS: dict[str, list[type[ExportPage]]] = {
    "decree": [InterchangeExport],
    "household": [RosterExport, RecapExport],
    "certificate": [CertificateRegisterExport],
    "complaint": [ComplaintRegisterExport],
}


def list_page_downloads(request: Request, identity: str) -> list[tuple[str, str]]:
    """(label, URL) of the downloads this user may take from the list page of `identity`."""
    found = []
    for page in LIST_PAGE_DOWNLOADS.get(identity, []):
        if page.allowed(request):
            route = "admin:view-" + next(iter(_identities(page)))
            found.append((f"Unduh {page.name}", str(request.url_for(route))))
    return found


def may_download(request: Request, identity: str) -> bool:
    """For templates: whether this user may take the download `identity` (e.g. "export-sk-annex")."""
    page = next((page for page in EXPORT_VIEWS if identity in _identities(page)), None)
    return page is not None and page.allowed(request)


def install_on(admin: Any) -> None:
    """Register the download pages and the `may_download` template global the buttons use."""
    for page in EXPORT_VIEWS:
        admin.add_view(page)
    add_template_global(admin, "may_download", may_download)


def _identities(page: type[ExportPage]) -> list[str]:
    return exposed_identities(page)
