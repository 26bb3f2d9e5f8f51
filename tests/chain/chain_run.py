"""One district's officials driving proposals through the domain core, one transaction per step, no HTTP.

Each step is what the console's step does (console/views/steps.py) and a CLI command would do: the
official's own transaction (`write_transaction`: `begin_write`, the core function with their `Actor`,
`commit_or_conflict`), run as them (`run_as`: the audit trail names them, the region-scope flush guard holds
them to their region).
The stages build on one another (`through_musdes` ... `forwarded_decree`), so a later test (the ministry's
determination, the certificate) starts from `forwarded_decree` and carries on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session, sessionmaker

from chain import decrees, forwarding, musdes, proposals
from chain.acting import run_as
from chain.actor import Actor, actor_for
from chain.letters import Letter
from chain.store import write_transaction
from chain.uploads import FileStore
from models import (
    Meeting,
    MeetingKind,
    MeetingParticipant,
    ParticipantPosition,
    Proposal,
    Role,
    Visit,
)
from tests.factories import make_decree, make_proposal, make_user

Result = TypeVar("Result")
VILLAGE = "52.72.01.1001"  # Kelurahan Paruga, Kecamatan Rasanae Barat, Kota Bima
KECAMATAN = "52.72.01"
REGENCY = "52.72"
PROVINCE = "52"
SCAN = b"%PDF-1.4\n% pindaian bertanda tangan\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TIERS: dict[Role, str | None] = {
    Role.OPERATOR_DESA: VILLAGE,
    Role.KEPALA_DESA: VILLAGE,
    Role.PENDATA: VILLAGE,
    Role.TKSK: KECAMATAN,
    Role.OPERATOR_DINSOS: REGENCY,
    Role.KABID: REGENCY,
    Role.OPERATOR_PROVINSI: PROVINCE,
    Role.PUSDATIN: None,
}


@dataclass
class ChainRun:
    """The officials of one chain (one actor per role, in their tier's region) and the deployment's file store."""

    sessions: sessionmaker[Session]
    files: FileStore
    actors: dict[Role, Actor] = field(default_factory=dict)

    def act(self, who: Role | Actor, work: Callable[[Session, Actor], Result]) -> Result:
        """One step of the official in role `who` (or of another actor): their transaction, committed or refused."""
        actor = who if isinstance(who, Actor) else self.actors[who]
        assert actor.user is not None

        def step(session: Session) -> Result:
            return work(session, actor)

        changed, taken = proposals.CHANGED_UNDER_YOU, decrees.NUMBER_TAKEN
        return run_as(actor.user, lambda: write_transaction(self.sessions, step, changed=changed, taken=taken))

    def perform(self, who: Role | Actor, proposal_id: int, action: str, note: str = "") -> proposals.Outcome:
        """A transition on the version the official sees now (as their workflow page would show it)."""
        seen = self.read(lambda session: session.get_one(Proposal, proposal_id).version)

        def transition(session: Session, actor: Actor) -> proposals.Outcome:
            return proposals.perform(session, actor, proposal_id, action, note=note, seen_version=seen)

        return self.act(who, transition)

    def official(self, role: Role, region: str | None, name: str) -> Actor:
        """Another official (say, of a neighbouring region) beside the chain's own."""
        with self.sessions() as session:
            user = make_user(session, role, region, username=name)
            session.commit()
            return actor_for(session, user)

    def read(self, work: Callable[[Session], Result]) -> Result:
        with self.sessions() as session:
            return work(session)


def open_chain(sessions: sessionmaker[Session], upload_folder: Path, actor_name: str = "rantai") -> ChainRun:
    """One official per role of TIERS, in the district of Kota Bima (their users committed)."""
    run = ChainRun(sessions, FileStore(upload_folder, 5 * 1024 * 1024))
    with sessions() as session:
        users = {role: make_user(session, role, region, f"{actor_name}_{role.value}") for role, region in TIERS.items()}
        session.commit()
        run.actors = {role: actor_for(session, user) for role, user in users.items()}
    return run


def new_proposals(run: ChainRun, count: int = 1, village: str = VILLAGE) -> list[int]:
    """Draft proposals of new families with their documents complete (the village's create form)."""
    with run.sessions() as session:
        made = [make_proposal(session, region_code=village, has_sktm=True) for _ in range(count)]
        session.commit()
        return [proposal.id for proposal in made]


def new_meeting(run: ChainRun, village: str = VILLAGE) -> int:
    """A Muskel of the village with its head present (the meeting's create form)."""
    with run.sessions() as session:
        meeting = Meeting(kind=MeetingKind.MUSKEL, region_code=village, held_on=date(2026, 11, 2), place="Aula")
        meeting.participants.append(MeetingParticipant(name="Lurah Paruga", position=ParticipantPosition.HEAD))
        session.add(meeting)
        session.commit()
        return meeting.id


def through_musdes(run: ChainRun, proposal_ids: list[int]) -> int:
    """Agenda, every proposal agreed, the signed BA, finalised by the head: the proposals are `agreed`."""
    meeting_id = new_meeting(run)
    run.act(Role.OPERATOR_DESA, lambda session, actor: musdes.add_to_agenda(session, actor, meeting_id, proposal_ids))
    page = run.read(lambda session: musdes.agenda_page(session, run.actors[Role.OPERATOR_DESA], meeting_id))
    decisions = {item.id: ("setuju", "") for item in page.meeting.decisions}
    run.act(Role.OPERATOR_DESA, lambda session, actor: musdes.record_decisions(session, actor, meeting_id, decisions))
    run.act(
        Role.OPERATOR_DESA,
        lambda session, actor: musdes.attach_ba(session, actor, run.files, meeting_id, ba_number="BA/3", scan=SCAN),
    )
    run.act(Role.KEPALA_DESA, lambda session, actor: musdes.finalise(session, actor, meeting_id))
    return meeting_id


def record_visit(run: ChainRun, proposal_id: int) -> None:
    """The enumerator's visit (the visit form), then the transition that says it is done."""

    def visit(session: Session, actor: Actor) -> None:
        proposal = session.get_one(Proposal, proposal_id)
        session.add(
            Visit(
                household_id=proposal.household_id,
                proposal_id=proposal.id,
                region_code=proposal.region_code,
                enumerator_id=actor.id,
                enumerator_name=actor.name,
                visited_on=datetime.now(UTC).date(),
            )
        )

    run.act(Role.PENDATA, visit)
    run.perform(Role.PENDATA, proposal_id, "record_visit")


def through_verval(run: ChainRun, proposal_ids: list[int]) -> None:
    """Visited, confirmed eligible by the TKSK, sent to the district: the proposals are `submitted`."""
    for proposal_id in proposal_ids:
        record_visit(run, proposal_id)
        run.perform(Role.TKSK, proposal_id, "confirm_eligible")
        run.perform(Role.OPERATOR_DESA, proposal_id, "send_to_district")


def new_district_draft(run: ChainRun) -> int:
    """An unsigned SK Pengesahan of the regency (the decree's create form)."""
    with run.sessions() as session:
        decree = make_decree(session, region_code=REGENCY)
        session.commit()
        return decree.id


def ratified_decree(run: ChainRun, proposal_ids: list[int], number: str = "188.45/40/2026") -> int:
    """Accepted by the district, composed into a draft SK, signed with its scan: the proposals are `ratified`."""
    for proposal_id in proposal_ids:
        run.perform(Role.OPERATOR_DINSOS, proposal_id, "accept")
    decree_id = new_district_draft(run)
    run.act(Role.OPERATOR_DINSOS, lambda session, actor: decrees.add_proposals(session, actor, decree_id, proposal_ids))
    today = datetime.now(UTC).date()
    run.act(
        Role.OPERATOR_DINSOS,
        lambda session, actor: decrees.sign(
            session, actor, run.files, decree_id, number=number, signed_on=today, scan=SCAN
        ),
    )
    return decree_id


def forward(run: ChainRun, decree_id: int, number: str = "400/12/2026") -> int:
    """The province's cover letter for a signed district decree; its id."""
    letter = Letter(number, datetime.now(UTC).date(), "Kepala Dinas Sosial Provinsi NTB")
    return run.act(Role.OPERATOR_PROVINSI, lambda s, actor: forwarding.forward(s, actor, decree_id, letter).id)


def forwarded_decree(run: ChainRun, count: int = 2) -> tuple[int, list[int]]:
    """`count` new families from draft to `forwarded`: the province's cover letter id and the proposal ids.

    Where the ministry's steps (NIK matching, PMT, determination) and the certificate pick the chain up.
    """
    proposal_ids = new_proposals(run, count)
    through_musdes(run, proposal_ids)
    through_verval(run, proposal_ids)
    decree_id = ratified_decree(run, proposal_ids)
    return forward(run, decree_id), proposal_ids
