"""A table that never loses a row: past a sheet's row limit it goes on on further sheets (issue 9).

Excel holds 1,048,576 rows per sheet, header included, and xlsxwriter ignores a cell written below that (it
returns -1 and carries on): that is how a 1.25M-row province roster once lost ~201,000 rows while reporting
all of them. A table here writes at most the workbook's `sheet_rows` rows on a sheet, then continues on a
sheet named after the first ("BNBA (2)", "BNBA (3)", ...) that carries the same kop (title lines), says which
sheet it continues in the row between the kop and the header, and repeats the header with the same set-up
(column widths, frozen header, autofilter, print titles and paper). The data rows keep their order (a NO
column keeps counting), and the count is the number of data rows written, over all sheets.

Rows go strictly top to bottom (constant-memory mode) and which sheet is the last one is only known once the
rows run out, so every sheet keeps free the rows the end of the table needs (a totals row, the blank line and
the closing lines of a signature block); the end is written once, on the last sheet, after the last row.

Every table prints one page wide with its header row on every page and "Halaman n dari m" in the footer. A
printable table (`printable=True`, issue 13) is laid out to be read on paper, not only on screen: 10 pt cells with
borders (empty ones too, so columns stay apart), long text and headers wrapped, each row as tall as its most wrapped
cell (neither Excel nor LibreOffice fits the height of a row it opens; an estimate that errs on the tall side), and
columns chosen to fit one page wide at 8 pt or more (reports/bnba.py BNBA_PRINT_COLUMNS).
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from reports.xlsx_cells import Column, cell_writer, is_dangerous

if TYPE_CHECKING:
    from reports.xlsx import SafeWorkbook

PRINT_FONT_SIZE = 10  # points; fit to one page wide, the printable columns scale to no less than 8 pt
PRINT_FOOTER = "&CHalaman &P dari &N"
LINE_HEIGHT = 12.5  # points per line of wrapped 10 pt text (Calibri's 12.2; DejaVu Sans, its fallback, 11.6)
_PRINT_CELL: dict[str, object] = {"font_size": PRINT_FONT_SIZE, "valign": "top", "text_wrap": True, "border": 1}


def printable_formats(workbook: SafeWorkbook) -> dict[str, Format | None]:
    """The cell formats of a printable table: the workbook's kinds of cell, at 10 pt, bordered and wrapped."""
    add = workbook.book.add_format
    kinds: dict[str, dict[str, object]] = {
        "text": {},
        "quoted": {"quote_prefix": True},
        "digits": {"num_format": "@"},
        "quoted_digits": {"num_format": "@", "quote_prefix": True},
        "date": {"num_format": "dd-mm-yyyy"},
        "datetime": {"num_format": "dd-mm-yyyy hh:mm"},
        "number": {"align": "center"},
    }
    formats: dict[str, Format | None] = {name: add({**_PRINT_CELL, **extra}) for name, extra in kinds.items()}
    header = {"bold": True, "align": "center", "valign": "vcenter", "bg_color": "#E7E6E6"}
    formats["header"] = add({**_PRINT_CELL, **header})
    formats["title"] = add({"bold": True, "font_size": 12, "valign": "bottom"})
    formats["kop"] = add({"bold": True, "font_size": 11, "valign": "bottom"})
    return formats


def line_length(column: Column) -> int:
    """The characters of 10 pt text one line of `column` holds, at the least: a width counts characters of 11 pt
    digits, and a line of 10 pt text holds about a fifth more of them (Calibri; a third more in its fallback)."""
    return max(column.width * 11 // 10, 1)


@functools.lru_cache(maxsize=8192)
def wrapped_lines(text: str, length: int) -> int:
    """The lines `textwrap.wrap(text, length)` makes (at least 1). Cached: a register repeats its village and
    kecamatan names, its streets and its KETERANGAN texts on row after row."""
    if len(text) <= length:
        return 1
    words = text.split(" ")
    if "-" in text or words != text.split():
        # Hyphens, tabs, runs of spaces, other whitespace: textwrap's own chunking decides.
        return max(len(textwrap.wrap(text, length)), 1)
    return _greedy_lines([len(word) for word in words], length)


def _greedy_lines(words: list[int], length: int) -> int:
    """textwrap's line count for words of these lengths joined by single spaces (no hyphens): a line takes the
    next word and its space while they fit; a word longer than a line fills what is left of the current line
    and goes on on the next (textwrap's `break_long_words`); a space at the start or end of a line is dropped."""
    lines, used, index = 0, 0, 0  # `used`: characters on the line being filled, its trailing space included
    remaining = words[0]  # characters of the current word still to place
    while True:
        if used + remaining <= length:  # the (rest of the) word fits on this line
            used += remaining
            index += 1
            if index == len(words):
                return lines + 1
            remaining = words[index]
            if used + 1 <= length:  # its space too (dropped again if it ends the line)
                used += 1
                continue
            lines, used = lines + 1, 0  # the space is at a line's end: dropped, and the next line starts clean
        elif remaining > length:  # a word longer than a line: broken at what is left of this one
            remaining -= length - used  # nothing when the line is full: the word starts the next one
            lines, used = lines + 1, 0
        else:  # the word goes to the next line; the space before it ends this one and is dropped
            lines, used = lines + 1, 0


def row_height(lines: int) -> float:
    """The height (points) of a row showing `lines` lines of wrapped 10 pt text."""
    return lines * LINE_HEIGHT + 2


class TableSheet:
    """Kop lines, a frozen filtered header, typed data rows over as many sheets as they need, closing lines."""

    def __init__(
        self,
        workbook: SafeWorkbook,
        name: str,
        columns: Sequence[Column],
        *,
        title: Sequence[str] = (),
        closing: Sequence[str] = (),
        totals: int = 0,
        landscape: bool = True,
        printable: bool = False,
    ) -> None:
        self.workbook = workbook
        self.printable = printable
        self.formats = printable_formats(workbook) if printable else workbook.formats
        self._line_lengths = [line_length(column) for column in columns]
        self.name = name
        self.columns = tuple(columns)
        self.title = tuple(title)
        self.closing = tuple(closing)
        self.landscape = landscape
        self.header_row = len(self.title) + 1 if self.title else 0  # title lines, then a blank (or note) line
        self._totals_left = totals
        below = totals + (1 + len(self.closing) if self.closing else 0)
        self.capacity = workbook.sheet_rows - (self.header_row + 1) - below  # data rows per sheet
        if self.capacity < 1:
            raise ValueError(f"{workbook.sheet_rows} rows per sheet leave no room for data under this kop")
        self.sheets: list[Worksheet] = []
        self.data_rows = 0
        self._start_sheet()

    @property
    def sheet(self) -> Worksheet:
        """The sheet being written (the last one once the table is finished)."""
        return self.sheets[-1]

    def rows(self, values: Iterable[Sequence[Any]]) -> int:
        """Write every row of `values` (consumed as it comes), continuing on a new sheet when one is full."""
        source = iter(values)
        written = 0
        while True:
            room = self.capacity - self._on_sheet
            count = self._write(source, room)
            written += count
            if count < room:
                return written
            following = next(source, None)  # the sheet is full: a new one only if a row is left
            if following is None:
                return written
            self._continue()
            written += self._write(iter((following,)), 1)

    def totals(self, values: Sequence[Any]) -> int:
        """A totals row under the data of the current sheet (not counted, outside the filter); its row index."""
        if self._totals_left < 1:
            raise ValueError("this table was not set up with room for another totals row")
        self._totals_left -= 1
        row = self.next_row
        for position, value in enumerate(values):
            if value is not None and value != "":
                self._writers[position](row, position, value)
        self.next_row += 1
        return row

    def finish(self) -> None:
        """The closing lines under the last row, and the set-up of the last sheet."""
        if self.closing:
            self.next_row += 1
        for text in self.closing:  # empty lines leave room for the signature and the stamp
            if text:
                self._text(self.next_row, max(len(self.columns) - 4, 0), text, "kop")
            self.next_row += 1
        self._set_up(self.sheet, self._on_sheet)

    # --- sheets ---

    def _start_sheet(self, continues: str | None = None) -> None:
        suffix = f" ({len(self.sheets) + 1})" if self.sheets else ""
        sheet = self.workbook.add_sheet(self.name, suffix)
        self.sheets.append(sheet)
        for position, column in enumerate(self.columns):
            sheet.set_column(position, position, column.width)
        for number, text in enumerate(self.title):
            if text:
                self._text(number, 0, text, "title" if number == 0 else "kop")
        if continues and self.title:
            self._text(self.header_row - 1, 0, f"(lanjutan dari lembar {continues})", "kop")
        formats = self.formats
        if self.printable:
            # Bold capitals: a header line holds a character less than the column is wide.
            lines = [wrapped_lines(column.header, max(column.width - 1, 1)) for column in self.columns]
            sheet.set_row(self.header_row, row_height(max(lines, default=1)))
        for position, column in enumerate(self.columns):
            sheet.write_string(self.header_row, position, column.header, formats["header"])
        self.next_row = self.header_row + 1
        self._on_sheet = 0
        self._writers = [cell_writer(sheet, formats, column.kind) for column in self.columns]

    def _continue(self) -> None:
        full = self.sheet
        self._set_up(full, self._on_sheet)
        self._start_sheet(continues=full.name)

    def _write(self, records: Iterator[Sequence[Any]], room: int) -> int:
        """Up to `room` rows of the iterator `records` on the current sheet; how many were written."""
        if self.printable:
            return self._write_printed(records, room)
        writers = self._writers
        row = start = self.next_row
        for record in islice(records, room):  # islice: no per-row check of the room in Python
            for position, value in enumerate(record):
                if value is not None and value != "":
                    writers[position](row, position, value)
            row += 1
        return self._written(row - start)

    def _write_printed(self, records: Iterator[Sequence[Any]], room: int) -> int:
        """`_write` on a printable sheet: empty cells bordered too, each row as tall as its most wrapped cell."""
        writers, lengths, sheet, blank = self._writers, self._line_lengths, self.sheet, self.formats["text"]
        row = start = self.next_row
        for record in islice(records, room):
            lines = 1
            for position, value in enumerate(record):
                if value is None or value == "":
                    sheet.write_blank(row, position, None, blank)
                    continue
                if type(value) is str and len(value) > lengths[position]:
                    lines = max(lines, wrapped_lines(value, lengths[position]))
                writers[position](row, position, value)
            if lines > 1:
                sheet.set_row(row, row_height(lines))  # read when the row is flushed, once the next one starts
            row += 1
        return self._written(row - start)

    def _written(self, written: int) -> int:
        """Count `written` rows just written on the current sheet; how many."""
        self.next_row += written
        self._on_sheet += written
        self.data_rows += written
        return written

    def _text(self, row: int, column: int, text: str, style: str) -> None:
        """A text cell of the kop or the closing lines: neutralised like data cells."""
        cell_format: Format | None = self.formats["quoted" if is_dangerous(text) else style]
        self.sheet.write_string(row, column, text, cell_format)

    def _set_up(self, sheet: Worksheet, rows: int) -> None:
        """Freeze and filter the header, and set up printing: fit to one page wide, header on every page."""
        sheet.freeze_panes(self.header_row + 1, 0)
        sheet.autofilter(self.header_row, 0, self.header_row + max(rows, 1), len(self.columns) - 1)
        sheet.repeat_rows(self.header_row)
        if self.landscape:
            sheet.set_landscape()
        sheet.set_paper(self.workbook.paper)
        sheet.fit_to_pages(1, 0)
        sheet.set_footer(PRINT_FOOTER, {"margin": 0.25})
        if self.printable:
            sheet.set_margins(left=0.3, right=0.3, top=0.5, bottom=0.6)
            sheet.center_horizontally()
        else:
            sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)


def keep_together(workbook: SafeWorkbook, *tables: TableSheet) -> None:
    """Order the workbook's sheets table by table ("Lampiran", "Lampiran (2)", "BNBA", "BNBA (2)"), once written.

    Tables written side by side (reports/bnba_export.py) add their continuation sheets in turn. xlsxwriter keeps
    its sheets in the order they were added and reads their numbers (for the print titles, the filters and the
    active sheet) only when the workbook is closed, so putting them in order and renumbering them before is enough.
    """
    book = workbook.book
    ordered = [sheet for table in tables for sheet in table.sheets]
    book.worksheets_objs[:] = ordered + [sheet for sheet in book.worksheets_objs if sheet not in ordered]
    for index, sheet in enumerate(book.worksheets_objs):
        sheet.index = index
