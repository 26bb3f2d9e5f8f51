"""SECRET_KEY signs the session cookie: a token signed under another key, or not signed, opens no session.

What the signature adds to the random token and its hashed row (console/sessions.py): write access to the
`user_session` table alone does not let anyone sign in, and changing SECRET_KEY ends every open session.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from console.app import create_app
from console.sessions import cookie_signer
from console.settings import Settings
from models import User, UserSession
from tests.console.session_helpers import OPERATOR, cookie_value, fresh_client, post_login, set_cookie_of, signed_in


def _planted_session(db_session: Session, user: User, cookie: str) -> None:
    """What an attacker with INSERT on user_session could do: a row for a cookie value they chose."""
    hashed = hashlib.sha256(cookie.encode()).hexdigest()
    db_session.add(UserSession(token_hash=hashed, user_id=user.id, data={"user_id": user.id}))
    db_session.commit()


def test_a_cookie_signed_under_another_secret_key_is_refused_and_reads_as_logged_out(
    settings: Settings, engine: Engine, regions: frozenset[str], app: Starlette, village_operator: User
) -> None:
    with fresh_client(app) as browser:
        response = post_login(browser, OPERATOR)
        assert response.status_code == 302
        cookie = cookie_value(response)
        assert signed_in(browser)
    rotated = create_app(settings.model_copy(update={"secret_key": secrets.token_urlsafe(36)}))

    with fresh_client(rotated, cookie=cookie) as same_browser_after_rotation:
        response = same_browser_after_rotation.get("/admin/household/list", follow_redirects=False)

        assert response.status_code == 302 and response.headers["location"].endswith("/admin/login")
        assert "max-age=0" in (set_cookie_of(response) or "").lower()  # the browser is told to drop it
    with fresh_client(app, cookie=cookie) as same_browser_same_key:
        assert signed_in(same_browser_same_key)  # the row itself is intact: only the key changed


def test_a_row_planted_in_the_session_table_opens_no_session_without_the_key(
    app: Starlette, village_operator: User, db_session: Session
) -> None:
    forged = [
        secrets.token_urlsafe(32),  # a bare token, as the cookie was before it was signed
        cookie_signer("a-key-the-attacker-made-up-" + "x" * 20).sign(secrets.token_urlsafe(32)).decode(),
    ]
    for cookie in forged:
        _planted_session(db_session, village_operator, cookie)

        with fresh_client(app, cookie=cookie) as attacker:
            assert not signed_in(attacker), cookie


def test_the_same_planted_row_with_a_cookie_signed_by_the_real_key_does_sign_in(
    settings: Settings, app: Starlette, village_operator: User, db_session: Session
) -> None:
    # The control of the test above: the signature is the only thing the forged cookies lacked.
    cookie = cookie_signer(settings.effective_secret_key()).sign(secrets.token_urlsafe(32)).decode()
    _planted_session(db_session, village_operator, cookie)

    with fresh_client(app, cookie=cookie) as holder_of_the_key:
        assert signed_in(holder_of_the_key)


def test_a_tampered_signature_is_refused_before_the_database_is_read(app: Starlette, village_operator: User) -> None:
    with fresh_client(app) as browser:
        cookie = cookie_value(post_login(browser, OPERATOR))
    token, signature = cookie.split(".")
    tampered = f"{token}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    store = app.state.admin.authentication_backend.sessions
    statements: list[str] = []

    def count(_connection: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", count)
    try:
        assert store.load(tampered) is None
        assert statements == []
        assert store.load(cookie) is not None
        assert statements  # the genuine cookie is looked up
    finally:
        event.remove(app.state.engine, "before_cursor_execute", count)
