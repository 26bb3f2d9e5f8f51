"""Casbin decides role x resource x action, from rules in the database; anything unknown is denied."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from models import PolicyRule, PolicyState, Role
from policies.rules import Decisions, PolicyStore, read_seed

SEED = read_seed()


def test_the_seed_file_names_only_known_roles_and_has_no_duplicates() -> None:
    roles = {role.value for role in Role}
    assert {subject for subject, _, _ in SEED} <= roles
    assert len(SEED) == len(set(SEED))


@pytest.mark.parametrize("rule", SEED, ids=[",".join(rule) for rule in SEED])
def test_every_seeded_rule_is_allowed(rule: tuple[str, str, str]) -> None:
    assert Decisions(SEED).allows(*rule)


def _resources_and_actions() -> tuple[set[str], set[str]]:
    return {resource for _, resource, _ in SEED}, {action for _, _, action in SEED}


def test_every_triple_not_in_the_seed_is_denied() -> None:
    decisions = Decisions(SEED)
    resources, actions = _resources_and_actions()
    allowed = set(SEED)
    tried = 0
    for role in Role:
        for resource in resources:
            for action in actions:
                tried += 1
                assert decisions.allows(role.value, resource, action) == ((role.value, resource, action) in allowed)
    assert tried > 2000


@pytest.mark.parametrize(
    ("role", "resource", "action"),
    [("", "household", "list"), ("kepala_suku", "household", "list"), ("admin", "", "list"), ("admin", "user", "")],
    ids=["empty-subject", "unknown-role", "empty-resource", "empty-action"],
)
def test_unknown_or_empty_requests_are_denied(role: str, resource: str, action: str) -> None:
    assert not Decisions(SEED).allows(role, resource, action)


def test_a_store_reloads_when_the_stored_version_moves_and_only_then(engine: Engine, db_session: Session) -> None:
    store, other_process = PolicyStore(), PolicyStore()
    store.refresh(db_session)
    other_process.refresh(db_session)
    assert not store.allows("tksk", "decree", "list")

    db_session.add(PolicyRule(subject="tksk", resource="decree", action="list"))
    db_session.commit()
    store.refresh(db_session)
    other_process.refresh(db_session)

    assert store.allows("tksk", "decree", "list")
    assert other_process.allows("tksk", "decree", "list")
    version = store.version
    store.refresh(db_session)
    assert store.version == version

    db_session.execute(delete(PolicyRule).where(PolicyRule.subject == "tksk", PolicyRule.resource == "decree"))
    db_session.commit()
    store.refresh(db_session)
    assert not store.allows("tksk", "decree", "list")


def test_a_rule_change_moves_the_version_in_the_same_transaction(db_session: Session) -> None:
    before = db_session.scalar(select(PolicyState.version))
    rule = PolicyRule(subject="tksk", resource="decree", action="details")
    db_session.add(rule)
    db_session.flush()
    assert db_session.scalar(select(PolicyState.version)) == before + 1
    db_session.rollback()
    assert db_session.scalar(select(PolicyState.version)) == before


def test_a_policy_that_fails_to_load_denies_everything(db_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    store = PolicyStore()
    store.refresh(db_session)
    assert store.allows("admin", "user", "list")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(db_session, "scalar", broken)
    store.refresh(db_session)

    assert not store.allows("admin", "user", "list")
    assert not store.allows("operator_desa", "household", "list")


def test_the_seed_grants_each_proposal_transition_to_exactly_the_roles_of_the_transition_table() -> None:
    from models.workflow import TRANSITIONS

    seeded = {
        (role, action) for role, resource, action in SEED if resource == "proposal" and action.startswith("action:")
    }
    table = {(role.value, transition.permission) for transition in TRANSITIONS for role in transition.roles}
    assert seeded == table
