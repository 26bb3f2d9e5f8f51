"""models/office_names.py: a region's government and head written as official letters write them."""

from __future__ import annotations

import pytest

from models.office_names import MINISTRY_GOVERNMENT, names_for


@pytest.mark.parametrize(
    ("code", "government", "head", "place"),
    [
        ("52.72", "PEMERINTAH KOTA BIMA", "Wali Kota Bima", "Bima"),
        ("52.72.01.1001", "PEMERINTAH KOTA BIMA", "Wali Kota Bima", "Bima"),  # a village reads as its regency
        ("11.01", "PEMERINTAH KABUPATEN ACEH SELATAN", "Bupati Aceh Selatan", "Aceh Selatan"),
        ("52", "PEMERINTAH PROVINSI NUSA TENGGARA BARAT", "Gubernur Nusa Tenggara Barat", "Nusa Tenggara Barat"),
        ("31.01", "PEMERINTAH KABUPATEN ADMINISTRASI KEPULAUAN SERIBU", "Bupati Kepulauan Seribu", "Kepulauan Seribu"),
    ],
)
def test_a_region_is_written_once_without_doubling_its_kind(code: str, government: str, head: str, place: str) -> None:
    names = names_for(code)
    assert (names.government, names.head_title, names.place) == (government, head, place)
    assert "KOTA KOTA" not in names.government and "KABUPATEN/KOTA" not in names.government


def test_the_ministry_has_no_region() -> None:
    names = names_for(None)
    assert names.government == MINISTRY_GOVERNMENT
    assert names.head_word == "Menteri Sosial Republik Indonesia"


def test_the_head_word_drops_the_place() -> None:
    assert names_for("52.72").head_word == "Wali Kota"
    assert names_for("11.01").head_word == "Bupati"
