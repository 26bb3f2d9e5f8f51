"""Free text as the register keeps it: no control characters, no hidden direction marks, never cut to fit.

One rule per text column, derived from the column itself (docs/SECURITY.md, "Input"):

- Control characters are refused in every field: C0 (U+0000-U+001F) except TAB, LF and CR, DEL (U+007F) and
  C1 (U+0080-U+009F). TAB, LF and CR are kept in multi-line text (Text columns: notes, reasons, descriptions,
  where a browser's textarea sends CR LF) and refused in one-line fields (String columns).
- Bidirectional embedding, override and isolate characters (U+202A-U+202E, U+2066-U+2069) are refused in
  every field: they make text display in another order than it is stored ("Trojan Source").
- Names a person, place or address is known by (PERSON_TEXT_COLUMNS) refuse every invisible format
  character (Unicode category Cf), also U+200E/U+200F, U+061C, zero-width characters, the soft hyphen and
  U+FEFF. Indonesian names and addresses are written in Latin script (Dukcapil's KTP and KK), where none
  of these has a use, and an invisible one makes two names that look the same differ (NIK matching compares
  names; searches and duplicate checks would miss them). Free text elsewhere keeps them (emoji sequences
  need U+200D, a quoted Arabic phrase U+200F).
- Length: a String(n) column holds at most n characters, a Text column at most TEXT_MAX_LENGTH. Too long is
  an error naming both numbers; nothing is ever cut to fit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Enum, String, Text

# A Text column's bound: about three typed pages, far beyond any note or complaint seen in the seeds.
TEXT_MAX_LENGTH = 5000
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile("[\t\n\r]")
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# "table.column" of the text a person, place or address is named by.
PERSON_TEXT_COLUMNS = frozenset(
    {
        "member.name",
        "member.mother_name",
        "member.birth_place",
        "household.address",
        "meeting_participant.name",
        "meeting.place",
        "decree.signer_name",
        "decree.signer_title",
        "certificate.applicant_name",
        "complaint.complainant_name",
        "visit.enumerator_name",
        "user_account.full_name",
    }
)


class TextRefused(ValueError):
    """Text the register does not store as it is; the message (Bahasa Indonesia) says why."""


def code_points(characters: str) -> str:
    """ "U+0000, U+202E": the characters named as an official can look them up, each once."""
    return ", ".join(f"U+{ord(character):04X}" for character in dict.fromkeys(characters))


def length_problem(text: str, max_length: int) -> str | None:
    if len(text) > max_length:
        return f"Paling banyak {max_length} karakter; terisi {len(text)}."
    return None


def control_problem(text: str, *, multiline: bool) -> str | None:
    found = CONTROL_CHARACTERS.findall(text)
    if found:
        return f"Berisi karakter kontrol ({code_points(''.join(found))}) yang tidak diizinkan."
    if not multiline and LINE_BREAKS.search(text):
        return "Harus satu baris: tanpa baris baru atau tab."
    return None


def invisible_problem(text: str, *, person_text: bool) -> str | None:
    """Bidi controls anywhere; in person text every invisible format character (category Cf)."""
    found = BIDI_CONTROLS.findall(text)
    if found:
        return (
            f"Berisi karakter pengatur arah teks yang tidak terlihat ({code_points(''.join(found))}); "
            "hapus lalu ketik ulang."
        )
    if person_text:
        hidden = [character for character in text if unicodedata.category(character) == "Cf"]
        if hidden:
            return (
                f"Berisi karakter tidak terlihat ({code_points(''.join(hidden))}) yang tidak boleh ada dalam nama atau "
                "alamat; hapus lalu ketik ulang."
            )
    return None


@dataclass(frozen=True)
class TextRule:
    """What one text field accepts."""

    max_length: int
    multiline: bool = False
    person_text: bool = False

    def problems(self, text: str) -> list[str]:
        """Every reason `text` is refused (empty: accepted), in Bahasa Indonesia."""
        found = (
            length_problem(text, self.max_length),
            control_problem(text, multiline=self.multiline),
            invisible_problem(text, person_text=self.person_text),
        )
        return [problem for problem in found if problem is not None]


def column_key(column: Column[Any]) -> str:
    return f"{column.table.name}.{column.name}"


def rule_for(column: Column[Any]) -> TextRule | None:
    """The rule of a String(n) or Text column; None for other columns (enums, numbers, dates, JSON)."""
    column_type = column.type
    if isinstance(column_type, Enum) or not isinstance(column_type, String):
        return None
    person_text = column_key(column) in PERSON_TEXT_COLUMNS
    if isinstance(column_type, Text) or not column_type.length:
        return TextRule(TEXT_MAX_LENGTH, multiline=True, person_text=person_text)
    return TextRule(column_type.length, person_text=person_text)


def text_problems(column: Column[Any], text: str) -> list[str]:
    rule = rule_for(column)
    return rule.problems(text) if rule is not None else []


def checked_text(column: Column[Any], text: str, label: str, refused: type[ValueError] = TextRefused) -> str:
    """`text` when its column accepts it; else `refused` (the caller's own refusal, if it has one) naming the
    field by `label`."""
    problems = text_problems(column, text)
    if problems:
        raise refused(f"{label}: {' '.join(problems)}")
    return text
