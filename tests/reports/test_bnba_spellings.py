"""The coded BNBA columns read what offices write: codes, labels, parts of compound labels and the usual
abbreviations, in any case, spacing and punctuation; ambiguous spellings and bare numbers are refused with
a message naming what the column accepts; export still writes the official label, which reads back."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.base import LabelledEnum
from models.member import FamilyRelation, MaritalStatus, Sex
from models.proposal import ProposalKind, RemovalReason
from reports.bnba import (
    BNBA_COLUMNS,
    CODE_BOOKS,
    COLUMN_BY_KEY,
    REMOVAL_REASONS,
    CellError,
    coded_columns,
    export_value,
    read_cell,
    spelling_table,
)
from reports.bnba_codes import CodeBook, label_parts, normalise

README = Path(__file__).resolve().parents[2] / "README.md"
CODED = [column for column in BNBA_COLUMNS if column.codes is not None]

SPELLINGS: dict[str, list[tuple[object, LabelledEnum]]] = {
    "family_relation": [
        ("Kepala keluarga", FamilyRelation.HEAD), ("KEPALA KELUARGA", FamilyRelation.HEAD),
        ("kepala_keluarga", FamilyRelation.HEAD), ("KK", FamilyRelation.HEAD), ("Krt", FamilyRelation.HEAD),
        ("Kepala Rumah Tangga", FamilyRelation.HEAD),
        ("Istri/Suami", FamilyRelation.SPOUSE), ("Istri", FamilyRelation.SPOUSE), ("SUAMI", FamilyRelation.SPOUSE),
        ("isteri", FamilyRelation.SPOUSE), ("Suami / Istri", FamilyRelation.SPOUSE),
        ("istri_suami", FamilyRelation.SPOUSE),
        ("anak", FamilyRelation.CHILD), ("Anak Kandung", FamilyRelation.CHILD), ("ANAK ANGKAT", FamilyRelation.CHILD),
        ("Menantu", FamilyRelation.CHILD_IN_LAW), ("Cucu", FamilyRelation.GRANDCHILD),
        ("Orang Tua", FamilyRelation.PARENT), ("orangtua", FamilyRelation.PARENT), ("Ortu", FamilyRelation.PARENT),
        ("MERTUA", FamilyRelation.PARENT_IN_LAW),
        ("Famili lain", FamilyRelation.OTHER_FAMILY), ("famili_lain", FamilyRelation.OTHER_FAMILY),
        ("Famili", FamilyRelation.OTHER_FAMILY),
        ("Pembantu", FamilyRelation.HOUSEHOLD_HELP), ("PRT", FamilyRelation.HOUSEHOLD_HELP),
        ("Lainnya", FamilyRelation.OTHER), ("Lain-lain", FamilyRelation.OTHER),
    ],
    "sex": [
        ("L", Sex.MALE), ("l", Sex.MALE), ("L.", Sex.MALE), ("LK", Sex.MALE), ("Lk", Sex.MALE),
        ("Laki-laki", Sex.MALE), ("LAKI-LAKI", Sex.MALE), ("laki - laki", Sex.MALE), ("Laki laki", Sex.MALE),
        ("LAKI2", Sex.MALE), ("Pria", Sex.MALE),
        ("P", Sex.FEMALE), (" p ", Sex.FEMALE), ("PR", Sex.FEMALE), ("Pr.", Sex.FEMALE),
        ("Perempuan", Sex.FEMALE), ("PEREMPUAN", Sex.FEMALE), ("Wanita", Sex.FEMALE),
    ],
    "marital_status": [
        ("Belum kawin", MaritalStatus.SINGLE), ("BELUM KAWIN", MaritalStatus.SINGLE), ("BK", MaritalStatus.SINGLE),
        ("belum_kawin", MaritalStatus.SINGLE), ("Belum Menikah", MaritalStatus.SINGLE),
        ("Kawin", MaritalStatus.MARRIED), ("K", MaritalStatus.MARRIED), ("Menikah", MaritalStatus.MARRIED),
        ("KAWIN TERCATAT", MaritalStatus.MARRIED), ("Kawin Belum Tercatat", MaritalStatus.MARRIED),
        ("Cerai hidup", MaritalStatus.DIVORCED), ("CH", MaritalStatus.DIVORCED),
        ("Cerai Hidup Tercatat", MaritalStatus.DIVORCED),
        ("Cerai mati", MaritalStatus.WIDOWED), ("CM", MaritalStatus.WIDOWED), ("cerai_mati", MaritalStatus.WIDOWED),
    ],
    "proposal_kind": [
        ("Usulan baru", ProposalKind.NEW), ("Baru", ProposalKind.NEW), ("BARU", ProposalKind.NEW),
        ("Pengusulan", ProposalKind.NEW),
        ("Perbaikan", ProposalKind.UPDATE), ("Perbaikan data", ProposalKind.UPDATE),
        ("Perubahan", ProposalKind.UPDATE),
        ("Keluar", ProposalKind.REMOVE), ("Dikeluarkan", ProposalKind.REMOVE), ("DIKELUARKAN", ProposalKind.REMOVE),
        ("Penghapusan", ProposalKind.REMOVE),
        ("Tetap", ProposalKind.KEEP), ("Tetap (tidak ada perbaikan)", ProposalKind.KEEP),
        ("tidak ada perbaikan", ProposalKind.KEEP),
    ],
}  # fmt: skip
TABLE = [(key, cell, value) for key, cases in SPELLINGS.items() for cell, value in cases]


@pytest.mark.parametrize(("key", "cell", "value"), TABLE, ids=[f"{key}:{cell}" for key, cell, _ in TABLE])
def test_a_coded_column_reads_each_spelling_offices_write_as_its_value(key: str, cell: str, value: object) -> None:
    assert read_cell(COLUMN_BY_KEY[key], cell) is value


def test_every_value_of_every_coded_column_is_in_the_table_of_spellings() -> None:
    for column in CODED:
        assert {value for _, value in SPELLINGS[column.key]} == set(column.codes), column.header  # type: ignore[arg-type]


@pytest.mark.parametrize("column", CODED, ids=lambda column: column.key)
def test_every_listed_spelling_reads_back_in_upper_lower_and_spaced_forms(column) -> None:  # noqa: ANN001
    for member, spellings in CODE_BOOKS[column.codes].spellings.items():
        for spelling in spellings:
            for written in (spelling, spelling.upper(), spelling.lower(), f"  {spelling.replace(' ', '  ')} "):
                assert read_cell(column, written) is member, written


@pytest.mark.parametrize("column", CODED, ids=lambda column: column.key)
def test_each_part_of_a_compound_label_names_the_value_alone(column) -> None:  # noqa: ANN001
    for member in column.codes:
        for part in label_parts(member.label):
            assert read_cell(column, part) is member, part


def test_only_labels_of_alternatives_are_split_into_parts() -> None:
    assert label_parts("Istri/Suami") == ("Istri", "Suami")
    assert label_parts("Tetap (tidak ada perbaikan)") == ("Tetap", "tidak ada perbaikan")
    assert label_parts(RemovalReason.MOVED.label) == ()  # "kabupaten/kota" is one reason: never "kota" alone
    assert label_parts("Laki-laki") == ()


@pytest.mark.parametrize(
    ("key", "cell", "meanings"),
    [
        ("marital_status", "Janda", "Cerai hidup atau Cerai mati"),
        ("marital_status", "DUDA", "Cerai hidup atau Cerai mati"),
        ("marital_status", "cerai", "Cerai hidup atau Cerai mati"),
        ("family_relation", "Ibu", "Istri/Suami atau Orang tua"),
        ("family_relation", "Bapak", "Kepala keluarga atau Orang tua"),
        ("family_relation", "Orang tua / mertua", "Orang tua atau Mertua"),
    ],
)
def test_a_spelling_that_could_mean_two_values_is_refused_naming_both(key: str, cell: str, meanings: str) -> None:
    with pytest.raises(CellError) as refused:
        read_cell(COLUMN_BY_KEY[key], cell)
    assert f"'{cell}' bisa berarti {meanings}" in str(refused.value)


@pytest.mark.parametrize("cell", ["1", 2, 3.0, " 11 "], ids=repr)
def test_a_bare_number_is_refused_because_every_form_numbers_codes_differently(cell: object) -> None:
    with pytest.raises(CellError, match="kode angka tidak diterima") as refused:
        read_cell(COLUMN_BY_KEY["family_relation"], cell)
    assert "Kepala keluarga (KK, KRT)" in str(refused.value)


def test_an_unknown_spelling_is_refused_with_every_accepted_value_and_its_abbreviations() -> None:
    with pytest.raises(CellError) as refused:
        read_cell(COLUMN_BY_KEY["sex"], "X")
    accepted = "Laki-laki (L, LK), Perempuan (P, PR)"
    assert str(refused.value) == f"JENIS KELAMIN 'X' tidak dikenal; isi salah satu: {accepted}."
    with pytest.raises(CellError) as refused:
        read_cell(COLUMN_BY_KEY["marital_status"], "Kawin siri")
    assert "Belum kawin (BK), Kawin (K), Cerai hidup (CH), Cerai mati (CM)" in str(refused.value)


def test_a_very_long_refused_cell_is_quoted_shortened() -> None:
    with pytest.raises(CellError) as refused:
        read_cell(COLUMN_BY_KEY["sex"], "x" * 500)
    assert "x" * 39 + "…'" in str(refused.value)
    assert "x" * 41 not in str(refused.value)


def test_a_nik_typed_into_a_coded_column_is_quoted_masked() -> None:
    with pytest.raises(CellError) as refused:
        read_cell(COLUMN_BY_KEY["sex"], "5272015705800001")
    assert "5272015705800001" not in str(refused.value)
    assert "kode angka tidak diterima" in str(refused.value)


def test_a_dash_is_an_empty_cell_in_an_optional_coded_column_and_missing_in_a_required_one() -> None:
    assert read_cell(COLUMN_BY_KEY["marital_status"], "-") is None
    assert read_cell(COLUMN_BY_KEY["proposal_kind"], " . ") is None
    with pytest.raises(CellError, match="JENIS KELAMIN wajib diisi"):
        read_cell(COLUMN_BY_KEY["sex"], "-")


@pytest.mark.parametrize("column", CODED, ids=lambda column: column.key)
def test_export_writes_the_official_label_of_every_value_and_it_reads_back(column) -> None:  # noqa: ANN001
    for member in column.codes:
        written = export_value(column, member)
        assert written == member.label
        assert read_cell(column, written) is member


def test_a_removal_reason_reads_its_usual_spellings() -> None:
    assert REMOVAL_REASONS.find("Meninggal") is RemovalReason.DIED
    assert REMOVAL_REASONS.find("MENINGGAL DUNIA") is RemovalReason.DIED
    assert REMOVAL_REASONS.find("sudah mampu") is RemovalReason.NOT_ELIGIBLE
    assert REMOVAL_REASONS.find("Pindah keluar kota") is RemovalReason.MOVED
    assert REMOVAL_REASONS.find("kota") is None
    assert REMOVAL_REASONS.find("pindah rumah") is None


def test_a_code_book_whose_spellings_would_meet_refuses_to_be_built() -> None:
    with pytest.raises(ValueError, match="would mean both"):
        CodeBook(Sex, {Sex.MALE: ("P.",)})  # "P." normalises to the code of Perempuan
    with pytest.raises(ValueError, match="both accepted and ambiguous"):
        CodeBook(Sex, {}, {"l": (Sex.MALE, Sex.FEMALE)})
    with pytest.raises(ValueError, match="both accepted and ambiguous"):
        CodeBook(Sex, {}, {"Orang": (Sex.MALE,)})  # one meaning is no ambiguity


def test_no_two_values_of_a_column_share_a_normalised_spelling() -> None:
    for _, book in coded_columns():
        seen: dict[str, object] = {}
        for member, spellings in book.spellings.items():
            for spelling in spellings:
                assert seen.setdefault(normalise(spelling), member) is member, spelling


def test_the_readme_lists_the_accepted_spellings_as_the_code_accepts_them() -> None:
    assert spelling_table() in README.read_text(encoding="utf-8"), (
        "README.md: paste reports.bnba.spelling_table() into 'Importing a BNBA sheet'"
    )
