"""The BNBA column specification: header matching, and each cell kind read back as export writes it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from models.member import FamilyRelation, Sex
from models.proposal import ProposalKind
from reports.bnba import (
    BNBA_COLUMNS,
    BNBA_HEADERS,
    COLUMN_BY_KEY,
    CellError,
    export_value,
    find_header_columns,
    missing_headers,
    read_cell,
)


def test_the_columns_are_those_of_design_section_7_in_order() -> None:
    assert BNBA_HEADERS == (
        "NO", "KODE WILAYAH", "PROVINSI", "KABUPATEN/KOTA", "KECAMATAN", "DESA/KELURAHAN", "ALAMAT", "RT", "RW",
        "NO KK", "NIK", "NAMA", "HUBUNGAN KELUARGA", "JENIS KELAMIN", "TEMPAT LAHIR", "TANGGAL LAHIR",
        "NAMA IBU KANDUNG", "STATUS KAWIN", "PEKERJAAN", "JENIS USULAN", "ALASAN", "KETERANGAN",
    )  # fmt: skip


def test_a_header_row_is_found_ignoring_case_spaces_and_punctuation() -> None:
    cells = ["No.", "Kode Wilayah", "Alamat", "No. KK", "nik", "Nama", "Hubungan keluarga", "Jenis_Kelamin"]
    cells.append("Tanggal  Lahir")
    positions = find_header_columns(cells)
    assert positions is not None
    assert positions["no_kk"] == 3
    assert positions["birth_date"] == 8


def test_a_header_row_is_found_under_the_other_names_offices_give_the_columns() -> None:
    cells = ["No.", "Kode Desa", "Alamat Lengkap", "Nomor KK", "NIK", "Nama Lengkap", "SHDK", "L/P", "Tgl. Lahir"]
    cells += ["Nama Gadis Ibu Kandung", "Status Perkawinan"]
    positions = find_header_columns(cells)
    assert positions is not None
    assert (positions["region_code"], positions["family_relation"], positions["sex"]) == (1, 6, 7)
    assert (positions["birth_date"], positions["mother_name"], positions["marital_status"]) == (8, 9, 10)
    assert missing_headers(cells) == []
    assert missing_headers(["Nama Lengkap", "NIK"]) == ["KODE WILAYAH", "ALAMAT", "NO KK", "HUBUNGAN KELUARGA",
                                                        "JENIS KELAMIN", "TANGGAL LAHIR"]  # fmt: skip


def test_a_title_row_is_not_a_header_and_names_what_is_missing() -> None:
    title = ["DAFTAR USULAN DTKS DESA PARUGA", None, None]
    assert find_header_columns(title) is None
    assert "NIK" in missing_headers(title)
    assert missing_headers(BNBA_HEADERS) == []


@pytest.mark.parametrize("column", BNBA_COLUMNS, ids=lambda column: column.key)
def test_every_column_reads_back_what_export_writes(column) -> None:  # noqa: ANN001 - a BnbaColumn
    samples = {
        "number": 7,
        "birth_date": date(1980, 5, 17),
        "family_relation": FamilyRelation.HEAD,
        "sex": Sex.FEMALE,
        "marital_status": "kawin",
        "proposal_kind": ProposalKind.NEW,
        "no_kk": "5272010101200001",
        "nik": "5272015705800001",
        "rt": "003",
    }
    value = samples.get(column.key, "=1+1 teks bebas")
    read = read_cell(column, export_value(column, value))
    assert read == (column.codes(value) if column.codes else value)


def test_dates_are_read_from_real_dates_and_from_day_month_year_text() -> None:
    column = COLUMN_BY_KEY["birth_date"]
    assert read_cell(column, datetime(1990, 1, 2, 0, 0)) == date(1990, 1, 2)
    assert read_cell(column, "02-01-1990") == date(1990, 1, 2)
    assert read_cell(column, "2/1/1990") == date(1990, 1, 2)
    with pytest.raises(CellError, match="bukan tanggal yang ada"):
        read_cell(column, "31-02-2026")
    with pytest.raises(CellError, match="DD-MM-YYYY"):
        read_cell(column, "1990-01-02")


def test_identifiers_typed_as_numbers_are_refused_because_excel_rounds_them() -> None:
    with pytest.raises(CellError, match="sebagai teks"):
        read_cell(COLUMN_BY_KEY["nik"], 5272015705800001)


def test_coded_columns_take_the_code_or_the_indonesian_word() -> None:
    column = COLUMN_BY_KEY["family_relation"]
    assert read_cell(column, "kepala keluarga") == FamilyRelation.HEAD
    assert read_cell(column, "kepala_keluarga") == FamilyRelation.HEAD
    with pytest.raises(CellError, match="tidak dikenal"):
        read_cell(column, "bos")


def test_required_cells_must_be_filled_and_optional_ones_may_be_empty() -> None:
    with pytest.raises(CellError, match="wajib diisi"):
        read_cell(COLUMN_BY_KEY["nik"], "  ")
    assert read_cell(COLUMN_BY_KEY["mother_name"], None) is None
