"""Every way a session ends is audited once, in the transaction that ends it, naming who ended whose session.

Logout by the user, an admin ending someone's session (Sesi Masuk), and the sessions ended because the
account was deactivated or given a new password (models/session.py). ASVS 5.0 7.4.x, 16.3.1.
"""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from console.database import make_session_factory
from models import AuditAction, AuditEntry, Role, User
from tests.console.form_posts import edit, user_form
from tests.console.session_helpers import (
    OPERATOR,
    fresh_client,
    log_in_for_cookie,
    session_rows,
)
from tests.console_client import ConsoleClient
from tests.factories import DEFAULT_VILLAGE, make_user


def _ended(engine: Engine) -> list[AuditEntry]:
    with make_session_factory(engine)() as session:
        statement = select(AuditEntry).where(AuditEntry.action == AuditAction.LOGOUT).order_by(AuditEntry.id)
        return list(session.scalars(statement))


def test_logout_deletes_the_session_and_records_who_left(
    client: ConsoleClient, village_operator: User, db_session: Session, engine: Engine
) -> None:
    log_in_for_cookie(client)

    assert client.post("/admin/logout", follow_redirects=False).status_code == 303

    assert session_rows(db_session) == []
    [entry] = _ended(engine)
    assert (entry.actor_name, entry.actor_id, entry.object_type, entry.object_id) == (
        OPERATOR,
        village_operator.id,
        "user_account",
        str(village_operator.id),
    )
    assert entry.region_code == DEFAULT_VILLAGE
    assert entry.message == f"Sesi {OPERATOR} diakhiri oleh {OPERATOR}: keluar."


def test_an_admin_ending_two_sessions_in_sesi_masuk_writes_one_entry_for_each(
    app: Starlette, admin_client: ConsoleClient, village_operator: User, db_session: Session, engine: Engine
) -> None:
    with fresh_client(app) as phone, fresh_client(app) as laptop:
        hashes = [hashlib.sha256(log_in_for_cookie(browser).encode()).hexdigest() for browser in (phone, laptop)]

        response = admin_client.delete("/admin/user-session/delete", params={"pks": ",".join(hashes)})

        assert response.status_code == 200
        assert [user_id for _, user_id in session_rows(db_session) if user_id == village_operator.id] == []
    ended = _ended(engine)
    assert [(entry.actor_name, entry.object_id, entry.region_code) for entry in ended] == [
        ("admin_uji", str(village_operator.id), DEFAULT_VILLAGE)
    ] * 2
    assert {entry.message for entry in ended} == {f"Sesi {OPERATOR} diakhiri oleh admin_uji: menu Sesi Masuk."}


@pytest.mark.parametrize(
    ("changes", "reason"),
    [({"is_active": None}, "akun dinonaktifkan"), ({"password": "sawah-baru-di-paruga-2026"}, "kata sandi diganti")],
    ids=["deactivated", "new-password"],
)
def test_an_admin_deactivating_or_resetting_a_user_records_the_sessions_it_ended(
    app: Starlette,
    admin_client: ConsoleClient,
    village_operator: User,
    db_session: Session,
    engine: Engine,
    changes: dict[str, str | None],
    reason: str,
) -> None:
    with fresh_client(app) as phone, fresh_client(app) as laptop:
        log_in_for_cookie(phone)
        log_in_for_cookie(laptop)

        response = edit(admin_client, "user", village_operator.id, user_form(village_operator, **changes))

        assert response.status_code == 302
    [entry] = _ended(engine)
    assert (entry.actor_name, entry.object_id) == ("admin_uji", str(village_operator.id))
    assert entry.message == f"Sesi {OPERATOR} diakhiri oleh admin_uji: {reason}, 2 sesi terbuka."
    assert [user_id for _, user_id in session_rows(db_session) if user_id == village_operator.id] == []


def test_a_deactivation_outside_the_console_is_recorded_as_the_system(
    app: Starlette, village_operator: User, db_session: Session, engine: Engine
) -> None:
    with fresh_client(app) as official:
        log_in_for_cookie(official)
    db_session.get(User, village_operator.id).is_active = False

    db_session.commit()

    [entry] = _ended(engine)
    assert (entry.actor_name, entry.actor_id) == ("sistem", None)
    assert entry.message == f"Sesi {OPERATOR} diakhiri oleh sistem: akun dinonaktifkan, 1 sesi terbuka."


def test_a_deactivation_that_fails_keeps_the_sessions_and_records_nothing(
    app: Starlette, village_operator: User, db_session: Session, engine: Engine
) -> None:
    make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE, username="nama_terpakai")
    db_session.commit()
    with fresh_client(app) as official:
        log_in_for_cookie(official)
        user = db_session.get(User, village_operator.id)
        user.is_active = False
        user.username = "nama_terpakai"  # the same flush then fails on the unique username

        with pytest.raises(IntegrityError):
            db_session.commit()
        db_session.rollback()

        assert [user_id for _, user_id in session_rows(db_session)] == [village_operator.id]
        assert _ended(engine) == []
        assert official.get("/admin/worklist", follow_redirects=False).status_code == 200


def test_deactivating_a_user_with_no_open_session_records_no_session_end(
    village_operator: User, db_session: Session, engine: Engine
) -> None:
    db_session.get(User, village_operator.id).is_active = False

    db_session.commit()

    assert _ended(engine) == []
