"""Signed scans (Berita Acara, SK) stored outside the database, named by their SHA-256.

The API, for every feature that takes a signed document:

- `store_upload(data, settings)` checks the bytes and stores them; returns a `StoredFile` (the path
  relative to `settings.upload_dir` and the SHA-256 hex digest) or raises `UploadRefused` whose message,
  in Bahasa Indonesia, can be shown to the official as is.
- `read_upload(upload, settings)` reads a Starlette `UploadFile` with the size cap, then stores it.
- `open_stored(relative_path, settings)` opens a stored file for download and names its content type.
  It checks nothing about the user: call it only after the record that names the file passed the
  caller's permission and region-scope checks.

The type is decided by the content (magic bytes): PDF, JPEG or PNG. The client's file name and content
type are never trusted nor used: a renamed executable is refused, and the stored name is derived from
the hash (`ab/abcdef....pdf`), so no client string reaches the file system.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from console.settings import Settings

# magic bytes -> (extension, content type)
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
)
CONTENT_TYPES = {extension: content_type for _magic, extension, content_type in _SIGNATURES}
_CHUNK = 64 * 1024


class UploadRefused(ValueError):
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


def _limit_text(limit: int) -> str:
    return f"{limit / (1024 * 1024):.1f} MiB".replace(".0 MiB", " MiB")


def detect_extension(data: bytes) -> str:
    """'pdf', 'jpg' or 'png' from the first bytes, or raise UploadRefused."""
    for magic, extension, _content_type in _SIGNATURES:
        if data.startswith(magic):
            return extension
    raise UploadRefused("Berkas ditolak: hanya PDF, JPEG atau PNG yang diterima (isi berkas diperiksa, bukan namanya).")


def store_upload(data: bytes, settings: Settings) -> StoredFile:
    """Check `data` (not empty, within `max_upload_bytes`, PDF/JPEG/PNG by content) and store it by its hash."""
    if not data:
        raise UploadRefused("Berkas kosong; pilih berkas hasil pindaian yang sudah ditandatangani.")
    if len(data) > settings.max_upload_bytes:
        raise UploadRefused(f"Berkas terlalu besar; batas ukuran {_limit_text(settings.max_upload_bytes)}.")
    extension = detect_extension(data)
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{digest[:2]}/{digest}.{extension}"
    target = Path(settings.upload_dir) / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{digest}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(target)  # atomic: a reader never sees half a file
    return StoredFile(relative, digest)


async def read_upload(upload: Any, settings: Settings) -> StoredFile:
    """Read a Starlette `UploadFile` (or None / a plain string when no file was chosen) and store it."""
    if upload is None or isinstance(upload, str) or not hasattr(upload, "read"):
        raise UploadRefused("Berkas kosong; pilih berkas hasil pindaian yang sudah ditandatangani.")
    data = await upload.read(settings.max_upload_bytes + 1)
    return store_upload(data, settings)


def open_stored(relative_path: str, settings: Settings) -> tuple[IO[bytes], str]:
    """Open a stored file for reading, with its content type; FileNotFoundError when it is not there.

    Only paths this module produced are accepted (no '..', no absolute paths). The caller has already
    checked that the user may see the record naming the file.
    """
    root = Path(settings.upload_dir).resolve()
    target = (root / relative_path).resolve()
    if root not in target.parents or not target.is_file():
        raise FileNotFoundError(relative_path)
    return target.open("rb"), content_type_of(relative_path)
