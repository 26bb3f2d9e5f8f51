"""The NIK / No. KK validator (models.identity): tables of known cases, then properties on all kecamatan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lokal import wilayah

from models.identity import InvalidIdentityNumber, check_nik, check_no_kk, make_nik, make_no_kk, parse_nik

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


def test_nik_of_an_unknown_kecamatan_is_accepted_with_a_warning() -> None:
    result = check_nik("9999011708750001")

    assert result.ok
    assert len(result.warnings) == 1
    assert "99.99.01" in result.warnings[0]
    assert "tidak ada dalam daftar wilayah" in result.warnings[0]


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


def test_no_kk_of_an_unknown_kecamatan_is_accepted_with_a_warning() -> None:
    result = check_no_kk("9999011403190001")

    assert result.ok
    assert "tidak ada dalam daftar wilayah" in " ".join(result.warnings)


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


NIK_CORRUPTIONS = {
    "another-length": _other_length,
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
