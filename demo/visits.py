"""The demo verval visits: one per proposal at or past VISITED, with the house's instrument answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from demo.instrument import instrument_answers
from demo.paths import S
from models.proposal import ProposalKind
from models.user import Role
from models.visit import Visit, VisitResult

if TYPE_CHECKING:
    from demo.run import DemoRun


def create_visits(run: DemoRun) -> None:
    """One verval visit per proposal at or past VISITED; the TKSK's result follows the proposal's path."""
    for plan in run.plans:
        if not plan.passed(S.VISITED):
            continue
        step = plan.path.index(S.VISITED)
        confirmed_at = plan.times[step + 1] if step + 1 < len(plan.path) else None
        eligible = not plan.passed(S.NOT_ELIGIBLE)
        result = VisitResult.ELIGIBLE if eligible else VisitResult.NOT_ELIGIBLE
        better_off = not eligible or (plan.kind == ProposalKind.REMOVE and run.rng.random() < 0.5)
        enumerator, head = run.actor(Role.PENDATA, plan.village), plan.household.members[0]
        visit = Visit(
            household=plan.household,
            proposal=plan.proposal,
            region_code=plan.village,
            enumerator_id=enumerator.id,
            enumerator_name=enumerator.name,
            visited_on=plan.times[step].date(),
            result=result if confirmed_at else VisitResult.PENDING,
            confirmed_by_id=run.actor(Role.TKSK, plan.village).id if confirmed_at else None,
            confirmed_at=confirmed_at,
            notes=f"Responden: {head.name} (kepala keluarga).",
            created_at=plan.times[step],
            **instrument_answers(run.rng, poor=not better_off, occupation=head.occupation),
        )
        run.session.add(visit)
