"""The console's half of signed scans: read the multipart body's file, name the deployment's file store.

Checking and storing the bytes is the core's (chain/uploads.py); here only what HTTP and the settings know.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from starlette.exceptions import HTTPException
from starlette.responses import StreamingResponse

from chain.uploads import FileStore
from console.settings import Settings

_CHUNK = 64 * 1024


def file_store(settings: Settings) -> FileStore:
    """The upload folder and size cap of this deployment, as the core takes them."""
    return FileStore(settings.upload_dir, settings.max_upload_bytes)


async def read_upload(upload: Any, settings: Settings) -> bytes:
    """The bytes of a Starlette `UploadFile`, one past the cap at most (the store refuses it as too big).

    None or a plain string (no file chosen) reads as empty: the store says so ("Berkas kosong").
    """
    if upload is None or isinstance(upload, str) or not hasattr(upload, "read"):
        return b""
    data: bytes = await upload.read(settings.max_upload_bytes + 1)
    return data


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    with handle:
        yield from iter(lambda: handle.read(_CHUNK), b"")


def download(settings: Settings, relative_path: str, filename: str) -> StreamingResponse:
    """A stored scan as an attachment named `filename`; 404 when the file is gone.

    Call it only once the core has answered for the record naming the file (permission and scope).
    """
    try:
        handle, content_type = file_store(settings).open(relative_path)
    except FileNotFoundError as error:
        raise HTTPException(status_code=404) from error
    return StreamingResponse(
        _chunks(handle),
        media_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "X-Content-Type-Options": "nosniff"},
    )
