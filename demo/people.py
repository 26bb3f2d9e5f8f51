"""The factory that turns the name lists into families with valid NIK/KK, ages and occupations that fit."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from demo.names import (
    FEMALE_GIVEN_NAMES,
    FEMALE_SECOND_NAMES,
    HAMLET_NAMES,
    MALE_GIVEN_NAMES,
    MALE_SECOND_NAMES,
    OCCUPATION_HOMEMAKER,
    OCCUPATION_NONE,
    OCCUPATION_RETIRED,
    OCCUPATION_STUDENT,
    OCCUPATIONS_WORKING,
    PATRONYMIC_NAMES,
    STREET_NAMES,
)
from models.household import DtksStatus, Household
from models.identity import make_nik, make_no_kk
from models.member import Disability, Education, FamilyRelation, MaritalStatus, Member, Sex
from models.region import Region
from models.region_codes import is_desa

DEMO_PERIOD = "2026-10"  # the SK Penetapan period the demo register stands at
# Ages and KK registration dates count from this day, so every run gives the same people.
REFERENCE_DATE = date(2026, 10, 1)
REGISTERED_SHARE = 0.42  # households in the DTKS before this round's proposals

SCHOOL_BY_AGE = (
    (7, Education.NONE),
    (13, Education.PRIMARY_INCOMPLETE),
    (16, Education.PRIMARY),
    (19, Education.JUNIOR),
)
HOUSEHOLD_SIZE_WEIGHTS = (8, 15, 20, 22, 17, 10, 8)  # 1..7 members
DESIL_WEIGHTS = (18, 17, 16, 14, 9, 7, 6, 5, 4, 4)  # desil 1..10: the register leans to the poorest
FamilyPlan = list[tuple[FamilyRelation, bool, int]]  # (relation to the head, is female, age)


class PeopleFactory:
    """Families whose names, ages and occupations fit together, with nationwide-unique NIK and No. KK."""

    def __init__(self, rng: random.Random, birth_places: list[str], numbers_in_use: set[str]) -> None:
        self.rng, self.birth_places, self.used = rng, birth_places, numbers_in_use
        self.serials: defaultdict[tuple[str, date, bool], int] = defaultdict(int)

    def _next_number(self, key: tuple[str, date, bool], compose: Callable[[int], str]) -> str:
        while True:  # one counter per (kecamatan, date, sex) keeps this run unique; `used` holds stored numbers
            self.serials[key] += 1
            number = compose(self.serials[key])
            if number not in self.used:
                self.used.add(number)
                return number

    def nik(self, kecamatan: str, birth: date, female: bool) -> str:
        return self._next_number(
            (kecamatan, birth, female), lambda n: make_nik(kecamatan, birth, is_female=female, serial=n)
        )

    def no_kk(self, kecamatan: str, registered_on: date) -> str:
        return self._next_number(
            ("KK " + kecamatan, registered_on, False), lambda n: make_no_kk(kecamatan, registered_on, serial=n)
        )

    def name(self, female: bool, father: str | None = None) -> str:
        given = self.rng.choice(FEMALE_GIVEN_NAMES if female else MALE_GIVEN_NAMES)
        roll = self.rng.random()
        if father and roll < 0.3:
            return f"{given} {father.split()[0]}"  # a child named after the father, as often in Bima
        if roll < 0.55:
            return f"{given} {self.rng.choice(PATRONYMIC_NAMES)}"
        if roll < 0.8:
            return f"{given} {self.rng.choice(FEMALE_SECOND_NAMES if female else MALE_SECOND_NAMES)}"
        return given

    def full_name(self, female: bool) -> str:
        """A name with a second part, for officials and signers."""
        given = self.rng.choice(FEMALE_GIVEN_NAMES if female else MALE_GIVEN_NAMES)
        return f"{given} {self.rng.choice(PATRONYMIC_NAMES)}"

    def address(self, village_code: str) -> str:
        if is_desa(village_code):
            return f"Dusun {self.rng.choice(HAMLET_NAMES)}"
        if self.rng.random() < 0.7:
            return f"Jl. {self.rng.choice(STREET_NAMES)} No. {self.rng.randint(1, 120)}"
        return f"Lingkungan {self.rng.choice(HAMLET_NAMES)}"

    def family_plan(self, size: int) -> FamilyPlan:
        """A head, usually a spouse, then children (mothers aged 19-42 at birth), grandchildren or a parent."""
        rng = self.rng
        head_female = rng.random() < (0.35 if size == 1 else 0.12)
        head_age = rng.randint(24, 78)
        plan = [(FamilyRelation.HEAD, head_female, head_age)]
        if not head_female and size > 1 and rng.random() < 0.92:
            plan.append((FamilyRelation.SPOUSE, True, max(19, head_age - rng.randint(0, 8))))
        youngest_parent = min(age for _, _, age in plan)
        while len(plan) < size:
            roll = rng.random()
            if head_age >= 50 and roll < 0.3:
                plan.append((FamilyRelation.GRANDCHILD, rng.random() < 0.5, rng.randint(0, min(12, head_age - 42))))
            elif head_age <= 45 and roll < 0.1:
                plan.append((FamilyRelation.PARENT, rng.random() < 0.75, min(95, head_age + rng.randint(20, 30))))
            else:
                child_age = rng.randint(max(0, youngest_parent - 42), youngest_parent - 19)
                plan.append((FamilyRelation.CHILD, rng.random() < 0.5, child_age))
        return plan

    def occupation(self, relation: FamilyRelation, female: bool, age: int) -> str:
        if age < 6:
            return OCCUPATION_NONE
        if age < 19 or (age < 23 and self.rng.random() < 0.4):
            return OCCUPATION_STUDENT
        if age >= 70:
            return OCCUPATION_RETIRED
        if female and relation != FamilyRelation.HEAD and self.rng.random() < 0.6:
            return OCCUPATION_HOMEMAKER
        jobs, weights = zip(*OCCUPATIONS_WORKING, strict=True)
        return str(self.rng.choices(jobs, weights=weights)[0])

    def education(self, age: int, occupation: str) -> Education:
        if age < 19:
            return next(level for limit, level in SCHOOL_BY_AGE if age < limit)
        if occupation in ("PNS", "Guru honorer"):
            return Education.BACHELOR
        levels = list(Education)[1:]  # primary-incomplete .. postgraduate
        weights = (25, 35, 15, 15, 4, 5, 1) if age > 55 else (4, 18, 25, 38, 6, 8, 1)
        return self.rng.choices(levels, weights=weights)[0]

    def marital_status(self, relation: FamilyRelation, age: int, has_spouse: bool) -> MaritalStatus:
        if relation in (FamilyRelation.HEAD, FamilyRelation.SPOUSE):
            if has_spouse:
                return MaritalStatus.MARRIED
            return MaritalStatus.WIDOWED if age > 50 or self.rng.random() < 0.5 else MaritalStatus.DIVORCED
        if relation == FamilyRelation.PARENT:
            return MaritalStatus.WIDOWED
        return MaritalStatus.MARRIED if age >= 25 and self.rng.random() < 0.25 else MaritalStatus.SINGLE

    def members(self, plan: FamilyPlan, kecamatan: str, village_code: str) -> list[Member]:
        """The members of one KK, head first; NIKs carry the household's kecamatan, birth date and sex."""
        head_female = plan[0][1]
        has_spouse = any(relation == FamilyRelation.SPOUSE for relation, _, _ in plan)
        names = {FamilyRelation.HEAD: self.name(head_female)}
        names[FamilyRelation.SPOUSE] = self.name(True) if has_spouse else ""
        mother_of_children = names[FamilyRelation.SPOUSE] or (names[FamilyRelation.HEAD] if head_female else "")
        members = []
        for relation, female, age in plan:
            birth = self.birth_date(age)
            occupation = self.occupation(relation, female, age)
            father = None if head_female else names[FamilyRelation.HEAD]
            members.append(
                Member(
                    region_code=village_code,
                    nik=self.nik(kecamatan, birth, female),
                    name=names.get(relation) or self.name(female, father=father),
                    sex=Sex.FEMALE if female else Sex.MALE,
                    birth_place=self.rng.choice(self.birth_places),
                    birth_date=birth,
                    family_relation=relation,
                    mother_name=(relation == FamilyRelation.CHILD and mother_of_children) or self.name(True),
                    marital_status=self.marital_status(relation, age, has_spouse),
                    occupation=occupation,
                    education=self.education(age, occupation),
                    disability=self.disability(),
                )
            )
        return members

    def birth_date(self, age: int) -> date:
        return REFERENCE_DATE - timedelta(days=age * 365 + self.rng.randint(0, 364))

    def disability(self) -> Disability:
        return Disability.NONE if self.rng.random() < 0.97 else self.rng.choice(list(Disability)[1:])

    def household(self, village: Region) -> Household:
        """One KK in `village`: members, address, and its DTKS standing before this round."""
        rng = self.rng
        kecamatan = village.parent_code or ""
        members = self.members(
            self.family_plan(rng.choices(range(1, 8), HOUSEHOLD_SIZE_WEIGHTS)[0]), kecamatan, village.code
        )
        earliest = max(members[0].birth_date + timedelta(days=18 * 365), date(2005, 1, 1))
        registered_on = earliest + timedelta(days=rng.randint(0, max(0, (REFERENCE_DATE - earliest).days)))
        registered = rng.random() < REGISTERED_SHARE
        return Household(
            no_kk=self.no_kk(kecamatan, registered_on),
            region_code=village.code,
            address=self.address(village.code),
            rt=f"{rng.randint(1, 12):03d}",
            rw=f"{rng.randint(1, 6):03d}",
            dtks_status=DtksStatus.REGISTERED if registered else DtksStatus.NOT_REGISTERED,
            desil=rng.choices(range(1, 11), DESIL_WEIGHTS)[0] if registered else None,
            period=DEMO_PERIOD if registered else None,
            members=members,
        )
