"""Signed scans (Berita Acara, SK) stored outside the database, named by their SHA-256.

The core stores the bytes the console read from a multipart body (or the CLI from a file); it knows the
upload folder and the size limit as plain values (`FileStore`), never the console's settings.

- `FileStore.store(data)` checks the bytes and stores them; returns a `StoredFile` (the path relative to
  the folder and the SHA-256 hex digest) or raises `UploadRefused` (an Invalid: 400 on the page it came
  from) whose message, in Bahasa Indonesia, can be shown to the official as is.
- `FileStore.open(relative_path)` opens a stored file for download and names its content type. It checks
  nothing about the user: call it only after the record that names the file passed the actor's permission
  and region-scope checks.

The type is decided by the content (magic bytes): PDF, JPEG or PNG. The client's file name and content
type are never trusted nor used: a renamed executable is refused, and the stored name is derived from
the hash (`ab/abcdef....pdf`), so no client string reaches the file system.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from models.refusals import Invalid, NotFound

# magic bytes -> (extension, content type)
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
)
CONTENT_TYPES = {extension: content_type for _magic, extension, content_type in _SIGNATURES}
EMPTY_FILE = "Berkas kosong; pilih berkas hasil pindaian yang sudah ditandatangani."


class UploadRefused(Invalid):
    """An upload that is not accepted; the message says why, in Bahasa Indonesia."""


@dataclass(frozen=True)
class StoredFile:
    """A stored upload: `path` relative to the upload folder, `sha256` of its content."""

    path: str
    sha256: str

    @property
    def content_type(self) -> str:
        return content_type_of(self.path)


def content_type_of(relative_path: str) -> str:
    """The content type of a stored file (from the extension this module gave it)."""
    return CONTENT_TYPES.get(relative_path.rsplit(".", 1)[-1], "application/octet-stream")


def download_name(relative_path: str, stem: str) -> str:
    """The name a stored file is downloaded under: `stem` and the extension this module gave it."""
    return f"{stem}.{relative_path.rsplit('.', 1)[-1]}"


def stored_download(relative_path: str | None, stem: str) -> tuple[str, str]:
    """A record's stored scan as (path, download name); NotFound when the record has none."""
    if not relative_path:
        raise NotFound()
    return relative_path, download_name(relative_path, stem)


def _limit_text(limit: int) -> str:
    return f"{limit / (1024 * 1024):.1f} MiB".replace(".0 MiB", " MiB")


def detect_extension(data: bytes) -> str:
    """'pdf', 'jpg' or 'png' from the first bytes, or raise UploadRefused."""
    for magic, extension, _content_type in _SIGNATURES:
        if data.startswith(magic):
            return extension
    raise UploadRefused("Berkas ditolak: hanya PDF, JPEG atau PNG yang diterima (isi berkas diperiksa, bukan namanya).")


@dataclass(frozen=True)
class FileStore:
    """The upload folder and the size cap of one deployment (the console builds it from its settings)."""

    folder: Path
    max_bytes: int

    def store(self, data: bytes) -> StoredFile:
        """Check `data` (not empty, within `max_bytes`, PDF/JPEG/PNG by content) and store it by its hash."""
        if not data:
            raise UploadRefused(EMPTY_FILE)
        if len(data) > self.max_bytes:
            raise UploadRefused(f"Berkas terlalu besar; batas ukuran {_limit_text(self.max_bytes)}.")
        extension = detect_extension(data)
        digest = hashlib.sha256(data).hexdigest()
        relative = f"{digest[:2]}/{digest}.{extension}"
        target = Path(self.folder) / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{digest}.{os.getpid()}.tmp")
            temporary.write_bytes(data)
            temporary.replace(target)  # atomic: a reader never sees half a file
        return StoredFile(relative, digest)

    def open(self, relative_path: str) -> tuple[IO[bytes], str]:
        """Open a stored file for reading, with its content type; FileNotFoundError when it is not there.

        Only paths this module produced are accepted (no '..', no absolute paths). The caller has already
        checked that the actor may see the record naming the file.
        """
        root = Path(self.folder).resolve()
        target = (root / relative_path).resolve()
        if root not in target.parents or not target.is_file():
            raise FileNotFoundError(relative_path)
        return target.open("rb"), content_type_of(relative_path)
