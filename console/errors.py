"""Database refusals turned into messages an official can act on (Bahasa Indonesia, no SQL shown)."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, IntegrityError

from models.finality import DATABASE_REFUSALS

# Each message with the names a refusal carries: the constraint name (PostgreSQL reports it, and SQLite for
# CHECKs) and "table.column, ..." (SQLite's wording for a violated UNIQUE constraint or index). A NIK or No. KK
# held elsewhere is refused by the national lookup tables' keys (models/national_numbers.py) on PostgreSQL, and
# on SQLite first by the unique constraints its first schema kept.
_REFUSALS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "NIK ini sudah terdaftar pada anggota keluarga lain. Satu NIK hanya boleh tercatat sekali.",
        ("uq_member_nik", "member.nik", "pk_member_nik", "member_nik.nik"),
    ),
    (
        "Keluarga ini sudah memiliki kepala keluarga. Satu KK hanya boleh memiliki satu kepala keluarga.",
        ("uq_member_one_head_per_household", "member.household_id"),
    ),
    (
        "No. KK ini sudah terdaftar pada keluarga lain.",
        ("uq_household_no_kk", "household.no_kk", "pk_household_kk", "household_kk.no_kk"),
    ),
    ("NIK harus tepat 16 digit angka.", ("ck_member_nik_digits", "ck_certificate_requested_nik_digits")),
    ("No. KK harus tepat 16 digit angka.", ("ck_household_no_kk_digits",)),
    ("Wilayah keluarga harus sebuah desa/kelurahan.", ("ck_household_village_level",)),
    ("Desil harus antara 1 dan 10.", ("ck_household_desil_range",)),
    (
        "Wilayah tugas tidak sesuai dengan tingkat peran (desa untuk peran desa, kecamatan untuk TKSK, "
        "kabupaten/kota untuk Dinsos, provinsi untuk operator provinsi, kosong untuk Pusdatin/admin).",
        ("ck_user_account_role_matches_scope_level",),
    ),
    ("Nama pengguna ini sudah dipakai.", ("uq_user_account_username", "user_account.username")),
    ("Usulan dikeluarkan wajib memiliki alasan.", ("ck_proposal_removal_needs_reason",)),
    ("NIK pengadu harus tepat 16 digit angka.", ("ck_complaint_nik_digits",)),
    (
        "Nomor SK ini sudah dipakai untuk jenis dan wilayah yang sama.",
        ("uq_decree_kind_region_code_number", "decree.kind, decree.region_code, decree.number"),
    ),
    (
        "Usulan ini sudah ada dalam agenda musyawarah tersebut.",
        ("uq_meeting_decision_meeting_id_proposal_id", "meeting_decision.meeting_id, meeting_decision.proposal_id"),
    ),
    (
        "Versi model PMT ini sudah ada untuk wilayah tersebut.",
        ("uq_pmt_model_version_region_code", "pmt_model.version, pmt_model.region_code"),
    ),
    (
        "Bobot untuk variabel dan pilihan ini sudah ada.",
        ("uq_pmt_weight_model_id_variable_choice", "pmt_weight.model_id, pmt_weight.variable, pmt_weight.choice"),
    ),
)
_MESSAGES = {key: message for message, keys in _REFUSALS for key in keys}
_FOREIGN_KEY = "Data yang dipilih tidak ditemukan. Periksa kembali pilihan Anda."
_STILL_USED = (
    "Data ini masih dipakai oleh data lain (misalnya usulan, kunjungan atau SK), sehingga tidak dapat dihapus."
)
_GENERIC = "Data tidak dapat disimpan karena melanggar aturan data. Periksa kembali isian Anda."
_GENERIC_DELETE = "Data tidak dapat dihapus karena melanggar aturan data."


def database_error_message(error: DBAPIError, *, deleting: bool = False) -> str:
    """The Indonesian message for a refused write or delete; never the SQL or the driver's text."""
    text = str(error.orig) if error.orig is not None else str(error)
    for marker, message in DATABASE_REFUSALS.items():  # a finality trigger (decided records stay decided)
        if marker in text:
            return message
    constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
    if constraint and constraint in _MESSAGES:
        return _MESSAGES[constraint]
    for key, message in _MESSAGES.items():
        if key in text:
            return message
    if isinstance(error, IntegrityError) and ("foreign key" in text.lower() or "fk_" in text):
        return _STILL_USED if deleting else _FOREIGN_KEY
    return _GENERIC_DELETE if deleting else _GENERIC


class RefusedChange(Exception):
    """A change the console refuses; its text (Bahasa Indonesia) is shown on the form and nothing is stored."""
