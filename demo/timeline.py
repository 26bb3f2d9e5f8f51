"""When things happened: moments over the last three months, and the decree numbers drawn from them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from demo.paths import ProposalPlan, S
from models.proposal import ProposalStatus

# Days before today. Cohorts: (draft, put on the agenda, meeting held); negative is ahead of today.
COHORT_DAYS = {"old": (92, 86, 84), "recent": (44, 38, 34), "agenda": (14, 6, -5), "draft": (9, 0, 0)}
OLD_COHORT_DAYS = {S.SUBMITTED: 64, S.RECEIVED: 33, S.REJECTED_MINISTRY: 33}
SHARED_STEP_DAYS = {S.IN_DECREE: 55, S.RATIFIED: 48, S.FORWARDED: 40, S.DETERMINED: 26, S.NOT_DETERMINED: 26}


class Timeline:
    """Moments over the last three months in office hours: shared steps (meetings, decrees) and each
    household's own pace in between."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng, self.now = rng, now
        self.opening = datetime.combine(now.date(), time(0, 30), tzinfo=UTC)  # 08:30 WITA (UTC+8)
        self.meetings: dict[tuple[str, str], datetime] = {}

    def at(self, days_before: int) -> datetime:
        return self.opening - timedelta(days=days_before) + timedelta(minutes=self.rng.randrange(0, 420, 5))

    def shared(self, status: ProposalStatus) -> datetime:
        return self.opening - timedelta(days=SHARED_STEP_DAYS[status], hours=-2)

    def meeting_at(self, village_code: str, cohort: str) -> datetime:
        if (village_code, cohort) not in self.meetings:
            days = COHORT_DAYS[cohort][2] - self.rng.randint(0, 4)
            self.meetings[village_code, cohort] = self.opening - timedelta(days=days, hours=-1)
        return self.meetings[village_code, cohort]

    def _anchor(self, status: ProposalStatus, plan: ProposalPlan) -> datetime | None:
        draft_days, agenda_days, _ = COHORT_DAYS[plan.cohort]
        if status == S.DRAFT:
            return self.at(draft_days - self.rng.randint(0, 9 if plan.cohort == "draft" else 3))
        if status == S.IN_MUSDES:
            return self.at(agenda_days - self.rng.randint(0, 1))
        if status in (S.AGREED, S.REJECTED_MUSDES):
            return self.meeting_at(plan.village, plan.cohort) + timedelta(hours=3)
        if plan.cohort == "old" and status in OLD_COHORT_DAYS:
            return self.at(OLD_COHORT_DAYS[status] - self.rng.randint(0, 1))
        return self.shared(status) if status in SHARED_STEP_DAYS else None

    def times(self, plan: ProposalPlan) -> list[datetime]:
        result: list[datetime] = []
        for status in plan.path:
            at = self._anchor(status, plan)
            if at is None:  # a step each household takes at its own pace
                at = self.at((self.opening.date() - result[-1].date()).days - self.rng.randint(1, 4))
            if result and at <= result[-1]:
                at = result[-1] + timedelta(minutes=self.rng.randint(30, 180))
            result.append(min(at, self.now))
        return result


@dataclass(frozen=True)
class DecreeNumbers:
    """The numbers of the decrees the chain ends in, drawn before the history notes quote them."""

    district: str
    waiting: str  # a later SK of the same day whose proposals still wait for the province to forward them
    draft: None
    province: str
    ministry: str

    @classmethod
    def draw(cls, rng: random.Random, timeline: Timeline) -> DecreeNumbers:
        serial, year = rng.randint(100, 480), timeline.shared(S.RATIFIED).year
        return cls(
            district=f"188.45/{serial}/DINSOS/{year}",
            waiting=f"188.45/{serial + 1}/DINSOS/{year}",
            draft=None,  # a draft SK is numbered when it is signed
            province=f"460/{rng.randint(1000, 4800)}/DINSOS/{timeline.shared(S.FORWARDED).year}",
            ministry=f"{rng.randint(20, 180)}/HUK/{timeline.shared(S.DETERMINED).year}",
        )
