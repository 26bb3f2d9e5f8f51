"""The register at national scale, seeded inside PostgreSQL: INSERT ... SELECT over generate_series, no row loops.

Half the households live in province 52 (Nusa Tenggara Barat, Kota Bima 52.72 among its regencies), household
ids 1 .. N/2; the other half are spread over every village of the other 37 provinces (ids N/2+1 .. N), as a
register that grew province by province (at 1,000,000 households: ~430 per village of the province, ~6 per
village elsewhere). Each household has 2 to 6 members (4 on average): the head
(kepala keluarga), the spouse, children.

Identity numbers follow models/identity.py: No. KK = the village's kecamatan digits, a registration date
(DDMMYY), a serial; NIK = the kecamatan digits, the birth date (day + 40 for women), a serial. The serial is the
row's number among the rows of the same kecamatan and date (and sex), so every number is valid and unique
(PostgreSQL's unique constraints would refuse the load otherwise). The head's name is written on the household
row as it is inserted; the member triggers that keep `head_name` (migration b4d2e6f8a1c3) are disabled for the
member load and enabled again in the same transaction, and the secondary indexes are rebuilt once after it
(bench/scale/bulk.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Connection, create_engine, text

from bench.scale.activity import Activity, seed_activity
from bench.scale.bulk import indexes_set_aside
from database.settings import with_psycopg
from demo.names import (
    FEMALE_GIVEN_NAMES,
    FEMALE_SECOND_NAMES,
    HAMLET_NAMES,
    MALE_GIVEN_NAMES,
    OCCUPATION_HOMEMAKER,
    OCCUPATION_STUDENT,
    OCCUPATIONS_WORKING,
    PATRONYMIC_NAMES,
    STREET_NAMES,
)
from models import DtksStatus, Education, FamilyRelation, MaritalStatus, Sex
from models.member import Disability
from models.region_codes import RegionLevel

DENSE_PROVINCE = "52"
PERIOD = "2026-01"  # the SK Penetapan period of the registered households
EARLIER_PERIOD = "2025-10"  # the period the removed ones left in
LOADED_TABLES = ("household", "member")  # their secondary indexes are rebuilt after the load (bench/scale/bulk.py)
HEAD_TRIGGERS = ("member_head_name_insert", "member_head_name_update", "member_head_name_delete")
NAMES = {
    "male": list(MALE_GIVEN_NAMES),
    "female": list(FEMALE_GIVEN_NAMES),
    "patronymic": list(PATRONYMIC_NAMES),
    "female_second": list(FEMALE_SECOND_NAMES),
    "street": list(STREET_NAMES),
    "place": list(HAMLET_NAMES),
    "work": [occupation for occupation, _weight in OCCUPATIONS_WORKING],
    "education": [value.value for value in Education],
}


def pick(array: str, expression: str) -> str:
    """SQL: the element of the bound text array `array` chosen by the integer `expression` (cycling)."""
    return f"(CAST(:{array} AS text[]))[1 + (({expression}) % cardinality(CAST(:{array} AS text[])))::int]"


def head_name_sql(row: str) -> str:
    """SQL: the head's name of household `row` (women head one household in seven). Also the vanilla table's."""
    given = f"CASE WHEN {row} % 7 = 0 THEN {pick('female', f'{row} * 13')} ELSE {pick('male', f'{row} * 31')} END"
    return f"{given} || ' ' || {pick('patronymic', f'{row} * 17 + {row} / 61')}"


# The villages in turn by regency (the first village of every regency, then the second ...), so that even a small
# register reaches every regency of the dense province and every other province.
_VILLAGES = f"""
CREATE TEMP TABLE seed_village ON COMMIT DROP AS
SELECT code, dense, row_number() OVER (PARTITION BY dense ORDER BY turn, code) - 1 AS n
FROM (SELECT code, left(code, 2) = :province AS dense,
             row_number() OVER (PARTITION BY left(code, 5) ORDER BY code) AS turn
      FROM region WHERE level = {int(RegionLevel.VILLAGE)}) AS v
"""
_HOUSEHOLD_ROWS = f"""
CREATE TEMP TABLE seed_household ON COMMIT DROP AS
SELECT g AS id, v.code AS region_code, replace(left(v.code, 8), '.', '') AS kecamatan,
       DATE '2005-01-01' + (g * 7919 % 7300)::int AS registered_on, g % 7 = 0 AS female_head,
       {head_name_sql("g")} AS head_name
FROM generate_series(1::bigint, :households) AS g
JOIN seed_village AS v ON v.dense = (g <= :dense)
 AND v.n = CASE WHEN g <= :dense THEN (g - 1) % :dense_villages ELSE (g - :dense - 1) % :other_villages END
"""
_HOUSEHOLDS = f"""
INSERT INTO household (id, no_kk, region_code, regency_code, address, rt, rw, dtks_status, desil, period, notes,
                       head_name, created_at, updated_at)
SELECT id,
       kecamatan || to_char(registered_on, 'DDMMYY')
         || lpad((row_number() OVER (PARTITION BY kecamatan, registered_on ORDER BY id))::text, 4, '0'),
       region_code, left(region_code, 5), 'Jl. ' || {pick("street", "id * 7")} || ' No. ' || (id % 199 + 1),
       lpad((id % 12 + 1)::text, 3, '0'), lpad((id % 6 + 1)::text, 3, '0'),
       CASE WHEN id % 10 < 4 THEN :registered WHEN id % 10 = 4 THEN :proposed WHEN id % 10 = 5 THEN :removed
            ELSE :not_registered END,
       CASE WHEN id % 10 < 4 THEN (id / 10) % 10 + 1 END,
       CASE WHEN id % 10 < 4 THEN :period WHEN id % 10 = 5 THEN :earlier_period END,
       '', head_name, now(), now()
FROM seed_household
"""
# Level 1: who each member is; level 2: the NIK, whose serial counts the members of a kecamatan, date and sex.
_MEMBER_ROWS = """
SELECT h.id AS household_id, h.region_code, h.kecamatan, h.head_name, k,
       CASE WHEN k = 0 THEN h.female_head WHEN k = 1 THEN NOT h.female_head ELSE (h.id + k) % 2 = 1 END AS female,
       CASE WHEN k = 0 THEN DATE '1950-01-01' + (h.id * 37 % 14600)::int
            WHEN k = 1 THEN DATE '1952-01-01' + ((h.id * 53 + 11) % 14600)::int
            ELSE DATE '1990-01-01' + ((h.id * 29 + k * 811) % 12000)::int END AS birth_date
FROM seed_household AS h CROSS JOIN LATERAL generate_series(0, 1 + (h.id % 5)::int) AS k
"""
_MEMBERS = f"""
INSERT INTO member (household_id, region_code, regency_code, nik, name, sex, birth_place, birth_date,
                    family_relation, mother_name, marital_status, occupation, education, disability, created_at,
                    updated_at)
SELECT household_id, region_code, left(region_code, 5),
       kecamatan || lpad((extract(day FROM birth_date)::int + CASE WHEN female THEN 40 ELSE 0 END)::text, 2, '0')
         || to_char(birth_date, 'MMYY')
         || lpad((row_number() OVER (PARTITION BY kecamatan, birth_date, female ORDER BY household_id, k))::text,
                 4, '0'),
       CASE WHEN k = 0 THEN head_name
            WHEN female THEN {pick("female", "household_id * 11 + k * 5")}
                             || ' ' || {pick("female_second", "household_id + k")}
            ELSE {pick("male", "household_id * 19 + k * 3")} || ' ' || {pick("patronymic", "household_id * 3 + k")} END,
       CASE WHEN female THEN :female_sex ELSE :male_sex END,
       {pick("place", "household_id * 5 + k")}, birth_date,
       CASE WHEN k = 0 THEN :head WHEN k = 1 THEN :spouse ELSE :child END,
       {pick("female", "household_id * 23 + k * 7")} || ' ' || {pick("female_second", "household_id * 7 + k")},
       CASE WHEN k < 2 THEN :married ELSE :single END,
       CASE WHEN k >= 2 THEN :student WHEN female AND k = 1 THEN :homemaker ELSE {pick("work", "household_id + k")} END,
       {pick("education", "household_id + k * 3")},
       CASE WHEN household_id % 53 = 0 AND k = 2 THEN :disabled ELSE :not_disabled END,
       now(), now()
FROM ({_MEMBER_ROWS}) AS m
"""
_PARAMETERS: dict[str, object] = {
    **NAMES,
    "province": DENSE_PROVINCE,
    "period": PERIOD,
    "earlier_period": EARLIER_PERIOD,
    "registered": DtksStatus.REGISTERED.value,
    "proposed": DtksStatus.PROPOSED.value,
    "removed": DtksStatus.REMOVED.value,
    "not_registered": DtksStatus.NOT_REGISTERED.value,
    "female_sex": Sex.FEMALE.value,
    "male_sex": Sex.MALE.value,
    "head": FamilyRelation.HEAD.value,
    "spouse": FamilyRelation.SPOUSE.value,
    "child": FamilyRelation.CHILD.value,
    "married": MaritalStatus.MARRIED.value,
    "single": MaritalStatus.SINGLE.value,
    "student": OCCUPATION_STUDENT,
    "homemaker": OCCUPATION_HOMEMAKER,
    "disabled": Disability.PHYSICAL.value,
    "not_disabled": Disability.NONE.value,
}


@dataclass(frozen=True)
class SeedReport:
    """What the seeding wrote and how long each part took (seconds)."""

    households: int
    members: int
    activity: Activity
    seconds: dict[str, float]

    def __str__(self) -> str:
        parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.seconds.items())
        return (
            f"seeded {self.households:,} households, {self.members:,} members, {self.activity} "
            f"in {sum(self.seconds.values()):.1f} s ({parts})"
        )


def _households(connection: Connection, households: int) -> None:
    connection.execute(text(_VILLAGES), _PARAMETERS)
    dense_villages, other_villages = connection.execute(
        text("SELECT count(*) FILTER (WHERE dense), count(*) FILTER (WHERE NOT dense) FROM seed_village")
    ).one()
    sizes = {"households": households, "dense": households // 2, "dense_villages": dense_villages}
    connection.execute(text(_HOUSEHOLD_ROWS), {**_PARAMETERS, **sizes, "other_villages": other_villages})
    connection.execute(text(_HOUSEHOLDS), _PARAMETERS)
    connection.execute(text("SELECT setval('household_id_seq', (SELECT max(id) FROM household))"))


def _members(connection: Connection) -> int:
    for trigger in HEAD_TRIGGERS:
        connection.execute(text(f"ALTER TABLE member DISABLE TRIGGER {trigger}"))
    inserted = connection.execute(text(_MEMBERS), _PARAMETERS).rowcount
    for trigger in HEAD_TRIGGERS:
        connection.execute(text(f"ALTER TABLE member ENABLE TRIGGER {trigger}"))
    return inserted


def seed_register(url: str, households: int) -> SeedReport:
    """Households, members, proposals, visits and audit rows in one transaction, then VACUUM ANALYZE."""
    engine = create_engine(with_psycopg(url))
    seconds: dict[str, float] = {}
    try:
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL synchronous_commit = off"))
            connection.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
            connection.execute(text("SET LOCAL work_mem = '256MB'"))
            started = time.perf_counter()
            with indexes_set_aside(connection, LOADED_TABLES):
                _households(connection, households)
                seconds["households"] = time.perf_counter() - started
                members = _members(connection)
                seconds["members"] = time.perf_counter() - started - seconds["households"]
                mark = time.perf_counter()
            seconds["indexes"] = time.perf_counter() - mark
            mark = time.perf_counter()
            activity = seed_activity(connection, households)
            seconds["proposals, visits, audit"] = time.perf_counter() - mark
        mark = time.perf_counter()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # What autovacuum does to a loaded table sooner or later (statistics, the visibility map for
            # index-only counts), done now so that no page timing depends on when it happens to run.
            connection.execute(text("VACUUM (ANALYZE)"))
        seconds["vacuum analyze"] = time.perf_counter() - mark
    finally:
        engine.dispose()
    return SeedReport(households, members, activity, seconds)
