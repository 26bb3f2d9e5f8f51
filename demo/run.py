"""One seeding run: the session, the random source, the regency, and the officials acting in it.

The seeding steps (`users`, `households`, `proposals`, ...) are functions over this state; they draw from
one random source in a fixed order, so the same seed gives the same data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo.geography import Geography
from demo.paths import ProposalPlan
from demo.people import PeopleFactory
from demo.timeline import DecreeNumbers, Timeline
from models.household import Household
from models.member import Member
from models.region import Region
from models.region_codes import RegionLevel, ancestor_at, is_within
from models.user import Role, User


@dataclass(frozen=True)
class Actor:
    """Who took a step: a demo user (with an id) or a named official of another village (no account)."""

    id: int | None
    name: str


class DemoRun:
    """The state the seeding steps share: what was drawn, created and planned so far."""

    def __init__(self, session: Session, geography: Geography, seed: int) -> None:
        self.session, self.geography = session, geography
        self.rng = random.Random(seed)
        self.people = PeopleFactory(self.rng, geography.birth_places, numbers_in_use(session, geography.regency))
        self.timeline = Timeline(self.rng, datetime.now(UTC))
        self.numbers = DecreeNumbers.draw(self.rng, self.timeline)
        self.users: dict[Role, User] = {}
        self.local_officials: dict[tuple[Role, str], Actor] = {}
        self.homes: list[Household] = []
        self.plans: list[ProposalPlan] = []

    def actor(self, role: Role, village_code: str) -> Actor:
        """The demo user when the village lies in their scope, else a (remembered) official of that village."""
        user = self.users[role]
        if user.scope_region_code is None or is_within(village_code, user.scope_region_code):
            return Actor(user.id, user.full_name)
        level = RegionLevel.VILLAGE if role.scope_level == RegionLevel.VILLAGE else RegionLevel.KECAMATAN
        key = (role, ancestor_at(village_code, level))
        if key not in self.local_officials:
            self.local_officials[key] = Actor(None, self.people.full_name(female=self.rng.random() < 0.4))
        return self.local_officials[key]


def numbers_in_use(session: Session, regency: Region) -> set[str]:
    """Stored NIK and No. KK with this regency's prefix: the only numbers the demo could collide with."""
    prefix = regency.code.replace(".", "")
    niks = session.scalars(select(Member.nik).where(Member.nik.startswith(prefix)))
    kks = session.scalars(select(Household.no_kk).where(Household.no_kk.startswith(prefix)))
    return {*niks, *kks}
