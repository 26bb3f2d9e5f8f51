"""The demo Musdes/Muskel: one meeting per village and round, its participants, and its decisions."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from demo.paths import ProposalPlan, S
from models.meeting import Decision, Meeting, MeetingDecision, MeetingKind, MeetingParticipant, ParticipantPosition
from models.region import Region
from models.region_codes import is_desa
from models.user import Role

if TYPE_CHECKING:
    from demo.run import Actor, DemoRun

ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def new_meeting(run: DemoRun, village: Region, cohort: str) -> Meeting:
    held_at = run.timeline.meeting_at(village.code, cohort)
    kind = MeetingKind.MUSDES if is_desa(village.code) else MeetingKind.MUSKEL
    head = run.actor(Role.KEPALA_DESA, village.code)
    held = cohort != "agenda"  # the agenda meeting is still ahead: no BA yet
    month = ROMAN_MONTHS[held_at.month - 1]
    return Meeting(
        kind=kind,
        region_code=village.code,
        held_on=held_at.date(),
        place=f"{'Balai Desa' if is_desa(village.code) else 'Aula Kantor Lurah'} {village.name}",
        ba_number=f"140/{run.rng.randint(5, 60)}/BA-{kind.value.upper()}/{month}/{held_at.year}" if held else "",
        notes="Pemutakhiran DTKS: usulan baru, perbaikan, dikeluarkan dan tetap.",
        finalised_at=held_at + timedelta(hours=3) if held else None,
        finalised_by_id=head.id if held else None,
        participants=participants(run, village.code, head),
    )


def participants(run: DemoRun, village_code: str, head: Actor) -> list[MeetingParticipant]:
    name, chance, position = run.people.name, run.rng.random, ParticipantPosition
    roster = [
        (head.name, position.HEAD),
        (name(chance() < 0.4), position.VILLAGE_STAFF),
        (name(False), position.RT_RW),
        (name(chance() < 0.3), position.RT_RW),
        (name(chance() < 0.3), position.BPD if is_desa(village_code) else position.COMMUNITY_LEADER),
        (name(False), position.RELIGIOUS_LEADER),
        (name(chance() < 0.5), position.COMMUNITY_LEADER),
        (run.actor(Role.TKSK, village_code).name, position.SOCIAL_WORKER),
    ]
    roster += [(name(chance() < 0.5), position.OTHER) for _ in range(run.rng.randint(0, 2))]
    return [MeetingParticipant(region_code=village_code, name=who, position=role) for who, role in roster]


def meeting_decision(plan: ProposalPlan) -> MeetingDecision:
    """The meeting's decision on a proposal; none yet when the meeting is still ahead."""
    decision, note = None, ""
    if plan.passed(S.AGREED):
        decision = Decision.AGREED
    elif plan.passed(S.REJECTED_MUSDES):
        decision, note = Decision.REJECTED, plan.proposal.history[-1].note
    return MeetingDecision(proposal=plan.proposal, region_code=plan.village, decision=decision, note=note)
