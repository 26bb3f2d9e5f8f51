"""`seed_demo`: the seeding steps in their fixed order (the order the random draws follow). The caller commits."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain.regions import load_regions, regions_loaded
from demo.decrees import apply_outcomes, create_decrees
from demo.geography import Geography
from demo.households import create_households
from demo.offices import create_offices
from demo.pmt import create_pmt_model
from demo.proposals import create_proposals
from demo.run import DemoRun
from demo.services import create_certificates, create_complaints
from demo.users import DemoLogin, create_users, demo_logins
from demo.visits import create_visits
from models.user import Role, User


def seed_demo(
    session: Session,
    *,
    regency_code: str = "52.72",
    households: int = 3000,
    seed: int = 2026,
    progress: Callable[[int, int], None] | None = None,
) -> list[DemoLogin]:
    """Fill the database with demo data for one regency and return the demo logins; the caller commits.

    Idempotent: when the demo users exist already (a user named "admin"), nothing is created. `progress(done,
    total)` is told the households made so far (the CLI draws it: console/progress.py).
    """
    if session.scalar(select(User.id).where(User.username == Role.ADMIN.value)) is not None:
        return demo_logins(session)
    if households < 1:
        raise ValueError("Jumlah keluarga demo minimal 1.")
    if not regions_loaded(session):
        load_regions(session)
    run_steps(DemoRun(session, Geography.load(session, regency_code), seed), households, progress)
    return demo_logins(session)


def run_steps(run: DemoRun, households: int, progress: Callable[[int, int], None] | None = None) -> None:
    create_users(run)
    create_households(run, households, progress)
    create_proposals(run)
    create_visits(run)
    create_decrees(run)
    apply_outcomes(run)
    create_pmt_model(run)
    create_certificates(run)
    create_complaints(run)
    create_offices(run)
    run.session.flush()
