"""Our NIK validator against two independent checkers, python-stdnum's `stdnum.id.nik` and lokal-id's `lokal.nik`.

A seeded generator makes a corpus over every province code 00-99, regency and kecamatan `00`, real and
unknown codes, every day 00-99, months 00-13, serials 0000/0001/9999 and others, 15/16/17 digits and
non-digits (letters, separators, fullwidth and Arabic-Indic digits, whitespace, NUL). Each number goes
through all three. Every disagreement must fall into one of the classes documented in models/identity.py
(DISAGREEMENTS below, same names); any other fails the test. The counts per class are printed and recorded.

What the peers check (read from their sources in the venv):
- stdnum.id.nik.validate: `compact` maps Unicode look-alikes (fullwidth digits, dashes, spaces) to ASCII and
  drops ' ', '-', '.'; then 16 ASCII digits; the date with day % 40 (1900+YY, then 2000+YY); and the first
  two digits in its bundled `id/loc` table (34 provinces, BPS-style Papua codes). No serial, regency or
  kecamatan rule.
- lokal.nik.parse_nik: drops whitespace, '.', '-'; 16 ASCII digits; province in its 38 (no 54); regency and
  kecamatan not 00; day > 40 minus 40, then a real date in the century nearest today; serial not 0000.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from lokal import nik as lokal_nik
from lokal import wilayah
from stdnum.id import nik as stdnum_nik

from models.identity import check_nik

SEED = 20250109
STDNUM, LOKAL = "stdnum", "lokal"
SEPARATED_FORMS = ("{0}.{1}.{2}.{3}.{4}", "{0}{1}{2} {3} {4}", "{0}-{1}-{2}-{3}{4}", " {0}{1}{2}{3}{4} ")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
EDGE_WHITESPACE = (" ", "\t", "\n", "\u00a0", "\u3000")


@dataclass(frozen=True)
class Peer:
    name: str
    is_valid: Callable[[str], bool]
    normalise: Callable[[str], str | None]  # what the peer actually checks, or None when it is no NIK shape


def _lokal_digits(number: str) -> str | None:
    return lokal_nik.parse_nik(number).nik


PEERS = (
    Peer(STDNUM, stdnum_nik.is_valid, stdnum_nik.compact),
    Peer(LOKAL, lokal_nik.is_valid_nik, _lokal_digits),
)


@dataclass(frozen=True)
class Disagreement:
    """A documented class: which peers, what they say (valid or not), and which numbers it covers."""

    peers: frozenset[str]
    peer_says_valid: bool
    covers: Callable[[str], bool]


# Same names, same reasons as the table in models/identity.py's docstring.
DISAGREEMENTS: dict[str, Disagreement] = {
    # "rewritten-input" is decided by the peer's own normalisation, in `classify`.
    "woman-day-81-99": Disagreement(frozenset({STDNUM}), True, lambda digits: 81 <= int(digits[6:8]) <= 99),
    "serial-0000": Disagreement(frozenset({STDNUM}), True, lambda digits: digits[12:16] == "0000"),
    "regency-or-kecamatan-00": Disagreement(
        frozenset({STDNUM}), True, lambda digits: "00" in (digits[2:4], digits[4:6])
    ),
    "province-missing-in-stdnum": Disagreement(
        frozenset({STDNUM}), False, lambda digits: digits[0:2] in {"65", "92", "93", "95", "96"}
    ),
    "historic-province-54": Disagreement(frozenset({STDNUM, LOKAL}), False, lambda digits: digits[0:2] == "54"),
}
REWRITTEN_INPUT = "rewritten-input"


def ours(number: str) -> bool:
    return check_nik(number).ok


def classify(peer: Peer, number: str) -> str | None:
    """The documented class of a disagreement between us and `peer` on `number`, or None when there is none."""
    peer_valid = peer.is_valid(number)
    checked = peer.normalise(number)
    if checked is not None and checked != number.strip():
        if peer_valid and not ours(number) and ours(checked):
            return REWRITTEN_INPUT  # we would agree on what the peer checked; we refuse what was typed
        number = checked  # the peer's verdict is about its rewritten form: classify that one
    digits = number.strip()
    if not (len(digits) == 16 and digits.isascii() and digits.isdigit()):
        return None
    for name, disagreement in DISAGREEMENTS.items():
        if (
            peer.name in disagreement.peers
            and disagreement.peer_says_valid == peer_valid
            and disagreement.covers(digits)
        ):
            return name
    return None


# --- the corpus ------------------------------------------------------------------------------------


def _region_prefixes(province: str, rng: random.Random) -> list[str]:
    """Real codes where the province has them, unknown ones, and regency / kecamatan 00."""
    regencies = wilayah.list_wilayah(province) if len(province) == 2 else []
    if regencies:
        regency = rng.choice(regencies).code
        kecamatan = rng.choice(wilayah.list_wilayah(regency)).code.replace(".", "")
    else:
        kecamatan = f"{province}{rng.randint(1, 99):02d}{rng.randint(1, 99):02d}"
    return [kecamatan, kecamatan[:4] + "00", kecamatan[:2] + "00" + kecamatan[4:6], kecamatan[:4] + "99"]


def _serial(rng: random.Random) -> str:
    return rng.choice(["0000", "0001", "9999", f"{rng.randint(2, 9998):04d}"])


def structured_numbers(rng: random.Random) -> Iterator[str]:
    """Every province 00-99 x four region prefixes x every day 00-99, with months 00-13 and chosen serials."""
    for province in (f"{code:02d}" for code in range(100)):
        for prefix in _region_prefixes(province, rng):
            for day in range(100):
                month = rng.randint(0, 13)
                yield f"{prefix}{day:02d}{month:02d}{rng.randint(0, 99):02d}{_serial(rng)}"


def shape_variants(number: str, rng: random.Random) -> Iterator[str]:
    """The same number mistyped: shorter, longer, a letter, separators, other digits, whitespace, NUL."""
    yield number[:15]
    yield number + str(rng.randint(0, 9))
    position = rng.randint(0, 15)
    yield number[:position] + rng.choice("AOlI ,/") + number[position + 1 :]
    parts = (number[0:2], number[2:4], number[4:6], number[6:12], number[12:16])
    yield rng.choice(SEPARATED_FORMS).format(*parts)
    yield number.translate(FULLWIDTH)
    yield number.translate(ARABIC_INDIC)
    yield rng.choice(EDGE_WHITESPACE) + number + rng.choice(EDGE_WHITESPACE)
    yield number[:position] + "\x00" + number[position:]


def corpus() -> list[str]:
    rng = random.Random(SEED)
    structured = list(structured_numbers(rng))
    variants = [variant for number in rng.sample(structured, 1500) for variant in shape_variants(number, rng)]
    return [*structured, *variants, "", " ", "0" * 16, "9" * 16]


# --- the test ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def numbers() -> list[str]:
    return corpus()


def test_the_corpus_covers_every_province_day_month_serial_and_length(numbers: list[str]) -> None:
    plain = [number for number in numbers if len(number) == 16 and number.isascii() and number.isdigit()]

    assert {number[0:2] for number in plain} == {f"{code:02d}" for code in range(100)}
    assert {number[6:8] for number in plain} == {f"{day:02d}" for day in range(100)}
    assert {number[8:10] for number in plain} >= {f"{month:02d}" for month in range(14)}
    assert {"0000", "0001", "9999"} <= {number[12:16] for number in plain}
    assert {number[2:4] for number in plain} >= {"00"} and {number[4:6] for number in plain} >= {"00"}
    assert {len(number) for number in numbers} >= {15, 16, 17}
    assert len(numbers) > 50_000


def test_every_disagreement_with_stdnum_and_lokal_id_is_one_we_chose_and_documented(
    numbers: list[str], record_property: Callable[[str, object], None]
) -> None:
    counts: Counter[tuple[str, str]] = Counter()
    undocumented: list[tuple[str, str, bool, bool]] = []
    for number in numbers:
        our_verdict = ours(number)
        for peer in PEERS:
            peer_verdict = peer.is_valid(number)
            if peer_verdict == our_verdict:
                counts[(peer.name, "agree")] += 1
                continue
            name = classify(peer, number)
            if name is None:
                undocumented.append((peer.name, number, our_verdict, peer_verdict))
            else:
                counts[(peer.name, name)] += 1

    print(f"\n{len(numbers)} numbers; per peer and class:")
    for (peer_name, name), count in sorted(counts.items()):
        print(f"  {peer_name:7} {name:28} {count:6}")
        record_property(f"{peer_name}:{name}", count)
    assert undocumented[:20] == [], f"{len(undocumented)} undocumented disagreements (peer, number, ours, peer's)"
    seen = {name for _peer, name in counts}
    assert seen >= {*DISAGREEMENTS, REWRITTEN_INPUT}, "a documented class never occurs: the table is out of date"
    for peer in PEERS:
        assert counts[(peer.name, "agree")] > len(numbers) // 2
