"""Code books of the BNBA coded columns: every spelling offices write, mapped to exactly one value, or refused.

The console writes a coded column (HUBUNGAN KELUARGA, JENIS KELAMIN, STATUS KAWIN, JENIS USULAN) as its
official label, and reads back what offices write: the code, the label, each part of a compound label
("Istri/Suami" -> "Istri", "Suami"; "Tetap (tidak ada perbaikan)" -> "Tetap", "tidak ada perbaikan") and the
spellings listed beside the column specification (reports/bnba.py), in any case, spacing and punctuation. Text
is compared normalised: case folded, everything but letters and digits dropped ("Laki - laki" == "LAKI-LAKI"
== "lakilaki"). A book whose spellings would meet on one normalised text is not built (ValueError at import:
a listing mistake never becomes a guess). A spelling offices use for two values ("Janda": cerai hidup or cerai
mati) is listed as ambiguous and refused with its meanings; a number alone is refused, because the KK, BPS and
SIKS-NG forms number their codes differently (kode 3 is Istri on one form and Anak on another).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from models.audit_trail import mask_text
from models.base import LabelledEnum

_NOT_LETTER_OR_DIGIT = re.compile(r"[^0-9a-z]+")
_ALTERNATIVES = re.compile(r"(\w+)/(\w+)")  # "Istri/Suami": two single words, each a value on its own
_EXPLAINED = re.compile(r"(.+?)\s*\((.+)\)")  # "Tetap (tidak ada perbaikan)": a word and its explanation
ABBREVIATION_LENGTH = 3  # spellings this short are named beside the label in messages ("Laki-laki (L, LK)")
REMEMBERED = 4096  # raw cell texts remembered per book: a sheet repeats a handful of spellings thousands of times
SHOWN_LENGTH = 40  # how much of a refused cell a message quotes


def normalise(text: Any) -> str:
    """Compared ignoring case, spaces and punctuation: "No. KK" == "NO KK" == "nokk"."""
    return _NOT_LETTER_OR_DIGIT.sub("", str(text or "").casefold())


def label_parts(label: str) -> tuple[str, ...]:
    """The parts of a compound label that each name the value alone ("Istri/Suami" -> "Istri", "Suami").

    Only two single words around "/" are alternatives: "Pindah keluar kabupaten/kota" is one reason, not a
    reason and "kota", so such labels list their shorter spellings explicitly instead.
    """
    explained = _EXPLAINED.fullmatch(label)
    if explained is not None:
        return tuple(part.strip() for part in explained.groups())
    alternatives = _ALTERNATIVES.fullmatch(label)
    return alternatives.groups() if alternatives is not None else ()


def _quoted(text: str) -> str:
    # A NIK typed into the wrong column is quoted masked: messages reach the CLI's output and the error report.
    text = mask_text(text)
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


class CodeBook:
    """The accepted spellings of one coded column, by normalised text, and the spellings refused as ambiguous."""

    def __init__(
        self,
        codes: type[LabelledEnum],
        spellings: Mapping[Any, Iterable[str]],
        ambiguous: Mapping[str, Iterable[Any]] | None = None,
    ) -> None:
        self.codes = codes
        self._member_of: dict[str, LabelledEnum] = {}
        self.spellings: dict[LabelledEnum, list[str]] = {member: [] for member in codes}  # as written, for docs
        for member in codes:
            for spelling in (member.label, member.value, *label_parts(member.label), *spellings.get(member, ())):
                self._add(member, spelling)
        self.ambiguous: dict[str, tuple[LabelledEnum, ...]] = {}
        self._meanings: dict[str, tuple[LabelledEnum, ...]] = {}
        for spelling, members in (ambiguous or {}).items():
            key = normalise(spelling)
            if key in self._member_of or len(set(members)) < 2:
                raise ValueError(f"{codes.__name__}: '{spelling}' cannot be both accepted and ambiguous")
            self.ambiguous[spelling] = self._meanings[key] = tuple(members)
        self._seen: dict[str, LabelledEnum] = {}

    def _add(self, member: LabelledEnum, spelling: str) -> None:
        key = normalise(spelling)
        known = self._member_of.get(key)
        if not key or (known is not None and known is not member):
            raise ValueError(f"{self.codes.__name__}: '{spelling}' would mean both {known} and {member}")
        if known is None:
            self._member_of[key] = member
            self.spellings[member].append(spelling)

    def find(self, text: str) -> LabelledEnum | None:
        """The value `text` spells, or None. One dict lookup for a text seen before (no regex per cell)."""
        member = self._seen.get(text)
        if member is None:
            member = self._member_of.get(normalise(text))
            if member is not None and len(self._seen) < REMEMBERED:
                self._seen[text] = member
        return member

    def values_text(self) -> str:
        """The official labels with their short forms: "Laki-laki (L, LK), Perempuan (P, PR)"."""
        described = []
        for member, spellings in self.spellings.items():
            short = [spelling for spelling in spellings if len(normalise(spelling)) <= ABBREVIATION_LENGTH]
            described.append(f"{member.label} ({', '.join(short)})" if short else member.label)
        return ", ".join(described)

    def refusal(self, header: str, text: str) -> str:
        """Why `text` is not read as a value of the column `header`, and what the column accepts."""
        shown = _quoted(text)
        meanings = self._meanings.get(normalise(text))
        if meanings:
            options = " atau ".join(member.label for member in meanings)
            return f"{header} '{shown}' bisa berarti {options}; tulis salah satu dengan jelas."
        if text.strip().isdigit():
            return (
                f"{header} '{shown}': kode angka tidak diterima karena tiap formulir memberi nomor berbeda; "
                f"tulis salah satu: {self.values_text()}."
            )
        return f"{header} '{shown}' tidak dikenal; isi salah satu: {self.values_text()}."

    def markdown_rows(self, header: str) -> list[str]:
        """This column's rows of the accepted-spellings table (README, the import page's list)."""
        rows = [
            f"| {header} | {member.label} | {', '.join(f'`{spelling}`' for spelling in spellings)} |"
            for member, spellings in self.spellings.items()
        ]
        for spelling, members in self.ambiguous.items():
            meanings = " atau ".join(member.label for member in members)
            rows.append(f"| {header} | ditolak: bisa berarti {meanings} | `{spelling}` |")
        return rows
