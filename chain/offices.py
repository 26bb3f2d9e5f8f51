"""Office profiles as documents read them, and the logo an administrator uploads for one.

The rules of a profile's fields are models/office.py's; here are the database reads (the letterhead of the office
issuing for a region) and the logo's checks beyond the upload store's: PNG or JPEG only (a PDF is no logo), at most
1 MiB, and an image the PDF engine can draw (Pillow reads it whole), so a broken file is refused when uploaded,
not when a resident waits for a letter.
"""

from __future__ import annotations

from io import BytesIO

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from chain.uploads import FileStore, StoredFile, UploadRefused, detect_extension
from models.office import MINISTRY_KEY, Letterhead, OfficeProfile, OfficeSigner, letterhead_of, office_key

LOGO_MAX_BYTES = 1024 * 1024
LOGO_TYPES = ("png", "jpg")
LOGO_REFUSED = "Logo harus berkas PNG atau JPEG yang utuh, paling besar 1 MiB."


def letterhead(session: Session, region_code: str | None, *, regency_level: bool = True) -> Letterhead:
    """The letterhead of the office issuing for `region_code` (its stored profile, else the naming defaults)."""
    key = office_key(region_code, regency_level=regency_level)
    profile = session.get(OfficeProfile, key)
    signers = list(session.scalars(select(OfficeSigner).where(OfficeSigner.region_code == key)))
    return letterhead_of(profile, signers, None if key == MINISTRY_KEY else key)


def logo_bytes(head: Letterhead, files: FileStore | None) -> bytes | None:
    """The office's stored logo, or None (no logo, or the file is gone: the document prints without it)."""
    if files is None or not head.logo_path:
        return None
    try:
        handle, _type = files.open(head.logo_path)
    except FileNotFoundError:
        return None
    with handle:
        return handle.read()


def store_logo(files: FileStore, data: bytes) -> StoredFile:
    """Check an uploaded logo and store it; UploadRefused (with the reason) otherwise."""
    if not data or len(data) > LOGO_MAX_BYTES or detect_extension(data) not in LOGO_TYPES:
        raise UploadRefused(LOGO_REFUSED)
    try:
        with Image.open(BytesIO(data)) as image:
            image.load()
    except (UnidentifiedImageError, OSError, ValueError) as broken:
        raise UploadRefused(LOGO_REFUSED) from broken
    return files.store(data)
