"""A database of the first release, with its data, upgrades to head with every row kept and the new columns filled.

The data is written with plain SQL valid at the first revision (d11e81056f32): regions, two users, two households
with their members, a proposal with its history, Musdes and visit, an unsigned SK holding it, a signed Surat
Keterangan with its approvals, a complaint, an audit row. After `upgrade head` the rows are all there with their
values, the columns later revisions added hold what those revisions derive (regency code, head's name, the national
numbers' lookup rows, a signed letter's verification code, the tallies), the seeds are in (access rules, step
targets, the seed record), and the schema is the models' (`alembic check`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from alembic import command
from database.engine import make_engine
from database.seed_sync import STEP_TARGET_SEED
from policies.rules import read_seed
from tests.factories import DEFAULT_VILLAGE, insert_region_path, kecamatan_of, next_nik, next_no_kk

AlembicConfigFor = Callable[[str], Config]
KECAMATAN = kecamatan_of(DEFAULT_VILLAGE)
ROWS = {  # the rows written at the first revision, per table
    "region": 4,
    "user_account": 2,
    "household": 2,
    "member": 3,
    "proposal": 1,
    "proposal_history": 3,
    "meeting": 1,
    "meeting_participant": 1,
    "meeting_decision": 1,
    "visit": 1,
    "decree": 1,
    "decree_proposal": 1,
    "certificate": 1,
    "certificate_approval": 2,
    "complaint": 1,
    "audit_entry": 1,
}


def _insert(connection: Connection, table: str, values: dict[str, Any], **literals: str) -> int:
    """One row by plain SQL; `literals` are SQL text (CURRENT_TIMESTAMP, JSON) set in the statement itself."""
    columns = [*values, *literals]
    placeholders = [f":{name}" for name in values] + list(literals.values())
    statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(placeholders)})"
    returning = " RETURNING id" if table not in ("decree_proposal",) else ""
    result = connection.execute(text(statement + returning), values)
    return int(result.scalar_one()) if returning else 0


def _write_first_release_data(connection: Connection) -> dict[str, Any]:
    insert_region_path(connection, DEFAULT_VILLAGE)
    now = {"created_at": "CURRENT_TIMESTAMP", "updated_at": "CURRENT_TIMESTAMP"}
    admin = _insert(
        connection,
        "user_account",
        {"username": "admin_lama", "full_name": "Admin Lama", "password_hash": "x", "role": "admin", "is_active": True},
        **now,
    )
    operator = _insert(
        connection,
        "user_account",
        {
            "username": "operator_paruga",
            "full_name": "Operator Paruga",
            "password_hash": "x",
            "role": "operator_desa",
            "scope_region_code": DEFAULT_VILLAGE,
            "is_active": True,
        },
        **now,
    )
    registered_kk, proposed_kk = next_no_kk(KECAMATAN), next_no_kk(KECAMATAN)
    household = {"region_code": DEFAULT_VILLAGE, "address": "Jl. Sultan Kaharuddin", "rt": "001", "rw": "002"}
    registered = _insert(
        connection,
        "household",
        {**household, "no_kk": registered_kk, "dtks_status": "terdaftar", "desil": 2, "period": "2026-07"},
        notes="''",
        **now,
    )
    proposed = _insert(
        connection, "household", {**household, "no_kk": proposed_kk, "dtks_status": "diusulkan"}, notes="''", **now
    )
    people = [
        (registered, "SITI AMINAH", "P", date(1980, 5, 1), "kepala_keluarga"),
        (registered, "ABDUL RAHMAN", "L", date(1978, 2, 3), "istri_suami"),
        (proposed, "MUHAMMAD YUSUF", "L", date(1990, 8, 17), "kepala_keluarga"),
    ]
    niks = []
    for household_id, name, sex, born, relation in people:
        nik = next_nik(KECAMATAN, born, sex == "P")
        niks.append(nik)
        _insert(
            connection,
            "member",
            {
                "household_id": household_id,
                "region_code": DEFAULT_VILLAGE,
                "nik": nik,
                "name": name,
                "sex": sex,
                "birth_place": "Bima",
                "birth_date": born,
                "family_relation": relation,
                "mother_name": "IBU",
                "marital_status": "kawin",
                "occupation": "Petani",
                "education": "sd",
                "disability": "tidak_ada",
            },
            **now,
        )
    proposal = _insert(
        connection,
        "proposal",
        {
            "kind": "baru",
            "household_id": proposed,
            "region_code": DEFAULT_VILLAGE,
            "reason": "Kepala keluarga kehilangan pekerjaan",
            "has_ktp": True,
            "has_kk": True,
            "has_sktm": False,
            "status": "in_decree",
            "version": 4,
            "created_by_id": operator,
        },
        requested_changes="'{}'",
        status_changed_at="CURRENT_TIMESTAMP",
        return_reason="''",
        **now,
    )
    for before, after in ((None, "draft"), ("draft", "in_musdes"), ("in_musdes", "agreed")):
        _insert(
            connection,
            "proposal_history",
            {
                "proposal_id": proposal,
                "region_code": DEFAULT_VILLAGE,
                "from_status": before,
                "to_status": after,
                "actor_id": operator,
                "actor_name": "Operator Paruga",
            },
            at="CURRENT_TIMESTAMP",
            note="''",
        )
    meeting = _insert(
        connection,
        "meeting",
        {
            "kind": "musdes",
            "region_code": DEFAULT_VILLAGE,
            "held_on": date(2026, 8, 4),
            "place": "Kantor Lurah",
            "ba_number": "BA/01",
        },
        notes="''",
        **now,
    )
    _insert(
        connection,
        "meeting_participant",
        {"meeting_id": meeting, "region_code": DEFAULT_VILLAGE, "name": "Lurah Paruga", "position": "kades_lurah"},
    )
    _insert(
        connection,
        "meeting_decision",
        {"meeting_id": meeting, "proposal_id": proposal, "region_code": DEFAULT_VILLAGE, "decision": "setuju"},
        note="''",
    )
    _insert(
        connection,
        "visit",
        {
            "household_id": proposed,
            "proposal_id": proposal,
            "region_code": DEFAULT_VILLAGE,
            "enumerator_name": "Pendata Uji",
            "visited_on": date(2026, 8, 10),
            "floor_material": "tanah",
            "result": "layak",
        },
        assets="'[]'",
        livestock="'{}'",
        programme_cards="'[]'",
        notes="'lantai tanah'",
        **now,
    )
    decree = _insert(
        connection,
        "decree",
        {
            "kind": "pengesahan_kabupaten",
            "region_code": "52.72",
            "decree_date": date(2026, 9, 1),
            "signer_name": "Wali Kota Bima",
            "signer_title": "Wali Kota",
        },
        **now,
    )
    _insert(connection, "decree_proposal", {"decree_id": decree, "proposal_id": proposal})
    certificate = _insert(
        connection,
        "certificate",
        {
            "region_code": DEFAULT_VILLAGE,
            "requested_nik": niks[0],
            "applicant_name": "SITI AMINAH",
            "purpose": "Beasiswa",
            "result": "terdaftar",
            "household_id": registered,
            "year": 2026,
            "sequence": 1,
            "letter_number": "460/001/Dinsos/2026",
            "step": "ditandatangani",
        },
        requested_at="CURRENT_TIMESTAMP",
        completed_at="CURRENT_TIMESTAMP",
        notes="''",
        **now,
    )
    for step in ("diajukan", "ditandatangani"):
        _insert(
            connection,
            "certificate_approval",
            {"certificate_id": certificate, "step": step, "user_id": admin, "user_name": "Admin Lama"},
            at="CURRENT_TIMESTAMP",
        )
    _insert(
        connection,
        "complaint",
        {
            "region_code": DEFAULT_VILLAGE,
            "channel": "datang_langsung",
            "complainant_name": "Warga",
            "complainant_contact": "0812",
            "category": "exclusion_error",
            "description": "Tidak terdaftar",
            "status": "baru",
        },
        response="''",
        **now,
    )
    _insert(
        connection,
        "audit_entry",
        {
            "actor_id": admin,
            "actor_name": "Admin Lama",
            "request_id": "r-1",
            "ip": "127.0.0.1",
            "action": "login",
            "object_type": "user_account",
            "object_id": str(admin),
            "region_code": "",
            "message": "masuk",
        },
        at="CURRENT_TIMESTAMP",
    )
    return {"registered": registered, "proposed": proposed, "proposal": proposal, "niks": niks}


@pytest.fixture
def first_release(empty_database_url: str, alembic_config_for: AlembicConfigFor) -> Iterator[tuple[Engine, Config]]:
    config = alembic_config_for(empty_database_url)
    first = ScriptDirectory.from_config(config).get_base()
    assert first == "d11e81056f32"
    command.upgrade(config, first)
    engine = make_engine(empty_database_url)
    yield engine, config
    engine.dispose()


def _count(connection: Connection, table: str) -> int:
    return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_a_first_release_database_upgrades_to_head_with_its_data(first_release: tuple[Engine, Config]) -> None:
    engine, config = first_release
    with engine.begin() as connection:
        written = _write_first_release_data(connection)

    command.upgrade(config, "head")

    command.check(config)  # the upgraded schema is the models', data and all
    with engine.connect() as connection:
        assert {table: _count(connection, table) for table in ROWS} == ROWS
        households = connection.execute(
            text("SELECT id, regency_code, head_name, dtks_status, desil, period FROM household ORDER BY id")
        ).all()
        assert [tuple(row) for row in households] == [
            (written["registered"], "52.72", "SITI AMINAH", "terdaftar", 2, "2026-07"),
            (written["proposed"], "52.72", "MUHAMMAD YUSUF", "diusulkan", None, None),
        ]
        assert sorted(connection.execute(text("SELECT nik FROM member_nik")).scalars()) == sorted(written["niks"])
        assert _count(connection, "household_kk") == 2
        proposal = connection.execute(
            text("SELECT status, version, regency_code, reason FROM proposal WHERE id = :id"),
            {"id": written["proposal"]},
        ).one()
        assert tuple(proposal) == ("in_decree", 4, "52.72", "Kepala keluarga kehilangan pekerjaan")
        code, letter = connection.execute(text("SELECT verification_code, letter_number FROM certificate")).one()
        assert code and code.count("-") == 3 and letter == "460/001/Dinsos/2026"  # a signed letter gets its code
        assert set(connection.execute(text("SELECT region_code FROM certificate_approval")).scalars()) == {
            DEFAULT_VILLAGE
        }
        assert connection.execute(text("SELECT notes FROM visit")).scalar_one() == "lantai tanah"
        registered_in_village = connection.execute(
            text(
                "SELECT sum(households) FROM household_tally WHERE region_code = :village AND dtks_status = 'terdaftar'"
            ),
            {"village": DEFAULT_VILLAGE},
        ).scalar_one()
        assert registered_in_village == 1
        assert _count(connection, "policy_rule") == len(set(read_seed()))
        targets = connection.execute(text("SELECT status, working_days, basis FROM step_target")).all()
        assert {tuple(row) for row in targets} == {(t.status, t.working_days, t.basis) for t in STEP_TARGET_SEED}
        assert _count(connection, "seed_record") == len(set(read_seed())) + len(STEP_TARGET_SEED)
        assert _count(connection, "office_profile") == 0  # no seed: a region without a row prints the defaults
