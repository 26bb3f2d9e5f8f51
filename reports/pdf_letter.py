"""The layout every printed document shares: kop, title and number, paragraphs, tables, signature blocks, QR,
"Halaman N dari M", on A4 or F4 (folio, 215 x 330 mm), through fpdf2 (offline, pure Python).

It knows paper and type, not the register: reports/documents.py says what each document prints. Text is set in
Liberation Serif (reports/fonts, SIL OFL), a Times-metric face that holds the whole Latin range, so a name prints
exactly as it was typed. Body text is 12 pt, tables 9 pt at the smallest: readable on paper.

The QR is drawn as vector squares from segno's matrix (no raster image, sharp at any printer resolution).
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace

from models.office import Letterhead, Signer

FONTS = Path(__file__).parent / "fonts"
FACE = "Serif"
PAPER_SIZES = {"A4": (210.0, 297.0), "F4": (215.0, 330.0)}
MARGIN = 20.0  # mm, every side
BODY_PT = 12
SMALL_PT = 10
TABLE_PT = 9  # the smallest text on any page
LINE = 6.0  # mm per body line
_HEADINGS = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))


class LetterPdf(FPDF):
    """One document: pages numbered "Halaman N dari M" at the foot."""

    def __init__(self, paper: str = "A4", *, orientation: str = "P") -> None:
        super().__init__(orientation=orientation, unit="mm", format=PAPER_SIZES.get(paper, PAPER_SIZES["A4"]))
        self.add_font(FACE, "", str(FONTS / "LiberationSerif-Regular.ttf"))
        self.add_font(FACE, "B", str(FONTS / "LiberationSerif-Bold.ttf"))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        self.alias_nb_pages()
        self.set_creator("Konsol DTKS")
        self.add_page()
        self.set_font(FACE, "", BODY_PT)

    def footer(self) -> None:
        self.set_y(-MARGIN + 6)
        self.set_font(FACE, "", TABLE_PT)
        self.cell(0, 5, f"Halaman {self.page_no()} dari {{nb}}", align=Align.C)

    @property
    def width(self) -> float:
        """The writable width between the margins."""
        return float(self.w - self.l_margin - self.r_margin)

    def kop(self, head: Letterhead, logo: bytes | None = None) -> None:
        """The letterhead: the logo at the left, the government, the office, address and contacts centred, and the
        double rule under them."""
        top = self.get_y()
        if logo:
            self.image(BytesIO(logo), x=self.l_margin, y=top, h=24)
        self.set_font(FACE, "B", 14)
        self.cell(0, 7, head.government.upper(), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FACE, "B", 16)
        self.cell(0, 8, head.office.upper(), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FACE, "", SMALL_PT)
        for line in (head.address, head.contacts):
            if line:
                self.multi_cell(0, 5, line, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        bottom = max(self.get_y() + 2, top + 26 if logo else 0)
        self.set_line_width(0.8)
        self.line(self.l_margin, bottom, self.w - self.r_margin, bottom)
        self.set_line_width(0.2)
        self.line(self.l_margin, bottom + 1.2, self.w - self.r_margin, bottom + 1.2)
        self.set_y(bottom + 5)
        self.set_font(FACE, "", BODY_PT)

    def document_title(self, text: str, number: str = "") -> None:
        self.set_font(FACE, "B", BODY_PT + 1)
        self.multi_cell(0, 7, text.upper(), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FACE, "", BODY_PT)
        if number:
            self.cell(0, LINE, f"Nomor: {number}", align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(4)

    def heading(self, text: str) -> None:
        self.ln(2)
        self.set_font(FACE, "B", BODY_PT)
        self.multi_cell(0, LINE, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FACE, "", BODY_PT)

    def paragraph(self, text: str, *, bold: bool = False) -> None:
        self.set_font(FACE, "B" if bold else "", BODY_PT)
        self.multi_cell(0, LINE, text, align=Align.J, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FACE, "", BODY_PT)
        self.ln(2)

    def numbered(self, items: Sequence[str]) -> None:
        """A numbered list, each item wrapped under its own text."""
        for number, item in enumerate(items, start=1):
            self.set_x(self.l_margin)
            self.cell(8, LINE, f"{number}.")
            self.multi_cell(self.width - 8, LINE, item, align=Align.J, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def fields(self, rows: Sequence[tuple[str, str]], *, label_width: float = 45) -> None:
        """Label : value lines, the value wrapping under itself."""
        for label, value in rows:
            self.set_x(self.l_margin + 5)
            self.cell(label_width, LINE, label)
            self.cell(4, LINE, ":")
            self.multi_cell(self.width - label_width - 9, LINE, value or "-", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def grid(self, headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        """A ruled table at TABLE_PT, its header repeated on every page; cells wrap, nothing is cut."""
        self.set_font(FACE, "", TABLE_PT)
        with self.table(
            col_widths=tuple(widths),
            width=self.width,
            line_height=4.5,
            repeat_headings=1,
            text_align="LEFT",
            headings_style=_HEADINGS,
        ) as table:
            header = table.row()
            for text in headers:
                header.cell(text)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(value)
        self.set_font(FACE, "", BODY_PT)
        self.ln(3)

    def signatures(self, blocks: Sequence[Signer], *, right_alone: bool = True) -> None:
        """Signature blocks side by side (one alone sits at the right); room is kept for the wet signature and
        stamp, and a block never splits across pages."""
        if not blocks:
            return
        height = LINE * 4 + 22
        if self.get_y() + height > self.h - self.b_margin:
            self.add_page()
        columns = len(blocks) if len(blocks) > 1 or not right_alone else 2
        column = self.width / columns
        top = self.get_y() + 4
        first = columns - len(blocks)
        for index, block in enumerate(blocks, start=first):
            left = self.l_margin + column * index
            self.set_xy(left, top)
            for line in (block.above, block.title):
                if line:
                    self.multi_cell(column, LINE, line, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_xy(left, self.get_y() + 20)
            self.set_font(FACE, "B", BODY_PT)
            self.multi_cell(column, LINE, block.name or "(....................)", align=Align.C,
                            new_x=XPos.LEFT, new_y=YPos.NEXT)  # fmt: skip
            self.set_font(FACE, "", BODY_PT)
            for line in (block.rank, f"NIP. {block.nip}" if block.nip else ""):
                if line:
                    self.multi_cell(column, LINE, line, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_xy(self.l_margin, top + height)

    def qr(self, payload: str, caption: Sequence[str], *, size: float = 28) -> None:
        """The QR of `payload` at the left with its caption beside it."""
        if self.get_y() + size + 10 > self.h - self.b_margin:
            self.add_page()
        top = self.get_y() + 8
        draw_qr(self, payload, self.l_margin, top, size)
        self.set_font(FACE, "", SMALL_PT)
        self.set_xy(self.l_margin + size + 4, top + 2)
        for line in caption:
            self.multi_cell(self.width - size - 4, 5, line, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_font(FACE, "", BODY_PT)
        self.set_xy(self.l_margin, top + size + 4)

    def pdf_bytes(self) -> bytes:
        return bytes(self.output())


def draw_qr(pdf: FPDF, payload: str, x: float, y: float, size: float) -> None:
    """`payload` as a QR (error correction M, quiet zone of 4 modules) in a `size` mm square, as black runs."""
    code = segno.make(payload, error="m", micro=False)
    rows = [list(row) for row in code.matrix_iter(border=4)]
    module = size / len(rows)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        start = None
        for c, dark in enumerate([*row, 0]):
            if dark and start is None:
                start = c
            elif not dark and start is not None:
                pdf.rect(x + start * module, y + r * module, (c - start) * module, module, style="F")
                start = None
