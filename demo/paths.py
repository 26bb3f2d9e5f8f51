"""The road a demo proposal walked: the statuses on its path, who took each step, and its plan."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from models.household import Household
from models.proposal import Proposal, ProposalKind, ProposalStatus
from models.user import Role

S = ProposalStatus
MAIN_CHAIN = (
    S.DRAFT, S.IN_MUSDES, S.AGREED, S.VISITED, S.VERIFIED, S.SUBMITTED, S.ACCEPTED,
    S.IN_DECREE, S.RATIFIED, S.FORWARDED, S.RECEIVED, S.DETERMINED,
)  # fmt: skip
BRANCHES = {
    S.REJECTED_MUSDES: S.IN_MUSDES, S.NOT_ELIGIBLE: S.VISITED, S.RETURNED: S.SUBMITTED,
    S.REJECTED_MINISTRY: S.FORWARDED, S.NOT_DETERMINED: S.RECEIVED,
}  # fmt: skip
ACTOR_ROLE = {  # who moves a proposal into each status (DESIGN section 4)
    S.DRAFT: Role.OPERATOR_DESA, S.IN_MUSDES: Role.OPERATOR_DESA, S.AGREED: Role.KEPALA_DESA,
    S.REJECTED_MUSDES: Role.KEPALA_DESA, S.VISITED: Role.PENDATA, S.VERIFIED: Role.TKSK,
    S.NOT_ELIGIBLE: Role.TKSK, S.SUBMITTED: Role.OPERATOR_DESA, S.ACCEPTED: Role.OPERATOR_DINSOS,
    S.RETURNED: Role.OPERATOR_DINSOS, S.IN_DECREE: Role.OPERATOR_DINSOS, S.RATIFIED: Role.OPERATOR_DINSOS,
    S.FORWARDED: Role.OPERATOR_PROVINSI, S.RECEIVED: Role.PUSDATIN, S.REJECTED_MINISTRY: Role.PUSDATIN,
    S.DETERMINED: Role.PUSDATIN, S.NOT_DETERMINED: Role.PUSDATIN,
}  # fmt: skip
STATUS_WEIGHTS = {  # how often each status appears beyond the first of each
    S.DRAFT: 6, S.IN_MUSDES: 6, S.AGREED: 5, S.REJECTED_MUSDES: 3, S.VISITED: 5, S.VERIFIED: 5,
    S.NOT_ELIGIBLE: 3, S.SUBMITTED: 6, S.ACCEPTED: 5, S.RETURNED: 4, S.IN_DECREE: 5, S.RATIFIED: 5,
    S.FORWARDED: 5, S.RECEIVED: 5, S.REJECTED_MINISTRY: 2, S.DETERMINED: 14, S.NOT_DETERMINED: 3,
}  # fmt: skip


def status_path(status: ProposalStatus) -> list[ProposalStatus]:
    """The statuses a proposal walked through to reach `status`, from DRAFT (DESIGN section 4)."""
    if status in BRANCHES:
        return [*status_path(BRANCHES[status]), status]
    return list(MAIN_CHAIN[: MAIN_CHAIN.index(status) + 1])


def cohort_of(path: list[ProposalStatus]) -> str:
    """The round a proposal belongs to: decreed long ago, decided lately, on the next agenda, or a draft."""
    if S.IN_DECREE in path:
        return "old"
    if S.AGREED in path or S.REJECTED_MUSDES in path:
        return "recent"
    return "agenda" if S.IN_MUSDES in path else "draft"


@dataclass
class ProposalPlan:
    """One proposal to create: its household, kind, target status, and the path and times that lead there."""

    household: Household
    kind: ProposalKind
    status: ProposalStatus
    path: list[ProposalStatus]
    cohort: str
    times: list[datetime] = field(default_factory=list)
    proposal: Proposal = field(init=False)

    @property
    def village(self) -> str:
        return self.household.region_code

    def passed(self, status: ProposalStatus) -> bool:
        return status in self.path
