"""A printed PDF read back as a reader sees it: its words, and the QR on its first page as a phone decodes it."""

from __future__ import annotations

import io
import re

import pypdf
import pypdfium2
import zxingcpp


def pdf_pages(data: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def pdf_text(data: bytes) -> str:
    """Every page's text, each run of white space as one: justified lines space their words out and long cells
    wrap, neither of which a reader sees as a different word."""
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def qr_payloads(data: bytes) -> list[str]:
    """The QR codes on the first page, rendered to pixels (pypdfium2) and decoded (zxing-cpp)."""
    image = pypdfium2.PdfDocument(data)[0].render(scale=2).to_pil()
    return [found.text for found in zxingcpp.read_barcodes(image)]
