"""The shape of a state machine that is not the proposal's: a table of steps, each one arrow.

The certificate paraf chain (models/certificate_flow.py) and the complaint flow (models/complaint_flow.py)
are tables of `FlowStep`s: from a status, by an action, to a status, for the roles that may take it, with
its casbin permission `(resource, "action:<name>")` and its Indonesian label. The casbin seed
(policies/policy.csv) grants each step's permission to exactly its roles (tests/policies/test_flow_rules.py),
and docs/WORKFLOW.md is drawn from the tables (chain/workflow_doc.py). The functions that apply a step live
in the core (chain/certificates.py, chain/complaints.py): they check the actor holds the permission.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

from models.user import Role

Status = TypeVar("Status", bound=Enum)


@dataclass(frozen=True)
class FlowStep(Generic[Status]):
    """One arrow: `action` moves a record from `source` to `target` (the same status: nothing moves)."""

    resource: str
    action: str
    source: Status
    target: Status
    roles: frozenset[Role]
    label: str
    needs_text: str = ""  # the label of the text this step requires ("" when it needs none)

    @property
    def permission(self) -> tuple[str, str]:
        """The casbin (resource, action) naming this step."""
        return self.resource, f"action:{self.action}"


@dataclass(frozen=True)
class Opening:
    """The action that opens a record of a flow outside the create form (the certificate desk's lookup)."""

    resource: str
    action: str
    roles: frozenset[Role]
    label: str

    @property
    def permission(self) -> tuple[str, str]:
        return self.resource, f"action:{self.action}"


@dataclass(frozen=True)
class Flow(Generic[Status]):
    """A state machine as a table: its steps in the order a page offers them, and what opens a record."""

    title: str
    resource: str
    statuses: type[Status]
    steps: tuple[FlowStep[Status], ...]
    opens_in: tuple[Status, ...]  # the statuses a new record starts in
    final: frozenset[Status]  # nothing leaves these
    opening: Opening | None = None  # None: records come from the ordinary create form

    def actions(self) -> list[str]:
        """Every action of the table once, in table order."""
        return list(dict.fromkeys(step.action for step in self.steps))

    def from_status(self, status: Status) -> list[FlowStep[Status]]:
        """The steps that leave `status`, in table order."""
        return [step for step in self.steps if step.source == status]

    def step(self, action: str, status: Status) -> FlowStep[Status] | None:
        """The step `action` takes from `status`, or None when it takes none from there."""
        return next((step for step in self.steps if step.action == action and step.source == status), None)

    def any_step(self, action: str) -> FlowStep[Status] | None:
        """The first step named `action` (for its label and permission), or None for an unknown action."""
        return next((step for step in self.steps if step.action == action), None)

    def grants(self) -> set[tuple[str, str, str]]:
        """(role, resource, action) for every permission of the table: what the casbin seed must hold."""
        granted = {(role.value, *step.permission) for step in self.steps for role in step.roles}
        if self.opening is not None:
            granted |= {(role.value, *self.opening.permission) for role in self.opening.roles}
        return granted
