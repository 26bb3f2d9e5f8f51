"""The demo decree chain (district ratification, province forwarding, ministry determination) and what
the determination does to each household's DTKS standing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from demo.geography import short_name
from demo.paths import ProposalPlan, S
from demo.people import DEMO_PERIOD
from models.decree import Decree, DecreeKind
from models.decree_annex import snapshot_annex
from models.household import DtksStatus, apply_requested_changes
from models.proposal import ProposalKind

if TYPE_CHECKING:
    from demo.run import DemoRun


def create_decrees(run: DemoRun) -> None:
    """District ratification (two signed SKs, and a draft), province forwarding, ministry determination."""
    regency, province, numbers = run.geography.regency, run.geography.province, run.numbers
    head_title = f"{'Wali Kota' if regency.name.startswith('Kota') else 'Bupati'} {short_name(regency.name)}"
    head_name = f"H. {run.people.full_name(False)}"

    # The first district SK and the forwarding hold every proposal forwarded since; the second district SK
    # (still to forward, the province's step of the tour), the draft SK and the ministry's determination
    # hold the proposals that stand there now.
    def forwarded(plan: ProposalPlan) -> bool:
        return plan.passed(S.FORWARDED)

    def now_at(status: S) -> Callable[[ProposalPlan], bool]:
        return lambda plan: plan.status == status

    specs = [
        (DecreeKind.DISTRICT_RATIFICATION, regency.code, numbers.district, S.RATIFIED, forwarded,
         head_title, head_name),
        (DecreeKind.DISTRICT_RATIFICATION, regency.code, numbers.waiting, S.RATIFIED, now_at(S.RATIFIED),
         head_title, head_name),
        (DecreeKind.DISTRICT_RATIFICATION, regency.code, numbers.draft, S.IN_DECREE, now_at(S.IN_DECREE),
         head_title, head_name),
        (DecreeKind.PROVINCE_FORWARDING, province.code, numbers.province, S.FORWARDED, forwarded,
         f"Kepala Dinas Sosial Provinsi {province.name}", f"H. {run.people.full_name(False)}"),
        (DecreeKind.MINISTRY_DETERMINATION, "", numbers.ministry, S.DETERMINED, now_at(S.DETERMINED),
         "Menteri Sosial Republik Indonesia", f"H. {run.people.full_name(False)}"),
    ]  # fmt: skip
    for kind, region_code, number, step, holds, signer_title, signer_name in specs:
        proposals = [p.proposal for p in run.plans if holds(p)]
        if not proposals:
            continue
        at = run.timeline.shared(step)
        decree = Decree(kind=kind, region_code=region_code, number=number, decree_date=at.date(), period=DEMO_PERIOD)
        decree.signer_name, decree.signer_title, decree.proposals = signer_name, signer_title, proposals
        decree.signed_at = None if step == S.IN_DECREE else at
        run.session.add(decree)
        if decree.is_signed:
            snapshot_annex(run.session, decree)  # the annex as it stood when signed (models/decree_annex.py)


def apply_outcomes(run: DemoRun) -> None:
    """The household's DTKS standing after its proposal (DESIGN section 4: determination applies it)."""
    for plan in run.plans:
        home, determined = plan.household, plan.status == S.DETERMINED
        if plan.kind == ProposalKind.NEW and determined:
            home.dtks_status, home.desil, home.period = DtksStatus.REGISTERED, run.rng.randint(1, 4), DEMO_PERIOD
        elif plan.kind == ProposalKind.NEW and not plan.status.is_final:
            home.dtks_status = DtksStatus.PROPOSED
        elif plan.kind == ProposalKind.REMOVE and determined:
            home.dtks_status, home.desil = DtksStatus.REMOVED, None
        elif plan.kind == ProposalKind.UPDATE and determined:
            apply_requested_changes(home, plan.proposal.requested_changes)
