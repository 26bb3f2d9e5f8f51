"""The demo accounts: one user per role, scoped to the demo village and its kecamatan, regency and province; the
pendamping PKH is assigned the demo village."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from demo.geography import region_label
from demo.names import DEMO_USER_NAMES
from models.pendamping import PendampingVillage
from models.region_codes import RegionLevel
from models.user import Role, User

if TYPE_CHECKING:
    from demo.run import DemoRun

DEMO_PASSWORD = "demo-dtks-2026"


@dataclass(frozen=True)
class DemoLogin:
    """One demo account, as printed after seeding."""

    username: str
    password: str
    role_label: str
    region_label: str


def create_users(run: DemoRun) -> None:
    village = run.geography.demo_village
    scopes = {
        RegionLevel.VILLAGE: village.code,
        RegionLevel.KECAMATAN: village.parent_code,
        RegionLevel.REGENCY: run.geography.regency.code,
        RegionLevel.PROVINCE: run.geography.province.code,
        None: None,
    }
    for role in Role:
        user = User(username=role.value, full_name=DEMO_USER_NAMES[role], role=role)
        user.scope_region_code = scopes[role.scope_level]
        user.set_password(DEMO_PASSWORD)
        run.users[role] = user
    run.session.add_all(run.users.values())
    run.session.flush()
    # The demo pendamping PKH does the ground check in the demo village (their other villages stay read-only).
    pendamping = run.users[Role.PENDAMPING_PKH]
    run.session.add(PendampingVillage(user_id=pendamping.id, region_code=village.code))
    run.session.flush()


def demo_logins(session: Session) -> list[DemoLogin]:
    """The demo accounts present in the database (username = role value), in the order of `Role`."""
    users = session.scalars(select(User).where(User.username.in_([role.value for role in Role])))
    by_role = {user.role: user for user in users if user.username == user.role.value}
    return [
        DemoLogin(user.username, DEMO_PASSWORD, user.role.label, region_label(user.scope_region))
        for role in Role
        if (user := by_role.get(role)) is not None
    ]
