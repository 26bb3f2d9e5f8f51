"""Issue 9's acceptance on the demo data: decided proposals and their visits refuse every edit and delete.

As `operator_desa` (the demo account of the demo village, and one of each other village that holds such
proposals), editing and deleting every proposal from `in_decree` on is refused with the rule's message and the
database is unchanged; as `pendata`, the same for the visits of those proposals; open proposals (draft,
returned) still edit. The demo is seeded on the migrated test database, so the guard and the triggers are on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from demo import DEMO_PASSWORD
from models import Base, Decree, DecreeAnnexRow, Household, Proposal, ProposalStatus, Role, Visit, finality
from tests.conftest import log_in
from tests.console.form_posts import SAVE, fixed_refusal
from tests.console_client import ConsoleClient
from tests.factories import make_user

S = ProposalStatus
REGENCY = "52.72"
HOUSEHOLDS = 400  # the demo village then holds proposals from in_decree on, a draft and a returned one
# What every request leaves behind by itself (the trail of refusals, the session's last-seen time).
BOOKKEEPING = {"audit_entry", "user_session", "login_attempt"}


@pytest.fixture
def demo(demo_seeder: Callable[[str, int], Session]) -> Session:
    """The demo data for Kota Bima on the test database."""
    return demo_seeder(REGENCY, HOUSEHOLDS)


def whole_database(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the bookkeeping ones, in primary-key order."""
    session.expire_all()
    return {
        table.name: [tuple(row) for row in session.execute(text(f"SELECT * FROM {table.name} ORDER BY 1"))]
        for table in Base.metadata.sorted_tables
        if table.name not in BOOKKEEPING
    }


@pytest.fixture
def browsers(app: Starlette) -> Iterator[dict[str, ConsoleClient]]:
    opened: dict[str, ConsoleClient] = {}
    yield opened
    for client in opened.values():
        client.__exit__(None, None, None)


def _browser(app: Starlette, opened: dict[str, ConsoleClient], username: str, password: str) -> ConsoleClient:
    if username not in opened:
        client = ConsoleClient(app, base_url="http://testserver")
        client.__enter__()
        log_in(client, username, password)
        opened[username] = client
    return opened[username]


def _officials(
    app: Starlette, session: Session, opened: dict[str, ConsoleClient], role: Role, villages: set[str]
) -> dict[str, ConsoleClient]:
    """A logged-in official of `role` per village: the demo account for its own village, a new one elsewhere."""
    demo_village = session.scalar(
        text("SELECT scope_region_code FROM user_account WHERE username = :name"), {"name": role.value}
    )
    found = {}
    for village in sorted(villages):
        if village == demo_village:
            found[village] = _browser(app, opened, role.value, DEMO_PASSWORD)
        else:
            username = f"{role.value}_{village.replace('.', '')}"
            if username not in opened:
                make_user(session, role, village, username=username)
                session.commit()
            found[village] = _browser(app, opened, username, "kata-sandi-uji-123")
    return found


def _decided(session: Session) -> list[Proposal]:
    return list(session.scalars(select(Proposal).where(Proposal.status.in_(finality.IN_DECREE_ON))))


def test_the_demo_holds_every_status_and_the_demo_village_decided_and_open_proposals(demo: Session) -> None:
    statuses = set(demo.scalars(select(Proposal.status)))
    assert statuses == set(ProposalStatus)
    village = demo.scalar(text("SELECT scope_region_code FROM user_account WHERE username = 'operator_desa'"))
    here = set(demo.scalars(select(Proposal.status).where(Proposal.region_code == village)))
    assert here & finality.IN_DECREE_ON and {S.DRAFT, S.RETURNED} <= here


def test_the_village_operator_can_neither_edit_nor_delete_a_proposal_from_in_decree_on(
    demo: Session, app: Starlette, browsers: dict[str, ConsoleClient]
) -> None:
    decided = _decided(demo)
    operators = _officials(app, demo, browsers, Role.OPERATOR_DESA, {p.region_code for p in decided})
    other_household = {p.region_code: p.household_id for p in demo.scalars(select(Proposal))}
    before = whole_database(demo)
    refused: defaultdict[str, int] = defaultdict(int)

    for proposal in decided:
        client = operators[proposal.region_code]
        url = f"/admin/proposal/edit/{proposal.id}"
        swap = {"kind": proposal.kind.value, "household": str(other_household[proposal.region_code])}
        answers = {
            "edit form": client.get(url),
            "save": client.post(url, data={**swap, "reason": "Ditulis ulang", **SAVE}),
            "delete": client.delete("/admin/proposal/delete", params={"pks": str(proposal.id)}),
        }
        for name, response in answers.items():
            assert fixed_refusal(response) == finality.PROPOSAL_IN_DECREE, (proposal.id, proposal.status, name)
            refused[name] += 1

    assert whole_database(demo) == before
    assert len(decided) >= 10 and all(count == len(decided) for count in refused.values())


def test_the_enumerator_can_neither_edit_nor_delete_a_visit_of_those_proposals(
    demo: Session, app: Starlette, browsers: dict[str, ConsoleClient]
) -> None:
    visits = list(demo.scalars(select(Visit).join(Visit.proposal).where(Proposal.status.in_(finality.IN_DECREE_ON))))
    enumerators = _officials(app, demo, browsers, Role.PENDATA, {v.region_code for v in visits})
    before = whole_database(demo)

    for visit in visits:
        client = enumerators[visit.region_code]
        url = f"/admin/visit/edit/{visit.id}"
        form = {"household": str(visit.household_id), "proposal": str(visit.proposal_id), "notes": "Ditulis ulang"}
        form |= {"enumerator_name": visit.enumerator_name, "visited_on": visit.visited_on.isoformat(), **SAVE}
        assert fixed_refusal(client.get(url)) == finality.VISIT_IN_DECREE
        assert fixed_refusal(client.post(url, data=form)) == finality.VISIT_IN_DECREE
        # pendata holds no delete right at all (casbin); the finality rule would refuse it as well.
        assert client.delete("/admin/visit/delete", params={"pks": str(visit.id)}).status_code == 403
        new = {**form, "notes": "Kunjungan tambahan", "visited_on": "2026-09-01"}
        added = client.post("/admin/visit/create", data=new)
        assert added.status_code == 400 and finality.VISIT_IN_DECREE in added.text

    assert whole_database(demo) == before
    assert len(visits) >= 10


def test_open_proposals_of_the_demo_still_edit(
    demo: Session, app: Starlette, browsers: dict[str, ConsoleClient]
) -> None:
    open_ones = list(demo.scalars(select(Proposal).where(Proposal.status.in_([S.DRAFT, S.RETURNED]))))
    operators = _officials(app, demo, browsers, Role.OPERATOR_DESA, {p.region_code for p in open_ones})

    for proposal in open_ones:
        form = {"kind": proposal.kind.value, "household": str(proposal.household_id), "reason": "Diperbaiki desa"}
        if proposal.removal_reason is not None:
            form["removal_reason"] = proposal.removal_reason.value
        form |= {name: "y" for name in ("has_ktp", "has_kk", "has_sktm") if getattr(proposal, name)}
        form |= {f"requested_changes-{name}": value for name, value in (proposal.requested_changes or {}).items()}
        response = operators[proposal.region_code].post(
            f"/admin/proposal/edit/{proposal.id}", data={**form, **SAVE}, follow_redirects=False
        )
        assert response.status_code == 302, (proposal.id, proposal.status, response.status_code)

    demo.expire_all()
    assert {p.reason for p in demo.scalars(select(Proposal).where(Proposal.id.in_([p.id for p in open_ones])))} == {
        "Diperbaiki desa"
    }
    assert demo.get(Household, open_ones[0].household_id) is not None


def test_the_demo_keeps_the_annex_of_every_signed_decree(demo: Session) -> None:
    signed = list(demo.scalars(select(Decree).where(Decree.signed_at.is_not(None))))
    assert signed
    for decree in signed:
        members = sum(len(proposal.household.members) for proposal in decree.proposals)
        kept = demo.scalar(select(func.count()).where(DecreeAnnexRow.decree_id == decree.id))
        assert kept == members > 0, decree.number
