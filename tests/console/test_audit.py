"""The audit trail: one row per change in the changing transaction, masked, append-only; logins, refusals, lookups.

Row changes are written by Session events (chain/audit.py), so most tests here drive a plain session; the
console tests post real forms as a browser does and read the audit page back.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

import chain.audit
from chain.acting import ActingContext, serving
from chain.audit import AUDIT_ROWS, SYSTEM_ACTOR, record
from console.database import make_session_factory
from models import (
    AuditAction,
    AuditEntry,
    Household,
    LoginAttempt,
    Member,
    Proposal,
    ProposalKind,
    Role,
    Visit,
)
from models.audit_trail import HIDDEN
from models.identity import mask_identity_number
from tests.conftest import log_in
from tests.console.form_posts import OTHER_VILLAGE, Seed, create, delete_refusal, edit, member_form, seed_register
from tests.factories import DEFAULT_PASSWORD, DEFAULT_VILLAGE, make_decree, make_household, make_user, next_nik

SIXTEEN_DIGITS = re.compile(r"\b\d{16}\b")


def entries(engine: Engine, **where: Any) -> list[AuditEntry]:
    """Committed audit rows matching `where`, oldest first, read on a connection of their own."""
    with make_session_factory(engine)() as session:
        statement = select(AuditEntry).filter_by(**where).order_by(AuditEntry.id)
        return list(session.scalars(statement))


def committed_count(engine: Engine, model: type[Any]) -> int:
    with make_session_factory(engine)() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def audit_text(engine: Engine) -> str:
    """Every audit row as JSON text (for the no-16-digit scan, security-notes D4)."""
    with make_session_factory(engine)() as session:
        rows = session.execute(select(AuditEntry.__table__)).mappings()
        return "\n".join(json.dumps(dict(row), default=str) for row in rows)


@pytest.fixture
def request_context() -> Iterator[ActingContext]:
    """The context of a request by nobody yet (what the middleware sets up)."""
    with serving(ActingContext(request_id=str(uuid.uuid4()), client_ip="10.1.2.3")) as context:
        yield context


# --- row changes, in the changing transaction ---------------------------------------------------------


def test_a_create_writes_the_whole_row_with_its_key_and_the_nik_masked(db_session: Session, engine: Engine) -> None:
    household = make_household(db_session, members=1)
    db_session.commit()

    [entry] = entries(engine, object_type="household", object_id=str(household.id))
    assert (entry.action, entry.actor_id, entry.actor_name, entry.request_id, entry.ip) == (
        AuditAction.CREATE,
        None,
        SYSTEM_ACTOR,
        "",
        "",
    )
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)  # SQLite gives naive UTC back
    assert timedelta(0) <= datetime.now(UTC) - at < timedelta(minutes=1)
    assert entry.before is None
    assert entry.after["id"] == household.id
    assert entry.after["no_kk"] == mask_identity_number(household.no_kk)
    assert entry.after["address"] == household.address
    assert entry.after["dtks_status"] == household.dtks_status.value  # enums by value
    assert entry.region_code == household.region_code
    [member_entry] = entries(engine, object_type="member", action=AuditAction.CREATE)
    assert member_entry.after["nik"] == mask_identity_number(household.members[0].nik)
    assert member_entry.after["birth_date"] == household.members[0].birth_date.isoformat()  # dates ISO


def test_an_update_records_only_the_changed_columns_before_and_after(db_session: Session, engine: Engine) -> None:
    household = make_household(db_session, members=0, address="Jl. Lama 1")
    db_session.commit()

    household.address = "Jl. Baru 2"
    household.rt = "009"
    db_session.commit()

    [entry] = entries(engine, object_type="household", action=AuditAction.UPDATE)
    assert (entry.object_id, entry.before, entry.after) == (
        str(household.id),
        {"address": "Jl. Lama 1", "rt": "001"},
        {"address": "Jl. Baru 2", "rt": "009"},
    )


def test_a_column_set_without_being_loaded_still_gets_its_old_value(db_session: Session, engine: Engine) -> None:
    household = make_household(db_session, members=0, address="Jl. Lama 1")
    db_session.commit()
    db_session.expire(household)  # as after a commit with expire_on_commit

    household.address = "Jl. Baru 2"
    db_session.commit()

    [entry] = entries(engine, object_type="household", action=AuditAction.UPDATE)
    assert (entry.before, entry.after) == ({"address": "Jl. Lama 1"}, {"address": "Jl. Baru 2"})


def test_a_delete_records_the_whole_row_and_every_row_deleted_with_it(db_session: Session, engine: Engine) -> None:
    household = make_household(db_session, members=2)
    visit = Visit(household=household, enumerator_name="Petugas", visited_on=date(2026, 3, 1))
    db_session.add(visit)
    db_session.commit()
    ids = {"household": household.id, "visit": visit.id, "member": {member.id for member in household.members}}
    db_session.expire_all()  # the visits collection is not loaded: the database cascades it (passive_deletes)

    db_session.delete(db_session.get(Household, ids["household"]))
    db_session.commit()

    deleted = entries(engine, action=AuditAction.DELETE)
    by_type = {(entry.object_type, entry.object_id): entry for entry in deleted}
    assert set(by_type) == {
        ("household", str(ids["household"])),
        ("visit", str(ids["visit"])),
        *(("member", str(member_id)) for member_id in ids["member"]),
    }
    assert by_type[("household", str(ids["household"]))].before["address"] == household.address
    assert by_type[("visit", str(ids["visit"]))].before["enumerator_name"] == "Petugas"
    assert "ON DELETE CASCADE" in by_type[("visit", str(ids["visit"]))].message
    assert all(entry.after is None for entry in deleted)


def test_a_member_removed_from_its_household_is_recorded_as_deleted(db_session: Session, engine: Engine) -> None:
    household = make_household(db_session, members=2)
    db_session.commit()
    spouse = household.members[1]

    household.members.remove(spouse)  # delete-orphan
    db_session.commit()

    [entry] = entries(engine, action=AuditAction.DELETE)
    assert (entry.object_type, entry.object_id, entry.before["nik"]) == (
        "member",
        str(spouse.id),
        mask_identity_number(spouse.nik),
    )


def test_many_to_many_changes_are_recorded_on_the_owning_row(db_session: Session, engine: Engine) -> None:
    household = make_household(db_session, members=1)
    proposal = Proposal(kind=ProposalKind.NEW, household=household)
    db_session.add(proposal)
    decree = make_decree(db_session)
    db_session.commit()

    decree.proposals.append(proposal)
    db_session.commit()

    [entry] = entries(engine, object_type="decree", action=AuditAction.UPDATE)
    assert (entry.before, entry.after) == ({"proposals": []}, {"proposals": [str(proposal.id)]})


def test_password_hashes_are_never_recorded(db_session: Session, engine: Engine) -> None:
    user = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    db_session.commit()
    user.set_password("kata-sandi-baru-yang-panjang")
    db_session.commit()

    created, updated = entries(engine, object_type="user_account")
    assert created.after["password_hash"] == HIDDEN
    assert (updated.before, updated.after) == ({"password_hash": HIDDEN}, {"password_hash": HIDDEN})
    assert user.password_hash not in audit_text(engine)
    assert created.region_code == DEFAULT_VILLAGE  # a user's region is their scope


def test_no_sixteen_digit_number_reaches_the_trail(db_session: Session, engine: Engine) -> None:
    household = make_household(db_session, members=3, notes="KK lama 5272010101900001 diganti")
    proposal = Proposal(kind=ProposalKind.NEW, household=household, requested_changes={"nik_baru": "5272014101900002"})
    db_session.add(proposal)
    db_session.commit()
    household.members[2].nik = next_nik("52.72.01", date(2004, 4, 4), is_female=True)
    db_session.delete(household.members[1])
    db_session.commit()

    text_of_trail = audit_text(engine)
    assert len(entries(engine)) == 1 + 3 + 1 + 2
    assert SIXTEEN_DIGITS.findall(text_of_trail) == []
    assert "5272**********01" in text_of_trail


def test_login_bookkeeping_alone_is_not_an_update(db_session: Session, engine: Engine) -> None:
    user = make_user(db_session, Role.ADMIN, None)
    db_session.commit()
    user.last_login_at = datetime.now(UTC)
    db_session.commit()

    assert [entry.action for entry in entries(engine, object_type="user_account")] == [AuditAction.CREATE]


def test_the_bookkeeping_tables_and_the_trail_itself_are_not_audited(db_session: Session, engine: Engine) -> None:
    db_session.add(LoginAttempt(username="budi", ip="10.0.0.1", at=datetime.now(UTC), succeeded=False))
    db_session.add(AuditEntry(action=AuditAction.EXPORT, object_type="household", actor_name="uji"))
    db_session.commit()

    assert [(entry.action, entry.actor_name) for entry in entries(engine)] == [(AuditAction.EXPORT, "uji")]


# --- atomic: no change without its audit row, no audit row without its change ----------------------------


def test_a_failing_snapshot_stores_no_business_row(
    db_session: Session, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any) -> Any:
        raise RuntimeError("snapshot failed")

    monkeypatch.setattr(chain.audit, "flushed_changes", broken)
    db_session.add(Household(no_kk="5272011403190001", region_code=DEFAULT_VILLAGE, address="Jl. A"))

    with pytest.raises(RuntimeError, match="snapshot failed"):
        db_session.commit()
    db_session.rollback()

    assert committed_count(engine, Household) == 0
    assert committed_count(engine, AuditEntry) == 0


def test_an_audit_row_the_database_refuses_stores_no_business_row(
    db_session: Session, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # actor_name is NOT NULL: the audit INSERT itself fails in the database, inside the flush.
    monkeypatch.setattr(chain.audit, "actor_columns", lambda: {"actor_id": None, "actor_name": None})
    db_session.add(Household(no_kk="5272011403190002", region_code=DEFAULT_VILLAGE, address="Jl. B"))

    with pytest.raises(DBAPIError):
        db_session.commit()
    db_session.rollback()

    assert committed_count(engine, Household) == 0
    assert committed_count(engine, AuditEntry) == 0


def test_a_failure_after_the_audit_row_and_before_commit_leaves_neither(db_session: Session, engine: Engine) -> None:
    household = make_household(db_session, members=1)  # flushed: change and audit rows are in the transaction
    in_transaction = db_session.scalar(select(func.count()).select_from(AuditEntry))
    assert in_transaction == 2

    def fail(_session: Session) -> None:
        raise RuntimeError("crash before commit")

    event.listen(db_session, "before_commit", fail)
    with pytest.raises(RuntimeError, match="crash before commit"):
        db_session.commit()
    db_session.rollback()

    assert committed_count(engine, Household) == 0
    assert committed_count(engine, Member) == 0
    assert committed_count(engine, AuditEntry) == 0
    assert household.id is not None


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_entry SET actor_name = 'pemalsu'", "DELETE FROM audit_entry"],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_or_delete_audit_rows(
    statement: str, db_session: Session, engine: Engine
) -> None:
    make_household(db_session, members=0)
    db_session.commit()

    with pytest.raises(DBAPIError, match="append-only"):
        db_session.execute(text(statement))
    db_session.rollback()

    [entry] = entries(engine)
    assert entry.actor_name == SYSTEM_ACTOR


def test_truncate_is_refused_too_on_postgresql(db_session: Session, engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    make_household(db_session, members=0)
    db_session.commit()

    with pytest.raises(DBAPIError, match="append-only"):
        db_session.execute(text("TRUNCATE audit_entry"))
    db_session.rollback()
    assert committed_count(engine, AuditEntry) == 1


# --- who acts, and the bulk/system switch ----------------------------------------------------------------


def test_inside_a_request_the_actor_request_id_and_ip_are_recorded(
    db_session: Session, engine: Engine, request_context: ActingContext
) -> None:
    user = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    request_context.identify(user)
    make_household(db_session, members=0)
    db_session.commit()

    entry = entries(engine, object_type="household")[0]
    assert (entry.actor_id, entry.actor_name, entry.request_id, entry.ip) == (
        user.id,
        user.username,
        request_context.request_id,
        "10.1.2.3",
    )


def test_each_of_many_random_changes_has_exactly_one_complete_row(
    db_session: Session, engine: Engine, request_context: ActingContext
) -> None:
    """security-notes D2 for row changes: N random creates, updates and deletes -> the same N rows, in order."""
    rng = random.Random(2026)
    user = make_user(db_session, Role.OPERATOR_DINSOS, "52.72")
    db_session.commit()
    request_context.identify(user)
    villages = [DEFAULT_VILLAGE, "52.72.01.1002", "52.72.02.1004"]
    alive: list[Household] = []
    expected: list[tuple[AuditAction, str, str]] = []
    for step in range(80):
        action = rng.choice([AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]) if alive else None
        if action in (None, AuditAction.CREATE):
            household = make_household(db_session, members=0, region_code=rng.choice(villages))
            alive.append(household)
            expected.append((AuditAction.CREATE, "household", str(household.id)))
        elif action == AuditAction.UPDATE:
            household = rng.choice(alive)
            household.address = f"Jl. Langkah {step}"
            db_session.flush()
            expected.append((AuditAction.UPDATE, "household", str(household.id)))
        else:
            household = alive.pop(rng.randrange(len(alive)))
            db_session.delete(household)
            db_session.flush()
            expected.append((AuditAction.DELETE, "household", str(household.id)))
        if rng.random() < 0.25:
            db_session.commit()
    db_session.commit()

    rows = entries(engine, actor_id=user.id)
    assert [(entry.action, entry.object_type, entry.object_id) for entry in rows] == expected
    for entry in rows:
        assert entry.at is not None and entry.actor_name == user.username
        assert (entry.request_id, entry.ip) == (request_context.request_id, "10.1.2.3")
        assert entry.region_code in villages
        assert (entry.before is None) == (entry.action == AuditAction.CREATE)
        assert (entry.after is None) == (entry.action == AuditAction.DELETE)


def test_a_bulk_session_outside_requests_skips_row_changes(db_session: Session, engine: Engine) -> None:
    db_session.info[AUDIT_ROWS] = False
    make_household(db_session, members=2)
    record(db_session, AuditAction.IMPORT, object_type="household", object_id="", region_code="", message="Impor")
    db_session.commit()

    assert [entry.action for entry in entries(engine)] == [AuditAction.IMPORT]  # explicit events still written


def test_the_bulk_switch_is_ignored_inside_a_request(
    db_session: Session, engine: Engine, request_context: ActingContext
) -> None:
    db_session.info[AUDIT_ROWS] = False
    make_household(db_session, members=1)
    db_session.commit()

    assert len(entries(engine, action=AuditAction.CREATE)) == 2


def test_record_masks_identity_numbers_in_the_message_and_snapshots(db_session: Session, engine: Engine) -> None:
    record(
        db_session,
        AuditAction.TRANSITION,
        object_type="proposal",
        object_id=7,
        region_code=DEFAULT_VILLAGE,
        message="Usulan NIK 5272010101900001 disetujui",
        before={"status": "diusulkan", "nik": "5272010101900001"},
        after={"status": "disetujui", "at": date(2026, 1, 2)},
    )
    db_session.commit()

    [entry] = entries(engine)
    assert entry.message == "Usulan NIK 5272**********01 disetujui"
    assert (entry.before, entry.after) == (
        {"status": "diusulkan", "nik": "5272**********01"},
        {"status": "disetujui", "at": "2026-01-02"},
    )


# --- through the console ----------------------------------------------------------------------------------


@pytest.fixture
def seed(admin_client: TestClient, db_session: Session) -> Seed:
    return seed_register(db_session)


def _since(engine: Engine) -> int:
    with make_session_factory(engine)() as session:
        return session.scalar(select(func.coalesce(func.max(AuditEntry.id), 0))) or 0


def _entries_after(engine: Engine, last_id: int, **where: Any) -> list[AuditEntry]:
    return [entry for entry in entries(engine, **where) if entry.id > last_id]


def test_editing_a_household_address_writes_exactly_one_row_with_before_and_after(
    seed: Seed, admin_client: TestClient, engine: Engine
) -> None:
    last = _since(engine)
    response = edit(
        admin_client,
        "household",
        seed.household_id,
        {
            "region": seed.household_region,
            "no_kk": seed.household_no_kk,
            "address": "Jl. Sultan Salahuddin No. 3",
            "rt": "001",
            "rw": "002",
            "notes": "",
        },
    )
    assert response.status_code == 302

    [entry] = _entries_after(engine, last, object_type="household", object_id=str(seed.household_id))
    assert entry.action == AuditAction.UPDATE
    assert (entry.before, entry.after) == (
        {"address": "Jl. Soekarno-Hatta No. 1"},
        {"address": "Jl. Sultan Salahuddin No. 3"},
    )
    assert (entry.actor_id, entry.actor_name, entry.ip) == (seed.admin_id, "admin_uji", "testclient")
    assert str(uuid.UUID(entry.request_id)) == entry.request_id == response.headers["X-Request-ID"]
    assert entry.region_code == seed.household_region


def test_a_member_created_through_the_console_is_recorded_with_its_nik_masked(
    seed: Seed, admin_client: TestClient, engine: Engine
) -> None:
    nik = next_nik("52.72.01", date(2011, 2, 3), is_female=False)
    last = _since(engine)
    response = create(admin_client, "member", member_form(seed.household_id, nik, date(2011, 2, 3), name="Ahmad Fauzi"))
    assert response.status_code == 302

    [entry] = _entries_after(engine, last, object_type="member")
    assert entry.action == AuditAction.CREATE
    assert entry.after["nik"] == mask_identity_number(nik) == f"{nik[:4]}**********{nik[-2:]}"
    assert entry.after["name"] == "Ahmad Fauzi"
    assert nik not in audit_text(engine)


def test_a_bulk_delete_writes_one_row_per_deleted_object(
    seed: Seed, admin_client: TestClient, db_session: Session, engine: Engine
) -> None:
    households = [make_household(db_session, members=0) for _ in range(3)]
    db_session.commit()
    ids = [household.id for household in households]
    last = _since(engine)

    response = admin_client.delete("/admin/household/delete", params={"pks": ",".join(map(str, ids))})

    assert delete_refusal(response) is None
    deleted = _entries_after(engine, last, action=AuditAction.DELETE)
    assert sorted((entry.object_type, entry.object_id) for entry in deleted) == sorted(
        ("household", str(pk)) for pk in ids
    )
    assert len({entry.request_id for entry in deleted}) == 1


def test_a_failing_audit_write_refuses_the_console_change(
    seed: Seed, admin_client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chain.audit, "actor_columns", lambda: {"actor_id": None, "actor_name": None})
    response = edit(
        admin_client,
        "household",
        seed.household_id,
        {"region": seed.household_region, "no_kk": seed.household_no_kk, "address": "Jl. Tak Tersimpan", "rt": "1"},
    )

    assert response.status_code == 400
    with make_session_factory(engine)() as session:
        assert session.get(Household, seed.household_id).address == "Jl. Soekarno-Hatta No. 1"


# --- logins, refusals, lookups ---------------------------------------------------------------------------


def _login_post(client: TestClient, username: str, password: str) -> int:
    return client.post(
        "/admin/login", data={"username": username, "password": password}, follow_redirects=False
    ).status_code


def test_logins_failed_logins_and_logouts_are_recorded_without_passwords(
    client: TestClient, db_session: Session, engine: Engine
) -> None:
    user = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE, username="budi_paruga")
    db_session.commit()

    assert _login_post(client, "budi_paruga", "salah-sekali-123") == 400
    assert _login_post(client, "tidak_ada", "rahasia-tidak-ada") == 400
    log_in(client, "budi_paruga")
    assert client.post("/admin/logout", follow_redirects=False).status_code == 303

    wrong, unknown = entries(engine, action=AuditAction.LOGIN_FAILED)
    assert (wrong.actor_name, wrong.object_id, wrong.region_code) == ("anonim", str(user.id), DEFAULT_VILLAGE)
    assert wrong.message == "Gagal masuk sebagai 'budi_paruga': kata sandi salah."
    assert (unknown.object_id, unknown.message) == ("", "Gagal masuk sebagai 'tidak_ada': nama pengguna tidak dikenal.")
    [login] = entries(engine, action=AuditAction.LOGIN)
    [logout] = entries(engine, action=AuditAction.LOGOUT)
    for entry in (login, logout):
        assert (entry.actor_id, entry.actor_name, entry.object_id) == (user.id, "budi_paruga", str(user.id))
        assert entry.ip == "testclient" and entry.request_id
    trail = audit_text(engine)
    assert "salah-sekali-123" not in trail and "rahasia-tidak-ada" not in trail and DEFAULT_PASSWORD not in trail
    # The login's own bookkeeping (last_login_at) is not a change of the user.
    assert [entry.action for entry in entries(engine, object_type="user_account", actor_id=user.id)] == [
        AuditAction.LOGIN,
        AuditAction.LOGOUT,
    ]


def test_a_throttled_login_is_recorded_too(client: TestClient, db_session: Session, engine: Engine) -> None:
    make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE, username="sari_paruga")
    db_session.commit()

    statuses = [_login_post(client, "sari_paruga", f"tebakan-{attempt}-salah") for attempt in range(12)]

    assert 429 in statuses
    failed = entries(engine, action=AuditAction.LOGIN_FAILED)
    assert len(failed) == len(statuses)
    throttled = [entry for entry in failed if "ditahan" in entry.message]
    assert len(throttled) == statuses.count(429)
    assert throttled[0].message == "Gagal masuk sebagai 'sari_paruga': ditahan, terlalu banyak percobaan."


def test_a_view_the_role_may_not_open_is_recorded_as_denied(
    client: TestClient, db_session: Session, engine: Engine
) -> None:
    user = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    db_session.commit()
    log_in(client, user.username)

    assert client.get("/admin/audit-entry/list").status_code == 403

    [denied] = entries(engine, action=AuditAction.DENIED)
    assert (denied.actor_id, denied.object_type, denied.region_code) == (user.id, "audit_entry", DEFAULT_VILLAGE)
    assert denied.message == "Ditolak (403): GET /admin/audit-entry/list"


def test_an_out_of_scope_record_is_recorded_as_denied_in_its_own_region(
    client: TestClient, db_session: Session, engine: Engine
) -> None:
    foreign = make_household(db_session, region_code=OTHER_VILLAGE, members=0)
    user = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    db_session.commit()
    log_in(client, user.username)

    assert client.get(f"/admin/household/details/{foreign.id}").status_code == 404
    assert client.get("/admin/household/details/999999").status_code == 404  # not there: nothing refused

    [denied] = entries(engine, action=AuditAction.DENIED)
    assert (denied.object_type, denied.object_id, denied.region_code) == ("household", str(foreign.id), OTHER_VILLAGE)
    assert "di luar wilayah tugas" in denied.message


def test_a_nik_search_records_each_listed_record_with_the_term_masked(
    seed: Seed, admin_client: TestClient, engine: Engine
) -> None:
    response = admin_client.post("/admin/member/search", data={"term": seed.head_nik})
    assert response.status_code == 200 and seed.head_nik not in str(response.url)

    [lookup] = entries(engine, action=AuditAction.LOOKUP)
    assert (lookup.object_type, lookup.object_id, lookup.region_code) == (
        "member",
        str(seed.head_id),
        seed.household_region,
    )
    assert mask_identity_number(seed.head_nik) in lookup.message and seed.head_nik not in audit_text(engine)
    assert lookup.actor_name == "admin_uji"


def test_a_search_that_finds_nothing_is_recorded_once(seed: Seed, admin_client: TestClient, engine: Engine) -> None:
    admin_client.post("/admin/member/search", data={"term": "5272019999990001"})

    [lookup] = entries(engine, action=AuditAction.LOOKUP)
    assert (lookup.object_type, lookup.object_id) == ("member", "")
    assert "5272**********01" in lookup.message and "0 data" in lookup.message


def test_opening_a_record_with_a_nik_is_recorded(seed: Seed, admin_client: TestClient, engine: Engine) -> None:
    assert admin_client.get(f"/admin/member/details/{seed.head_id}").status_code == 200
    assert admin_client.get(f"/admin/meeting/details/{seed.meeting_id}").status_code == 200  # no NIK: not recorded

    [lookup] = entries(engine, action=AuditAction.LOOKUP)
    assert (lookup.object_type, lookup.object_id, lookup.message) == (
        "member",
        str(seed.head_id),
        f"Membuka rincian member {seed.head_id}.",
    )


# --- the audit page --------------------------------------------------------------------------------------


ACTORS = (("operator_paruga", DEFAULT_VILLAGE), ("operator_nae", "52.72.01.1002"), ("operator_matekko", OTHER_VILLAGE))


def _audit_rows(db_session: Session) -> dict[str, int]:
    """An update by each of three village operators (two in Kota Bima, one in Bulukumba); their ids."""
    ids = {}
    for username, village in ACTORS:
        actor = make_user(db_session, Role.OPERATOR_DESA, village, username=username)
        ids[username] = actor.id
        db_session.add(
            AuditEntry(
                action=AuditAction.UPDATE,
                object_type="household",
                object_id="1",
                region_code=village,
                actor_id=actor.id,
                actor_name=username,
                before={"address": "<b>lama</b>"},
                after={"address": "<script>alert(1)</script>"},
            )
        )
    db_session.commit()
    return ids


def _listed_ids(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r"/admin/audit-entry/details/(\d+)", html)}


def _ids(engine: Engine, **where: Any) -> set[int]:
    return {entry.id for entry in entries(engine, **where)}


def test_admin_reads_every_entry_and_a_district_head_only_their_regency(
    client: TestClient, db_session: Session, engine: Engine
) -> None:
    head = make_user(db_session, Role.KEPALA_DINAS, "52.72")
    make_user(db_session, Role.ADMIN, None, username="admin_audit")
    db_session.commit()
    _audit_rows(db_session)

    log_in(client, "admin_audit")
    everything = _listed_ids(client.get("/admin/audit-entry/list", params={"pageSize": 100}).text)
    assert everything == _ids(engine)
    client.post("/admin/logout")

    log_in(client, head.username)
    listed = _listed_ids(client.get("/admin/audit-entry/list", params={"pageSize": 100}).text)
    with make_session_factory(engine)() as session:
        in_regency = {
            entry.id
            for entry in session.scalars(select(AuditEntry))
            if entry.region_code == "52.72" or entry.region_code.startswith("52.72.")
        }
    assert listed == in_regency
    assert {entry.actor_name for entry in entries(engine) if entry.id in listed} >= {"operator_paruga", "operator_nae"}
    assert "operator_matekko" not in {entry.actor_name for entry in entries(engine) if entry.id in listed}
    foreign = next(entry.id for entry in entries(engine, region_code=OTHER_VILLAGE))
    assert client.get(f"/admin/audit-entry/details/{foreign}").status_code == 404


def test_the_audit_page_filters_by_action_and_region_and_searches_the_actor(
    admin_client: TestClient, db_session: Session, engine: Engine
) -> None:
    actors = _audit_rows(db_session)
    listing = "/admin/audit-entry/list"

    by_action = _listed_ids(admin_client.get(listing, params={"action": "update"}).text)
    by_region = _listed_ids(admin_client.get(listing, params={"wilayah": "52.72.01.1001"}).text)
    searched = _listed_ids(admin_client.post("/admin/audit-entry/search", data={"term": "paruga"}).text)
    by_system = _listed_ids(admin_client.post("/admin/audit-entry/search", data={"term": SYSTEM_ACTOR}).text)

    assert by_action == _ids(engine, action=AuditAction.UPDATE)
    assert by_region == _ids(engine, region_code=DEFAULT_VILLAGE)
    # What operator_paruga did, and what was done to their account (created by the system here).
    assert searched == _ids(engine, actor_id=actors["operator_paruga"]) | _ids(
        engine, object_type="user_account", object_id=str(actors["operator_paruga"])
    )
    assert len(searched) == 2
    assert by_system == _ids(engine, actor_name=SYSTEM_ACTOR) and by_system


def test_the_details_page_shows_before_and_after_escaped(
    admin_client: TestClient, db_session: Session, engine: Engine
) -> None:
    _audit_rows(db_session)
    entry_id = min(_ids(engine, action=AuditAction.UPDATE))

    page = admin_client.get(f"/admin/audit-entry/details/{entry_id}").text

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<pre id="audit-before">{\n  &#34;address&#34;: &#34;&lt;b&gt;lama&lt;/b&gt;&#34;\n}</pre>' in page
    assert 'id="audit-changes"' in page


# --- breach readiness (security-notes P2): who saw which households between t1 and t2 ---------------------

WHO_SAW_WHICH_HOUSEHOLDS = """
SELECT a.at, a.actor_id, a.actor_name, a.ip, a.action, a.object_type, a.object_id, a.region_code
FROM audit_entry AS a
WHERE a.actor_id = :actor_id
  AND a.at >= :t1 AND a.at < :t2
  AND a.action IN ('lookup', 'export')
  AND a.object_type IN ('household', 'member')
ORDER BY a.at
"""


def test_one_query_answers_who_saw_which_records_between_two_times(
    seed: Seed, admin_client: TestClient, engine: Engine
) -> None:
    t1 = datetime.now(UTC) - timedelta(seconds=1)
    admin_client.get(f"/admin/member/details/{seed.head_id}")
    admin_client.get(f"/admin/household/details/{seed.household_id}")
    admin_client.post("/admin/member/search", data={"term": seed.head_nik})
    t2 = datetime.now(UTC) + timedelta(seconds=1)

    with engine.connect() as connection:
        rows = connection.execute(text(WHO_SAW_WHICH_HOUSEHOLDS), {"actor_id": seed.admin_id, "t1": t1, "t2": t2}).all()

    assert [(row.action, row.object_type, row.object_id) for row in rows] == [
        ("lookup", "member", str(seed.head_id)),
        ("lookup", "household", str(seed.household_id)),
        ("lookup", "member", str(seed.head_id)),
    ]
