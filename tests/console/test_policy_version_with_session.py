"""The access rules' version travels with the session row's read (console/sessions.py, console/authorization.py).

A request of a logged-in official learns whether its process's casbin rules are current from the statement that
reads its session, with no transaction of its own; a rule changed by another process (admin's page, a CLI, SQL)
still takes effect on that official's very next request.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from models.policy import PolicyRule
from models.user import Role
from tests.console_client import ConsoleClient, log_in_as_new_user
from tests.sent_statements import statements_sent

DECREES = "/admin/decree/list"


def _rule() -> PolicyRule:
    return PolicyRule(subject=Role.TKSK.value, resource="decree", action="list")


def test_a_rule_changed_elsewhere_holds_on_the_officials_next_request(
    app: Starlette, client: ConsoleClient, db_session: Session
) -> None:
    log_in_as_new_user(client, db_session, Role.TKSK, "52.72.01")
    assert client.get(DECREES).status_code == 403

    db_session.add(_rule())  # as another process would: the version moves with the rule, in one transaction
    db_session.commit()
    assert client.get(DECREES).status_code == 200

    db_session.execute(delete(PolicyRule).where(PolicyRule.subject == Role.TKSK.value, PolicyRule.resource == "decree"))
    db_session.commit()
    assert client.get(DECREES).status_code == 403


def test_the_version_is_read_with_the_session_row_not_in_a_transaction_of_its_own(
    app: Starlette, client: ConsoleClient, db_session: Session
) -> None:
    log_in_as_new_user(client, db_session, Role.TKSK, "52.72.01")
    client.get("/admin/household/list")  # the process's rules loaded
    with statements_sent(app.state.engine) as statements:
        assert client.get("/admin/household/list").status_code == 200

    reading_the_version = [statement for statement in statements if "policy_state" in statement]
    assert len(reading_the_version) == 1, reading_the_version
    assert "user_session" in reading_the_version[0]
