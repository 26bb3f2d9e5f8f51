"""The upload folder as one tar archive, each file with its SHA-256, for backup and restore (database/backup.py).

The folder holds the signed BA and SK scans and the offices' logos (chain/uploads.py: named by their hash,
never rewritten) and BNBA sheets waiting for confirmation (`imports/`). A file the store is still writing
(`.<hash>.<pid>.tmp`, renamed into place when whole) is left out. Each file is read once, hashed and
archived from the same bytes, so the manifest's digest is that of the archived content. Extraction takes
regular files and folders only, inside the target (tarfile's "data" filter): an archive cannot write
outside the upload folder nor make links or devices.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["extract_archive", "file_digest", "folder_digests", "write_archive"]

_CHUNK = 1024 * 1024


def _files(folder: Path) -> Iterator[tuple[str, Path]]:
    """(path relative to the folder, with '/', path) of every regular file, in sorted order; writes in progress
    left out."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and not (path.name.startswith(".") and path.suffix == ".tmp"):
            yield path.relative_to(folder).as_posix(), path


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, read in chunks (a database dump may be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def folder_digests(folder: Path) -> dict[str, str]:
    """Every file of the folder (relative path -> SHA-256), as the manifest lists them."""
    return {relative: file_digest(path) for relative, path in _files(folder)}


def write_archive(folder: Path, archive: Path) -> dict[str, str]:
    """Write the folder's files into a new tar archive; the files archived (relative path -> SHA-256)."""
    digests: dict[str, str] = {}
    with tarfile.open(archive, "x", format=tarfile.PAX_FORMAT) as tar:
        for relative, path in _files(folder):
            data = path.read_bytes()  # a scan is at most MAX_UPLOAD_BYTES, a BNBA sheet MAX_IMPORT_BYTES
            info = tarfile.TarInfo(relative)
            info.size, info.mtime, info.mode = len(data), int(path.stat().st_mtime), 0o644
            tar.addfile(info, io.BytesIO(data))
            digests[relative] = hashlib.sha256(data).hexdigest()
    return digests


def extract_archive(archive: Path, folder: Path) -> None:
    """Unpack the archive into the folder (made when missing): regular files and folders only, inside it."""
    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r") as tar:
        tar.extractall(folder, filter="data")
