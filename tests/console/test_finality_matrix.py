"""Generated matrix: every role x every proposal status (and every visit state) x every write path of the console.

Proposals: {edit form, save what the Musdes decided, save the documents checklist, BNBA import of the household,
delete, bulk delete of one open and this row}. Visits: {edit form, save, delete, bulk delete, a new visit for the
proposal}. Each is allowed only where the casbin seed lets the role and the finality rule (models/finality.py)
lets the row; otherwise the answer says why and a full dump of the guarded tables is unchanged. Every row is
stored once per role in its final state (tests/finality_world.py). The tallies go to docs/SECURITY.md.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from httpx2 import Response
from sqlalchemy.orm import Session

from console.app import create_app
from console.settings import Settings
from models import Household, Proposal, ProposalStatus, Role, Visit, VisitResult, finality
from policies.rules import Decisions, read_seed
from tests.conftest import log_in
from tests.console.form_posts import SAVE, delete_refusal, fixed_refusal, refusal_text
from tests.console.test_access_matrix import SCOPE_OF_ROLE
from tests.console_client import ConsoleClient
from tests.factories import assign_villages, make_user
from tests.finality_world import Placed, dump, place
from tests.reports.bnba_sheets import family, sheet_bytes

S = ProposalStatus
ROLES = list(Role)
DECISIONS = Decisions(read_seed())
IMPORT_PAGE = "/admin/bnba-import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_DIGEST = re.compile(r'name="digest" value="([0-9a-f]{64})"')
TOTALS: Counter[str] = Counter()  # across the parametrized tests of this module: tried / refused


@dataclass
class Tally:
    """Cases tried; of those, forbidden by casbin (403) and refused by the finality rule (its message shown)."""

    tried: int = 0
    forbidden: int = 0
    refused: int = 0
    mismatches: list[str] = field(default_factory=list)

    def check(self, case: str, expected: str, outcome: str) -> None:
        self.tried += 1
        self.forbidden += expected == "forbidden"
        self.refused += expected == "refused"
        if outcome != expected:
            self.mismatches.append(f"{case}: expected {expected}, got {outcome}")

    def report(self, what: str, role: Role) -> None:
        for name in ("tried", "forbidden", "refused"):
            TOTALS[f"{what} {name}"] += getattr(self, name)
        counts = f"{self.tried} tried, {self.forbidden} forbidden, {self.refused} refused"
        print(f"\nfinality matrix {what} {role.value}: {counts}")


def _allows(role: Role, resource: str, action: str) -> bool:
    return DECISIONS.allows(role.value, resource, action)


def _without(rows: dict[str, list[tuple[Any, ...]]], *proposal_ids: int) -> dict[str, list[tuple[Any, ...]]]:
    """The dump without the named proposals and their status history (the change an allowed request makes)."""
    column = {"proposal": 0, "proposal_history": 1}  # the proposal's id in each table's row
    return {
        name: [row for row in found if name not in column or row[column[name]] not in proposal_ids]
        for name, found in rows.items()
    }


def _answer(
    response: Response, session: Session, before: dict[str, Any], message: str | None, *, writes: bool
) -> tuple[str, dict[str, Any]]:
    """ "allowed", "forbidden", "refused" (the rule's message shown, nothing written) or what went wrong."""
    after = dump(session)
    shown = None
    if response.status_code == 409:
        shown = fixed_refusal(response)
    elif response.status_code == 400:
        shown = refusal_text(response)
    elif response.request.method == "DELETE" and response.status_code == 200:
        shown = delete_refusal(response)  # a refusal after sqladmin's checks travels in the list URL
    if response.status_code == 403:
        return ("forbidden" if after == before else "403 but the database changed"), after
    if shown is not None:
        if message and message not in shown:
            return f"{response.status_code} saying {shown!r}", after
        return ("refused" if after == before else "refused but the database changed"), after
    if response.status_code not in (200, 302):
        return f"answered {response.status_code}", after
    if (after != before) != writes:
        return "allowed, but the database " + ("did not change" if writes else "changed"), after
    return "allowed", after


def _expect(allowed_by_casbin: bool, refusal: str | None) -> str:
    return "forbidden" if not allowed_by_casbin else "refused" if refusal else "allowed"


# --- proposals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalRows:
    edited: Placed  # edit form, saves, import and delete
    bulk: Placed  # bulk-deleted together with `open_draft`
    open_draft: Placed


def _proposal_form(session: Session, placed: Placed, **changes: str) -> dict[str, str]:
    proposal = session.get(Proposal, placed.proposal_id)
    form = {"kind": proposal.kind.value, "household": str(proposal.household_id), "reason": proposal.reason}
    form.update({name: "y" for name in ("has_ktp", "has_kk", "has_sktm") if getattr(proposal, name)})
    form.update(changes)
    return {name: value for name, value in form.items() if value != ""}


def _import_sheet(client: ConsoleClient, session: Session, household_id: int) -> Response:
    """A BNBA sheet that names the decided household's No. KK with other members: a correction by import."""
    no_kk = session.get(Household, household_id).no_kk
    rows = [{**row, "NO KK": no_kk, "JENIS USULAN": "Perbaikan data"} for row in family()]
    page = client.get(IMPORT_PAGE)
    if page.status_code != 200:
        return page
    token = _TOKEN.search(page.text)
    assert token is not None
    data = {"csrf_token": token.group(1)}
    preview = client.post(f"{IMPORT_PAGE}/preview", data=data, files={"sheet": ("bnba.xlsx", sheet_bytes(rows), XLSX)})
    digest = _DIGEST.search(preview.text)
    if digest is None:
        return preview
    return client.post(f"{IMPORT_PAGE}/confirm", data={**data, "digest": digest.group(1)})


def _proposal_cases(client: ConsoleClient, session: Session, role: Role, rows: ProposalRows, tally: Tally) -> None:
    status, pk = rows.edited.status, rows.edited.proposal_id
    can_edit, can_delete = _allows(role, "proposal", "edit"), _allows(role, "proposal", "delete")
    whole = finality.proposal_refusal(status)
    content = finality.proposal_change_refusal(status, status, {"reason"})
    checklist = finality.proposal_change_refusal(status, status, {"has_sktm"})

    def run(name: str, request: Callable[[], Response], expected: str, message: str | None, *changed: int) -> None:
        before = dump(session)
        outcome, after = _answer(request(), session, before, message, writes=bool(changed))
        if outcome == "allowed" and _without(after, *changed) != _without(before, *changed):
            outcome = "allowed, but more than the row changed"
        tally.check(f"{role.value} {status.value} {name}", expected, outcome)

    edit_url = f"/admin/proposal/edit/{pk}"
    run("edit form", lambda: client.get(edit_url), _expect(can_edit, whole), whole)
    form = _proposal_form(session, rows.edited, reason="Alasan ditulis ulang")
    run("save content", lambda: client.post(edit_url, data={**form, **SAVE}), _expect(can_edit, content), content, pk)
    sktm = "" if "has_sktm" in _proposal_form(session, rows.edited) else "y"
    form = _proposal_form(session, rows.edited, has_sktm=sktm)
    run("save checklist", lambda: client.post(edit_url, data={**form, **SAVE}), _expect(can_edit, checklist), None, pk)

    # An import never rewrites a registered family: the sheet is refused (or skipped), whatever the status.
    before = dump(session)
    response = _import_sheet(client, session, rows.edited.household_id)
    unchanged = dump(session) == before
    outcome = "forbidden" if response.status_code == 403 else "refused" if unchanged else "imported"
    tally.check(f"{role.value} {status.value} import", "refused" if _allows(role, "bnba", "import") else "forbidden",
                outcome)  # fmt: skip

    refusal = None if status == S.DRAFT else finality.proposal_delete_refusal(
        status, decided_by_final_meeting=False, in_a_decree=False
    )  # fmt: skip
    deleting = lambda pks: client.delete("/admin/proposal/delete", params={"pks": pks})  # noqa: E731
    run("delete", lambda: deleting(str(pk)), _expect(can_delete, refusal), refusal, pk)
    both = rows.open_draft.proposal_id, rows.bulk.proposal_id
    run("bulk delete", lambda: deleting(",".join(map(str, both))), _expect(can_delete, refusal), refusal, *both)


@pytest.mark.parametrize("role", ROLES, ids=[role.value for role in ROLES])
def test_each_role_edits_and_deletes_a_proposal_only_where_the_rule_and_its_rights_allow(
    role: Role, settings: Settings, engine: object, regions: frozenset[str], db_session: Session
) -> None:
    world = [
        ProposalRows(place(db_session, status), place(db_session, status), place(db_session, S.DRAFT))
        for status in ProposalStatus
    ]
    user = make_user(db_session, role, SCOPE_OF_ROLE[role], username=f"final_{role.value}")
    db_session.commit()
    tally = Tally()
    with ConsoleClient(create_app(settings)) as client:
        log_in(client, user.username)
        for rows in world:
            _proposal_cases(client, db_session, role, rows, tally)

    tally.report("proposals", role)
    assert tally.mismatches == []
    assert tally.tried == len(ProposalStatus) * 6


# --- visits ---------------------------------------------------------------------------------------

# A visit of a proposal at each status (confirmed once its path passed `visited`, as the TKSK left it), and a
# visit without a proposal, pending or confirmed.
VISIT_STATES: list[tuple[ProposalStatus | None, bool]] = [
    *((status, False) for status in ProposalStatus),
    (None, False),
    (None, True),
]


def _visit_at(session: Session, status: ProposalStatus | None, confirmed: bool) -> tuple[int, int, int | None]:
    """(visit id, household id, proposal id) of a visit in this state, stored at once."""
    placed = place(session, status if status is not None else S.DRAFT)
    visit_id = placed.visit_id
    if visit_id is None or status is None:
        visit = Visit(
            household_id=placed.household_id,
            proposal_id=placed.proposal_id if status is not None else None,
            region_code="52.72.01.1001",
            enumerator_name="Pendata Uji",
            visited_on=date(2026, 8, 10),
            notes="Kunjungan pertama.",
        )
        if confirmed:
            visit.result, visit.confirmed_at = VisitResult.ELIGIBLE, datetime(2026, 8, 12, tzinfo=UTC)
        session.add(visit)
        session.flush()
        visit_id = visit.id
    return visit_id, placed.household_id, placed.proposal_id if status is not None else None


def _visit_form(session: Session, visit_id: int, **changes: str) -> dict[str, str]:
    visit = session.get(Visit, visit_id)
    form = {
        "household": str(visit.household_id),
        "proposal": str(visit.proposal_id or ""),
        "enumerator_name": visit.enumerator_name,
        "visited_on": visit.visited_on.isoformat(),
        "notes": visit.notes,
        "family_presence": "ditemukan",  # a pendamping PKH's visit is a groundcheck, which asks it
        **changes,
    }
    return {name: value for name, value in form.items() if value != ""}


def _visit_cases(
    client: ConsoleClient,
    session: Session,
    role: Role,
    state: tuple[ProposalStatus | None, bool],
    rows: tuple[tuple[int, int, int | None], tuple[int, int, int | None], int],
    tally: Tally,
) -> None:
    (visit_id, household_id, proposal_id), (bulk_id, _, _), open_visit = rows
    status, _confirmed = state
    stored = session.get(Visit, visit_id)
    confirmed = stored.result != VisitResult.PENDING or stored.confirmed_at is not None
    refusal = finality.visit_refusal(confirmed=confirmed, proposal_status=status)
    attach_refusal = finality.visit_parent_refusal(status)
    label = f"{role.value} {status.value if status else 'tanpa usulan'}{' dikonfirmasi' if confirmed else ''}"

    def run(name: str, request: Callable[[], Response], expected: str, message: str | None, writes: bool) -> None:
        before = dump(session)
        outcome, _after = _answer(request(), session, before, message, writes=writes)
        tally.check(f"{label} {name}", expected, outcome)

    can_edit, can_delete = _allows(role, "visit", "edit"), _allows(role, "visit", "delete")
    edit_url = f"/admin/visit/edit/{visit_id}"
    run("edit form", lambda: client.get(edit_url), _expect(can_edit, refusal), refusal, False)
    form = _visit_form(session, visit_id, notes="Catatan ditulis ulang")
    run("save", lambda: client.post(edit_url, data={**form, **SAVE}), _expect(can_edit, refusal), refusal, True)
    deleting = lambda pks: client.delete("/admin/visit/delete", params={"pks": pks})  # noqa: E731
    run("delete", lambda: deleting(str(visit_id)), _expect(can_delete, refusal), refusal, True)
    run("bulk delete", lambda: deleting(f"{open_visit},{bulk_id}"), _expect(can_delete, refusal), refusal, True)
    new = {"household": str(household_id), "proposal": str(proposal_id or ""), "enumerator_name": "Pendata Baru"}
    new = {**new, "visited_on": "2026-09-01", "family_presence": "ditemukan", **SAVE}
    creating = lambda: client.post("/admin/visit/create", data={k: v for k, v in new.items() if v})  # noqa: E731
    run("new visit", creating, _expect(_allows(role, "visit", "create"), attach_refusal), attach_refusal, True)


@pytest.mark.parametrize("role", ROLES, ids=[role.value for role in ROLES])
def test_each_role_changes_a_visit_only_where_the_rule_and_its_rights_allow(
    role: Role, settings: Settings, engine: object, regions: frozenset[str], db_session: Session
) -> None:
    world = []
    for status, confirmed in VISIT_STATES:
        visit, bulk = _visit_at(db_session, status, confirmed), _visit_at(db_session, status, confirmed)
        open_visit = _visit_at(db_session, None, False)[0]
        world.append(((status, confirmed), (visit, bulk, open_visit)))
    user = make_user(db_session, role, SCOPE_OF_ROLE[role], username=f"final_visit_{role.value}")
    assign_villages(db_session, user, "52.72.01.1001")  # the visits' village, for a pendamping PKH
    db_session.commit()
    tally = Tally()
    with ConsoleClient(create_app(settings)) as client:
        log_in(client, user.username)
        for state, rows in world:
            _visit_cases(client, db_session, role, state, rows, tally)

    tally.report("visits", role)
    assert tally.mismatches == []
    assert tally.tried == len(VISIT_STATES) * 5


def test_zz_matrix_sizes_are_reported() -> None:
    """Prints the module's totals (run with -s); the figures in docs/SECURITY.md come from here."""
    print(f"\nfinality matrix totals: {dict(TOTALS)}")
