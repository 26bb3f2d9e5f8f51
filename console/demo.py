"""Deterministic demo data for one real regency: households, the whole proposal chain, and the district desk.

`seed_demo` fills an empty database with what a district office holds after a DTKS round (DESIGN
sections 1-4): families with valid NIK/KK in every village (`demo_names`), proposals at every status
with the history that led there, Musdes/Muskel minutes, verval visits, the decree chain up to the
ministry's determination, an illustrative PMT model, certificates, complaints, and one login per role.
The same seed gives the same data; the timeline is laid over the last three months. The caller commits.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from console import demo_names as words
from console.demo_names import DEMO_PERIOD, PeopleFactory, instrument_answers, is_desa
from console.regions import load_regions, regions_loaded
from models.certificate import Certificate, CertificateApproval, CertificateResult, CertificateStep
from models.complaint import Complaint, ComplaintCategory, ComplaintChannel, ComplaintStatus
from models.decree import Decree, DecreeKind
from models.household import DtksStatus, Household, apply_requested_changes
from models.meeting import Decision, Meeting, MeetingDecision, MeetingKind, MeetingParticipant, ParticipantPosition
from models.member import Member
from models.pmt import PmtModel, PmtWeight
from models.proposal import Proposal, ProposalHistory, ProposalKind, ProposalStatus, RemovalReason
from models.region import Region, within_region
from models.region_codes import RegionLevel, is_within
from models.user import Role, User
from models.visit import Visit, VisitResult

DEMO_PASSWORD = "demo-dtks-2026"
PMT_VERSION = "ilustratif-2026.1"
FLUSH_EVERY = 500  # households per flush
PROPOSAL_SHARE = 0.10
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
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
# Days before today. Cohorts: (draft, put on the agenda, meeting held); negative is ahead of today.
COHORT_DAYS = {"old": (92, 86, 84), "recent": (44, 38, 34), "agenda": (14, 6, -5), "draft": (9, 0, 0)}
OLD_COHORT_DAYS = {S.SUBMITTED: 64, S.RECEIVED: 33, S.REJECTED_MINISTRY: 33}
SHARED_STEP_DAYS = {S.IN_DECREE: 55, S.RATIFIED: 48, S.FORWARDED: 40, S.DETERMINED: 26, S.NOT_DETERMINED: 26}
# Illustrative only (domain-notes section 5): the score reads as predicted log per-capita consumption, so a
# lower score is poorer, and the nine ascending cut-offs split it into desil 1 (poorest) .. 10.
PMT_INTERCEPT = 13.35
PMT_CUTOFFS = [12.85, 13.0, 13.12, 13.24, 13.36, 13.48, 13.62, 13.8, 14.05]
PMT_WEIGHTS = (
    ("floor_material", "tanah", -0.14), ("floor_material", "bambu", -0.08), ("floor_material", "keramik", 0.1),
    ("wall_material", "anyaman_bambu", -0.09), ("roof_material", "jerami_ijuk", -0.1),
    ("cooking_fuel", "kayu_bakar", -0.12), ("cooking_fuel", "gas_besar", 0.08),
    ("lighting", "bukan_listrik", -0.15), ("toilet_facility", "tidak_ada", -0.1),
    ("drinking_water", "sungai_danau", -0.07), ("assets", "sepeda_motor", 0.09), ("assets", "lemari_es", 0.08),
    ("assets", "mobil", 0.3), ("assets", "ac", 0.2), ("floor_area_m2", "", 0.002), ("household_size", "", -0.06),
)  # fmt: skip
PARAF_CHAIN = (
    (CertificateStep.PARAF_PENYULUH, Role.PENYULUH),
    (CertificateStep.PARAF_KABID, Role.KABID),
    (CertificateStep.PARAF_SEKRETARIS, Role.SEKRETARIS),
    (CertificateStep.SIGNED, Role.KEPALA_DINAS),
)


@dataclass(frozen=True)
class DemoLogin:
    """One demo account, as printed after seeding."""

    username: str
    password: str
    role_label: str
    region_label: str


@dataclass(frozen=True)
class Actor:
    """Who took a step: a demo user (with an id) or a named official of another village (no account)."""

    id: int | None
    name: str


@dataclass(frozen=True)
class Geography:
    """The regency's regions, read once; the village roles work in the first desa (else the first village)."""

    regency: Region
    province: Region
    villages: list[Region]
    demo_village: Region
    birth_places: list[str]

    @classmethod
    def load(cls, session: Session, regency_code: str) -> Geography:
        regency = session.get(Region, regency_code)
        if regency is None or regency.level != RegionLevel.REGENCY or regency.parent is None:
            raise ValueError(f"Kode kabupaten/kota tidak dikenal: {regency_code!r}")
        in_regency = select(Region).where(within_region(Region.code, regency_code)).order_by(Region.code)
        rows = session.scalars(in_regency).all()
        villages = sorted((r for r in rows if r.level == RegionLevel.VILLAGE), key=lambda r: r.code)
        siblings = select(Region.name).where(Region.parent_code == regency.parent_code).order_by(Region.code)
        neighbours = session.scalars(siblings)
        places = [_short_name(regency.name)] * 12 + [_short_name(n) for n in neighbours if n != regency.name]
        places += [r.name for r in rows if r.level == RegionLevel.KECAMATAN]
        demo_village = next((v for v in villages if is_desa(v.code)), villages[0])
        return cls(regency, regency.parent, villages, demo_village, places)


def _short_name(regency_name: str) -> str:
    return regency_name.removeprefix("Kabupaten ").removeprefix("Kota ")


def status_path(status: ProposalStatus) -> list[ProposalStatus]:
    """The statuses a proposal walked through to reach `status`, from DRAFT (DESIGN section 4)."""
    if status in BRANCHES:
        return [*status_path(BRANCHES[status]), status]
    return list(MAIN_CHAIN[: MAIN_CHAIN.index(status) + 1])


def _cohort(path: list[ProposalStatus]) -> str:
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


class DemoSeeder:
    """One seeding run: the session, the random source, the regency, and the officials acting in it."""

    def __init__(self, session: Session, geography: Geography, seed: int) -> None:
        self.session, self.geography = session, geography
        self.rng = random.Random(seed)
        self.people = PeopleFactory(self.rng, geography.birth_places, _numbers_in_use(session, geography.regency))
        self.timeline = Timeline(self.rng, datetime.now(UTC))
        self.numbers = DecreeNumbers.draw(self.rng, self.timeline)
        self.users: dict[Role, User] = {}
        self.local_officials: dict[tuple[Role, str], Actor] = {}
        self.homes: list[Household] = []
        self.plans: list[ProposalPlan] = []

    def run(self, households: int) -> None:
        self.create_users()
        self.create_households(households)
        self.create_proposals()
        self.create_visits()
        self.create_decrees()
        self.apply_outcomes()
        self.create_pmt_model()
        self.create_certificates()
        self.create_complaints()
        self.session.flush()

    # --- people ---------------------------------------------------------------------------------------------

    def create_users(self) -> None:
        village = self.geography.demo_village
        scopes = {
            RegionLevel.VILLAGE: village.code,
            RegionLevel.KECAMATAN: village.parent_code,
            RegionLevel.REGENCY: self.geography.regency.code,
            RegionLevel.PROVINCE: self.geography.province.code,
            None: None,
        }
        for role in Role:
            user = User(username=role.value, full_name=words.DEMO_USER_NAMES[role], role=role)
            user.scope_region_code = scopes[role.scope_level]
            user.set_password(DEMO_PASSWORD)
            self.users[role] = user
        self.session.add_all(self.users.values())
        self.session.flush()

    def actor(self, role: Role, village_code: str) -> Actor:
        """The demo user when the village lies in their scope, else a (remembered) official of that village."""
        user = self.users[role]
        if user.scope_region_code is None or is_within(village_code, user.scope_region_code):
            return Actor(user.id, user.full_name)
        key = (role, village_code if role.scope_level == RegionLevel.VILLAGE else village_code[:8])
        if key not in self.local_officials:
            self.local_officials[key] = Actor(None, self.people.full_name(female=self.rng.random() < 0.4))
        return self.local_officials[key]

    def create_households(self, total: int) -> None:
        """`total` households over every village, as even as division allows, flushed in chunks."""
        villages = self.geography.villages
        base, extra = divmod(total, len(villages))
        bonus = set(self.rng.sample(range(len(villages)), extra))
        for index, village in enumerate(villages):
            for _ in range(base + (index in bonus)):
                self.homes.append(self.people.household(village))
                self.session.add(self.homes[-1])
                if len(self.homes) % FLUSH_EVERY == 0:
                    self.session.flush()
        self.session.flush()

    # --- proposals ------------------------------------------------------------------------------------------

    def proposal_households(self, count: int) -> list[Household]:
        """Half the demo village first (its users then see every status), then a few other villages."""
        by_village: dict[str, list[Household]] = defaultdict(list)
        for home in self.homes:
            by_village[home.region_code].append(home)
        local = by_village.pop(self.geography.demo_village.code, [])
        self.rng.shuffle(local)
        chosen = local[: max(len(ProposalStatus), len(local) // 2)]
        others = sorted(by_village)
        self.rng.shuffle(others)
        elsewhere: list[Household] = []
        for index, code in enumerate(others):
            if index >= 5 and len(chosen) + len(elsewhere) >= count * 1.3:
                break
            elsewhere += by_village[code][: max(1, len(by_village[code]) * 2 // 3)]
        self.rng.shuffle(elsewhere)
        return (chosen + elsewhere)[:count]

    def plan_proposals(self) -> None:
        count = min(len(self.homes), max(len(ProposalStatus), round(len(self.homes) * PROPOSAL_SHARE)))
        statuses = self.rng.sample(list(ProposalStatus), len(ProposalStatus))  # every status at least once
        statuses += self.rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()), k=count - len(statuses))
        kinds = {ProposalKind.UPDATE: 4, ProposalKind.REMOVE: 3, ProposalKind.KEEP: 3}  # for registered homes
        for home, status in zip(self.proposal_households(count), statuses, strict=False):
            kind = ProposalKind.NEW
            if home.dtks_status == DtksStatus.REGISTERED:
                kind = self.rng.choices(list(kinds), list(kinds.values()))[0]
            path = status_path(status)
            plan = ProposalPlan(home, kind, status, path, _cohort(path))
            plan.times = self.timeline.times(plan)
            self.plans.append(plan)

    def create_proposals(self) -> None:
        self.plan_proposals()
        villages = {v.code: v for v in self.geography.villages}
        meetings: dict[tuple[str, str], Meeting] = {}
        for plan in self.plans:
            meeting = None
            if plan.passed(S.IN_MUSDES):
                if (plan.village, plan.cohort) not in meetings:
                    meetings[plan.village, plan.cohort] = self.meeting(villages[plan.village], plan.cohort)
                meeting = meetings[plan.village, plan.cohort]
            plan.proposal = self.proposal(plan)
            plan.proposal.history = self.history(plan, meeting)
            if meeting is not None:
                meeting.decisions.append(_decision(plan))
        self.session.add_all(meetings.values())
        self.session.add_all(plan.proposal for plan in self.plans)
        self.session.flush()
        self.set_versions()

    def proposal(self, plan: ProposalPlan) -> Proposal:
        rng = self.rng
        removal = rng.choice(list(RemovalReason)) if plan.kind == ProposalKind.REMOVE else None
        sent = plan.passed(S.SUBMITTED)  # the documents checklist is complete before the village sends
        changes = {}
        if plan.kind == ProposalKind.UPDATE:
            changes = {"address": self.people.address(plan.village), "rt": f"{rng.randint(1, 12):03d}"}
        return Proposal(
            kind=plan.kind,
            household=plan.household,
            region_code=plan.village,
            reason=words.REMOVAL_NOTES[removal] if removal else rng.choice(words.PROPOSAL_REASONS[plan.kind]),
            removal_reason=removal,
            requested_changes=changes,
            has_ktp=sent or rng.random() < 0.95,
            has_kk=sent or rng.random() < 0.95,
            has_sktm=sent or rng.random() < 0.8,
            status=plan.status,
            status_changed_at=plan.times[-1],
            return_reason=rng.choice(words.RETURN_REASONS) if plan.status == S.RETURNED else "",
            created_by_id=self.actor(Role.OPERATOR_DESA, plan.village).id,
            created_at=plan.times[0],
            updated_at=plan.times[-1],
        )

    def history(self, plan: ProposalPlan, meeting: Meeting | None) -> list[ProposalHistory]:
        rows = []
        for index, status in enumerate(plan.path):
            actor = self.actor(ACTOR_ROLE[status], plan.village)
            rows.append(
                ProposalHistory(
                    region_code=plan.village,
                    from_status=plan.path[index - 1] if index else None,
                    to_status=status,
                    actor_id=actor.id,
                    actor_name=actor.name,
                    at=plan.times[index],
                    note=self.note(status, plan.proposal, meeting),
                )
            )
        return rows

    def note(self, status: ProposalStatus, proposal: Proposal, meeting: Meeting | None) -> str:
        if status in words.HISTORY_NOTES:
            return words.HISTORY_NOTES[status]
        notes = {
            S.AGREED: lambda: f"Disetujui dalam musyawarah, BA No. {meeting.ba_number if meeting else '-'}.",
            S.REJECTED_MUSDES: lambda: self.rng.choice(words.MUSDES_REJECTION_NOTES),
            S.NOT_ELIGIBLE: lambda: self.rng.choice(words.NOT_ELIGIBLE_NOTES),
            S.RETURNED: lambda: proposal.return_reason,
            S.RATIFIED: lambda: f"Disahkan dengan SK No. {self._district_number(proposal)}.",
            S.FORWARDED: lambda: f"Diteruskan ke Kementerian Sosial dengan surat No. {self.numbers.province}.",
            S.REJECTED_MINISTRY: lambda: self.rng.choice(words.MINISTRY_REJECTION_NOTES),
            S.DETERMINED: lambda: f"Ditetapkan dengan SK No. {self.numbers.ministry}, periode {DEMO_PERIOD}.",
        }
        return notes[status]()

    def _district_number(self, proposal: Proposal) -> str:
        """The district SK that ratified the proposal: the forwarded one, or the one still to forward."""
        return self.numbers.waiting if proposal.status == S.RATIFIED else self.numbers.district

    def set_versions(self) -> None:
        """Version = 1 + transitions, as if each step had passed the state machine (the ORM inserts 1)."""
        table = Proposal.__table__
        rows = [{"row_id": plan.proposal.id, "new_version": len(plan.path)} for plan in self.plans]
        statement = update(table).where(table.c.id == bindparam("row_id")).values(version=bindparam("new_version"))
        self.session.connection().execute(statement, rows)
        for plan in self.plans:
            self.session.expire(plan.proposal, ["version"])

    # --- meetings, visits, decrees --------------------------------------------------------------------------

    def meeting(self, village: Region, cohort: str) -> Meeting:
        held_at = self.timeline.meeting_at(village.code, cohort)
        kind = MeetingKind.MUSDES if is_desa(village.code) else MeetingKind.MUSKEL
        head = self.actor(Role.KEPALA_DESA, village.code)
        held = cohort != "agenda"  # the agenda meeting is still ahead: no BA yet
        month = ROMAN_MONTHS[held_at.month - 1]
        return Meeting(
            kind=kind,
            region_code=village.code,
            held_on=held_at.date(),
            place=f"{'Balai Desa' if is_desa(village.code) else 'Aula Kantor Lurah'} {village.name}",
            ba_number=f"140/{self.rng.randint(5, 60)}/BA-{kind.value.upper()}/{month}/{held_at.year}" if held else "",
            notes="Pemutakhiran DTKS: usulan baru, perbaikan, dikeluarkan dan tetap.",
            finalised_at=held_at + timedelta(hours=3) if held else None,
            finalised_by_id=head.id if held else None,
            participants=self.participants(village.code, head),
        )

    def participants(self, village_code: str, head: Actor) -> list[MeetingParticipant]:
        name, chance, position = self.people.name, self.rng.random, ParticipantPosition
        roster = [
            (head.name, position.HEAD),
            (name(chance() < 0.4), position.VILLAGE_STAFF),
            (name(False), position.RT_RW),
            (name(chance() < 0.3), position.RT_RW),
            (name(chance() < 0.3), position.BPD if is_desa(village_code) else position.COMMUNITY_LEADER),
            (name(False), position.RELIGIOUS_LEADER),
            (name(chance() < 0.5), position.COMMUNITY_LEADER),
            (self.actor(Role.TKSK, village_code).name, position.SOCIAL_WORKER),
        ]
        roster += [(name(chance() < 0.5), position.OTHER) for _ in range(self.rng.randint(0, 2))]
        return [MeetingParticipant(region_code=village_code, name=who, position=role) for who, role in roster]

    def create_visits(self) -> None:
        """One verval visit per proposal at or past VISITED; the TKSK's result follows the proposal's path."""
        for plan in self.plans:
            if not plan.passed(S.VISITED):
                continue
            step = plan.path.index(S.VISITED)
            confirmed_at = plan.times[step + 1] if step + 1 < len(plan.path) else None
            eligible = not plan.passed(S.NOT_ELIGIBLE)
            result = VisitResult.ELIGIBLE if eligible else VisitResult.NOT_ELIGIBLE
            better_off = not eligible or (plan.kind == ProposalKind.REMOVE and self.rng.random() < 0.5)
            enumerator, head = self.actor(Role.PENDATA, plan.village), plan.household.members[0]
            visit = Visit(
                household=plan.household,
                proposal=plan.proposal,
                region_code=plan.village,
                enumerator_id=enumerator.id,
                enumerator_name=enumerator.name,
                visited_on=plan.times[step].date(),
                result=result if confirmed_at else VisitResult.PENDING,
                confirmed_by_id=self.actor(Role.TKSK, plan.village).id if confirmed_at else None,
                confirmed_at=confirmed_at,
                notes=f"Responden: {head.name} (kepala keluarga).",
                created_at=plan.times[step],
                **instrument_answers(self.rng, poor=not better_off, occupation=head.occupation),
            )
            self.session.add(visit)

    def create_decrees(self) -> None:
        """District ratification (two signed SKs, and a draft), province forwarding, ministry determination."""
        regency, province, numbers = self.geography.regency, self.geography.province, self.numbers
        head_title = f"{'Wali Kota' if regency.name.startswith('Kota') else 'Bupati'} {_short_name(regency.name)}"
        head_name = f"H. {self.people.full_name(False)}"
        # The first district SK and the forwarding hold every proposal forwarded since; the second district SK
        # (still to forward, the province's step of the tour), the draft SK and the ministry's determination
        # hold the proposals that stand there now.
        forwarded, now_at = (lambda p: p.passed(S.FORWARDED)), (lambda status: lambda p: p.status == status)
        specs = [
            (DecreeKind.DISTRICT_RATIFICATION, regency.code, numbers.district, S.RATIFIED, forwarded,
             head_title, head_name),
            (DecreeKind.DISTRICT_RATIFICATION, regency.code, numbers.waiting, S.RATIFIED, now_at(S.RATIFIED),
             head_title, head_name),
            (DecreeKind.DISTRICT_RATIFICATION, regency.code, numbers.draft, S.IN_DECREE, now_at(S.IN_DECREE),
             head_title, head_name),
            (DecreeKind.PROVINCE_FORWARDING, province.code, numbers.province, S.FORWARDED, forwarded,
             f"Kepala Dinas Sosial Provinsi {province.name}", f"H. {self.people.full_name(False)}"),
            (DecreeKind.MINISTRY_DETERMINATION, "", numbers.ministry, S.DETERMINED, now_at(S.DETERMINED),
             "Menteri Sosial Republik Indonesia", f"H. {self.people.full_name(False)}"),
        ]  # fmt: skip
        for kind, region_code, number, step, holds, signer_title, signer_name in specs:
            proposals = [p.proposal for p in self.plans if holds(p)]
            if not proposals:
                continue
            at = self.timeline.shared(step)
            decree = Decree(
                kind=kind, region_code=region_code, number=number, decree_date=at.date(), period=DEMO_PERIOD
            )
            decree.signer_name, decree.signer_title, decree.proposals = signer_name, signer_title, proposals
            decree.signed_at = None if step == S.IN_DECREE else at
            self.session.add(decree)

    def apply_outcomes(self) -> None:
        """The household's DTKS standing after its proposal (DESIGN section 4: determination applies it)."""
        for plan in self.plans:
            home, determined = plan.household, plan.status == S.DETERMINED
            if plan.kind == ProposalKind.NEW and determined:
                home.dtks_status, home.desil, home.period = DtksStatus.REGISTERED, self.rng.randint(1, 4), DEMO_PERIOD
            elif plan.kind == ProposalKind.NEW and not plan.status.is_final:
                home.dtks_status = DtksStatus.PROPOSED
            elif plan.kind == ProposalKind.REMOVE and determined:
                home.dtks_status, home.desil = DtksStatus.REMOVED, None
            elif plan.kind == ProposalKind.UPDATE and determined:
                apply_requested_changes(home, plan.proposal.requested_changes)

    # --- the ministry's model and the district desk ---------------------------------------------------------

    def create_pmt_model(self) -> None:
        self.session.add(
            PmtModel(
                version=PMT_VERSION,
                name="Model PMT nasional ilustratif 2026 (bukan koefisien resmi)",
                region_code="",
                intercept=PMT_INTERCEPT,
                desil_cutoffs=PMT_CUTOFFS,
                effective_period=DEMO_PERIOD,
                is_illustrative=True,
                weights=[PmtWeight(variable=v, choice=c, weight=w) for v, c, w in PMT_WEIGHTS],
            )
        )

    def create_certificates(self) -> None:
        """Four lookups found in the register (three signed, one halfway up the paraf chain), two not found."""
        registered = [h for h in self.homes if h.dtks_status == DtksStatus.REGISTERED]
        unknown = [h for h in self.homes if h.dtks_status == DtksStatus.NOT_REGISTERED]
        steps = [CertificateStep.SIGNED, CertificateStep.SIGNED, CertificateStep.SIGNED, CertificateStep.PARAF_KABID]
        asked = list(zip(self.rng.sample(registered, min(4, len(registered))), steps, strict=False))
        asked += [(home, CertificateStep.CLOSED) for home in self.rng.sample(unknown, min(2, len(unknown)))]
        sequence = 0
        for index, (home, step) in enumerate(asked):
            requested_at = self.timeline.at(14 - 2 * index)
            sequence += step == CertificateStep.SIGNED
            self.session.add(self.certificate(home, step, requested_at, sequence))

    def certificate(self, home: Household, step: CertificateStep, requested_at: datetime, sequence: int) -> Certificate:
        """One desk request: found ones climb the paraf chain up to `step`; a signed one gets its letter number."""
        person, found, signed = (
            self.rng.choice(home.members),
            step != CertificateStep.CLOSED,
            step == CertificateStep.SIGNED,
        )
        chain = PARAF_CHAIN[: [s for s, _ in PARAF_CHAIN].index(step) + 1] if found else ()
        approvals = [
            CertificateApproval(step=s, user_id=self.users[role].id, user_name=self.users[role].full_name)
            for s, role in chain
        ]
        for minutes, approval in enumerate(approvals, start=1):
            approval.at = requested_at + timedelta(minutes=3 * minutes)
        completed_at = None if found and not signed else requested_at + timedelta(minutes=13 if signed else 5)
        return Certificate(
            region_code=self.geography.regency.code,
            requested_nik=person.nik,
            applicant_name=person.name,
            purpose=self.rng.choice(words.CERTIFICATE_PURPOSES),
            result=CertificateResult.REGISTERED if found else CertificateResult.NOT_REGISTERED,
            household=home if found else None,
            year=requested_at.year if signed else None,
            sequence=sequence if signed else None,
            letter_number=f"474/{sequence:03d}/DINSOS/{requested_at.year}" if signed else None,
            step=step,
            requested_at=requested_at,
            completed_at=completed_at,
            handled_by_id=self.users[Role.PETUGAS_LAYANAN].id,
            approvals=approvals,
            created_at=requested_at,
        )

    def create_complaints(self) -> None:
        """Two complaints per category, covering every status and most channels between them."""
        categories, statuses, channels = list(ComplaintCategory), list(ComplaintStatus), list(ComplaintChannel)
        for index in range(2 * len(categories)):
            category = categories[index % len(categories)]
            status = statuses[(index + index // len(categories)) % len(statuses)]
            home = self.rng.choice(self.homes)
            head, created_at = home.members[0], self.timeline.at(self.rng.randint(3, 60))
            closed = status in (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED)
            responses = (
                words.COMPLAINT_RESPONSES[:2] if status == ComplaintStatus.RESOLVED else words.COMPLAINT_RESPONSES[2:]
            )
            self.session.add(
                Complaint(
                    region_code=home.region_code,
                    channel=channels[index % len(channels)],
                    complainant_name=head.name,
                    complainant_contact=f"08{self.rng.randint(11, 59)}{self.rng.randint(10_000_000, 99_999_999)}",
                    nik=head.nik
                    if category in (ComplaintCategory.WRONGLY_EXCLUDED, ComplaintCategory.WRONG_DATA)
                    else None,
                    category=category,
                    description=words.COMPLAINT_TEXTS[category],
                    status=status,
                    assigned_to_id=None if status == ComplaintStatus.NEW else self.users[Role.PETUGAS_LAYANAN].id,
                    response=self.rng.choice(responses) if closed else "",
                    resolved_at=created_at + timedelta(days=self.rng.randint(2, 10)) if closed else None,
                    created_at=created_at,
                )
            )


def _decision(plan: ProposalPlan) -> MeetingDecision:
    """The meeting's decision on a proposal; none yet when the meeting is still ahead."""
    decision, note = None, ""
    if plan.passed(S.AGREED):
        decision = Decision.AGREED
    elif plan.passed(S.REJECTED_MUSDES):
        decision, note = Decision.REJECTED, plan.proposal.history[-1].note
    return MeetingDecision(proposal=plan.proposal, region_code=plan.village, decision=decision, note=note)


def _numbers_in_use(session: Session, regency: Region) -> set[str]:
    """Stored NIK and No. KK with this regency's prefix: the only numbers the demo could collide with."""
    prefix = regency.code.replace(".", "")
    niks = session.scalars(select(Member.nik).where(Member.nik.startswith(prefix)))
    kks = session.scalars(select(Household.no_kk).where(Household.no_kk.startswith(prefix)))
    return {*niks, *kks}


def _region_label(region: Region | None) -> str:
    if region is None:
        return "Seluruh Indonesia"
    parent = f", {region.parent.name}" if region.parent and region.level == RegionLevel.VILLAGE else ""
    prefix = {
        RegionLevel.PROVINCE: "Provinsi ",
        RegionLevel.REGENCY: "",
        RegionLevel.KECAMATAN: "Kecamatan ",
        RegionLevel.VILLAGE: "Desa " if is_desa(region.code) else "Kelurahan ",
    }[RegionLevel(region.level)]
    return f"{prefix}{region.name}{parent} ({region.code})"


def demo_logins(session: Session) -> list[DemoLogin]:
    """The demo accounts present in the database (username = role value), in the order of `Role`."""
    users = session.scalars(select(User).where(User.username.in_([role.value for role in Role])))
    by_role = {user.role: user for user in users if user.username == user.role.value}
    return [
        DemoLogin(user.username, DEMO_PASSWORD, user.role.label, _region_label(user.scope_region))
        for role in Role
        if (user := by_role.get(role)) is not None
    ]


def seed_demo(
    session: Session, *, regency_code: str = "52.72", households: int = 3000, seed: int = 2026
) -> list[DemoLogin]:
    """Fill the database with demo data for one regency and return the demo logins; the caller commits.

    Idempotent: when the demo users exist already (a user named "admin"), nothing is created.
    """
    if session.scalar(select(User.id).where(User.username == Role.ADMIN.value)) is not None:
        return demo_logins(session)
    if households < 1:
        raise ValueError("Jumlah keluarga demo minimal 1.")
    if not regions_loaded(session):
        load_regions(session)
    DemoSeeder(session, Geography.load(session, regency_code), seed).run(households)
    return demo_logins(session)
