"""The printable sheet's row heights count lines as `textwrap.wrap` does: the fast count of reports/xlsx_table.py
(words joined by single spaces) gives textwrap's figure, and everything else is left to textwrap itself."""

from __future__ import annotations

import random
import textwrap

import pytest

from reports.xlsx_table import wrapped_lines


def _textwrap_lines(text: str, length: int) -> int:
    return max(len(textwrap.wrap(text, length)), 1) if len(text) > length else 1


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("Jl. Soekarno Hatta No. 12", 17),
        ("ei ddiYabebcgjagaee dbjiYc XYjg", 3),  # a line filled to the last character by a word and its space
        ("Nurhayati binti Abdullah Syamsuddin", 18),
        ("Dikeluarkan: Meninggal dunia; wafat 2026. Desil 3", 19),
        ("Abdurrahmanwahidsyamsuddin", 6),  # one word longer than a line
        ("Usulan baru. Disetujui: warga kurang mampu, rumah tidak layak huni", 19),
        ("Kp. Baru-Lama RT 003", 6),  # a hyphen: textwrap's own chunking
        ("dua  spasi\tdan tab", 5),
        ("a\u00a0b c", 2),  # a no-break space is no space to textwrap
    ],
)
def test_the_line_count_is_textwraps(text: str, length: int) -> None:
    assert wrapped_lines(text, length) == _textwrap_lines(text, length)


def test_random_texts_count_as_textwrap_counts_them() -> None:
    chance = random.Random(13)
    for _ in range(20_000):
        length = chance.randint(1, 25)
        words = ["".join(chance.choice("abcdéXY.,()") for _ in range(chance.randint(1, 30))) for _ in range(6)]
        text = " ".join(words[: chance.randint(1, 6)])
        if chance.random() < 0.2:
            text = "".join(chance.choice("ab -\t\u00a0") for _ in range(chance.randint(1, 40)))
        assert wrapped_lines.__wrapped__(text, length) == _textwrap_lines(text, length), (text, length)
