"""The household fields an update proposal may change, and how the requested changes are stored."""

from __future__ import annotations

import pytest

from models.household import Household, apply_requested_changes, changes_text, requested_household_changes


def test_requested_changes_are_trimmed_ordered_and_empty_ones_dropped() -> None:
    stored = requested_household_changes({"rw": " 02 ", "address": "Jl. Baru 1", "rt": ""})
    assert stored == {"address": "Jl. Baru 1", "rw": "02"}
    assert changes_text(stored) == "Alamat: Jl. Baru 1; RW: 02"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"no_kk": "5272010101010001"}, "Perubahan tidak dapat diminta untuk: no_kk"),
        ({"rt": "RT 4"}, "RT berupa angka"),
        ({"rw": "1234"}, "RW berupa angka"),
        ({"address": "x" * 201}, "Alamat: Paling banyak 200 karakter; terisi 201."),
        ({"address": "Jl. Sumbawa \u202e7 .oN"}, "Alamat: Berisi karakter pengatur arah teks"),
    ],
    ids=["unknown-field", "rt-words", "rw-too-long", "address-too-long", "address-with-a-right-to-left-override"],
)
def test_requested_changes_outside_the_rule_are_refused(changes: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        requested_household_changes(changes)


def test_applying_changes_writes_only_the_listed_fields() -> None:
    household = Household(no_kk="5272010101010001", address="Jl. Lama", rt="001", rw="001")
    apply_requested_changes(household, {"address": "Jl. Baru", "rt": "004"})
    assert (household.address, household.rt, household.rw, household.no_kk) == (
        "Jl. Baru",
        "004",
        "001",
        "5272010101010001",
    )
