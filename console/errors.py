"""Database refusals turned into messages an official can act on (Bahasa Indonesia, no SQL shown)."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, IntegrityError

# Keys are constraint names (PostgreSQL reports them) and "table.column" (SQLite reports those for UNIQUE).
_MESSAGES: dict[str, str] = {
    "uq_member_nik": "NIK ini sudah terdaftar pada anggota keluarga lain. Satu NIK hanya boleh tercatat sekali.",
    "member.nik": "NIK ini sudah terdaftar pada anggota keluarga lain. Satu NIK hanya boleh tercatat sekali.",
    "uq_member_one_head_per_household": "Keluarga ini sudah memiliki kepala keluarga. Satu KK hanya boleh "
    "memiliki satu kepala keluarga.",
    "member.household_id": "Keluarga ini sudah memiliki kepala keluarga. Satu KK hanya boleh memiliki satu "
    "kepala keluarga.",
    "uq_household_no_kk": "No. KK ini sudah terdaftar pada keluarga lain.",
    "household.no_kk": "No. KK ini sudah terdaftar pada keluarga lain.",
    "ck_member_nik_digits": "NIK harus tepat 16 digit angka.",
    "ck_household_no_kk_digits": "No. KK harus tepat 16 digit angka.",
    "ck_household_village_level": "Wilayah keluarga harus sebuah desa/kelurahan.",
    "ck_household_desil_range": "Desil harus antara 1 dan 10.",
    "ck_user_account_role_matches_scope_level": "Wilayah tugas tidak sesuai dengan tingkat peran "
    "(desa untuk peran desa, kecamatan untuk TKSK, kabupaten/kota untuk Dinsos, provinsi untuk "
    "operator provinsi, kosong untuk Pusdatin/admin).",
    "uq_user_account_username": "Nama pengguna ini sudah dipakai.",
    "user_account.username": "Nama pengguna ini sudah dipakai.",
    "ck_proposal_removal_needs_reason": "Usulan dikeluarkan wajib memiliki alasan.",
    "ck_complaint_nik_digits": "NIK pengadu harus tepat 16 digit angka.",
    "ck_certificate_requested_nik_digits": "NIK harus tepat 16 digit angka.",
    "uq_decree_kind_region_code_number": "Nomor SK ini sudah dipakai untuk jenis dan wilayah yang sama.",
    "decree.kind, decree.region_code, decree.number": "Nomor SK ini sudah dipakai untuk jenis dan wilayah yang sama.",
    "uq_meeting_decision_meeting_id_proposal_id": "Usulan ini sudah ada dalam agenda musyawarah tersebut.",
    "meeting_decision.meeting_id, meeting_decision.proposal_id": "Usulan ini sudah ada dalam agenda musyawarah tersebut.",
    "uq_pmt_model_version_region_code": "Versi model PMT ini sudah ada untuk wilayah tersebut.",
    "pmt_model.version, pmt_model.region_code": "Versi model PMT ini sudah ada untuk wilayah tersebut.",
    "uq_pmt_weight_model_id_variable_choice": "Bobot untuk variabel dan pilihan ini sudah ada.",
    "pmt_weight.model_id, pmt_weight.variable, pmt_weight.choice": "Bobot untuk variabel dan pilihan ini sudah ada.",
}
_FOREIGN_KEY = (
    "Data ini masih dipakai oleh data lain (misalnya usulan, kunjungan atau SK) atau merujuk data yang "
    "tidak ada, sehingga tidak dapat disimpan atau dihapus."
)
_GENERIC = "Data tidak dapat disimpan karena melanggar aturan data. Periksa kembali isian Anda."


def database_error_message(error: DBAPIError) -> str:
    """The Indonesian message for a refused write; never the SQL or the driver's text."""
    text = str(error.orig) if error.orig is not None else str(error)
    constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
    if constraint and constraint in _MESSAGES:
        return _MESSAGES[constraint]
    for key, message in _MESSAGES.items():
        if key in text:
            return message
    if isinstance(error, IntegrityError) and ("foreign key" in text.lower() or "fk_" in text):
        return _FOREIGN_KEY
    return _GENERIC


class RefusedChange(Exception):
    """A change the console refuses; its text (Bahasa Indonesia) is shown on the form and nothing is stored."""
