"""Audit snapshots (models.audit_trail) without a database: JSON-safe, identity numbers masked, secrets hidden."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import AuditAction, DtksStatus, Sex
from models.audit_trail import HIDDEN, RowChange, column_value, json_safe, mask_text, snapshot

PROPERTY = settings(max_examples=300, derandomize=True, database=None, deadline=None)
NIK = "5272011708750001"
SIXTEEN_DIGITS = re.compile(r"\b\d{16}\b")


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (None, None),
        (True, True),
        (42, 42),
        (1.5, 1.5),
        (float("nan"), "nan"),
        (Decimal("12.50"), "12.50"),
        (date(2026, 1, 2), "2026-01-02"),
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "2026-01-02T03:04:05+00:00"),
        (time(7, 30), "07:30:00"),
        (DtksStatus.NOT_REGISTERED, DtksStatus.NOT_REGISTERED.value),
        (Sex.FEMALE, "P"),
        (b"\x00\x01", "<2 byte>"),
        ({"a": (1, 2)}, {"a": [1, 2]}),
        (NIK, "5272**********01"),
        (int(NIK), "5272**********01"),
        (f"NIK {NIK}, KK 5272011403190001.", "NIK 5272**********01, KK 5272**********01."),
        ({"keluarga": [{"nik": NIK}]}, {"keluarga": [{"nik": "5272**********01"}]}),
        ("12345678901234567", "12345678901234567"),  # 17 digits: not an identity number
    ],
    ids=lambda value: type(value).__name__,
)
def test_values_become_json_with_identity_numbers_masked(value: object, stored: object) -> None:
    assert json_safe(value) == stored
    json.dumps(json_safe(value))


@pytest.mark.parametrize(
    ("column", "value", "stored"),
    [
        ("nik", NIK, "5272**********01"),
        ("no_kk", "5272011403190001", "5272**********01"),
        ("requested_nik", "52720117087500", "5272********00"),  # masked even when malformed
        ("password_hash", "$argon2id$v=19$m=65536,t=3,p=4$abc$def", HIDDEN),
        ("token_hash", "9f86d081884c7d65", HIDDEN),
        ("address", "Jl. Merdeka 1", "Jl. Merdeka 1"),
    ],
)
def test_columns_are_stored_masked_or_hidden(column: str, value: str, stored: str) -> None:
    assert column_value(column, value) == stored


SCALARS = st.none() | st.integers() | st.text() | st.from_regex(r"\d{16}", fullmatch=True)
NESTED = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
)


@PROPERTY
@given(NESTED)
def test_no_sixteen_digit_number_survives_a_snapshot(value: object) -> None:
    assert SIXTEEN_DIGITS.findall(json.dumps(snapshot({"data": value}))) == []


def test_mask_text_leaves_other_numbers_alone() -> None:
    assert mask_text("RT 001 / RW 002, 35 jiwa") == "RT 001 / RW 002, 35 jiwa"


def test_a_change_without_a_snapshot_leaves_that_column_out() -> None:
    created = RowChange(AuditAction.CREATE, "household", "1", "52.72.01.1001", after={"no_kk": NIK})
    assert "before" not in created.columns()
    assert created.columns()["after"] == {"no_kk": "5272**********01"}
