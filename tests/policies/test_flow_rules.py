"""The casbin seed grants every step of the certificate and complaint tables to exactly the table's roles."""

from __future__ import annotations

from typing import Any

import pytest

from models import Role
from models.certificate_flow import CERTIFICATE_FLOW
from models.complaint_flow import COMPLAINT_FLOW
from models.flow import Flow
from models.resident_request_flow import REQUEST_FLOW
from policies.rules import Decisions, read_seed

SEED = read_seed()
FLOWS: list[Flow[Any]] = [CERTIFICATE_FLOW, COMPLAINT_FLOW, REQUEST_FLOW]
FLOW_IDS = [flow.resource for flow in FLOWS]
STEP_PERMISSIONS = sorted(
    {(flow.resource, step.action, step.roles) for flow in FLOWS for step in flow.steps}, key=lambda row: row[:2]
)


def _seeded_actions(resource: str) -> set[tuple[str, str, str]]:
    return {rule for rule in SEED if rule[1] == resource and rule[2].startswith("action:")}


@pytest.mark.parametrize("flow", FLOWS, ids=FLOW_IDS)
def test_the_seed_grants_each_step_of_the_table_to_exactly_its_roles(flow: Flow[Any]) -> None:
    assert _seeded_actions(flow.resource) == flow.grants()


@pytest.mark.parametrize("flow", FLOWS, ids=FLOW_IDS)
def test_no_seeded_rule_names_an_action_the_table_does_not_have(flow: Flow[Any]) -> None:
    known = {f"action:{action}" for action in flow.actions()}
    if flow.opening is not None:
        known.add(flow.opening.permission[1])
    assert {action for _, _, action in _seeded_actions(flow.resource)} <= known


@pytest.mark.parametrize(
    ("resource", "action", "roles"), STEP_PERMISSIONS, ids=[f"{r}:{a}" for r, a, _ in STEP_PERMISSIONS]
)
def test_casbin_lets_exactly_the_step_roles_take_the_step(resource: str, action: str, roles: frozenset[Role]) -> None:
    decisions = Decisions(SEED)
    allowed = {role for role in Role if decisions.allows(role.value, resource, f"action:{action}")}
    assert allowed == roles
