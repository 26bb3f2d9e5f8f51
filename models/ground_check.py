"""The ground check (groundcheck DTSEN): the household-condition variables a pendamping PKH checks on site.

DTSEN's ground check looks at about 39 variables of a family's condition: the house, sanitation and assets the verval
instrument already asks (models/instrument.py, Blok III and V), and what it adds here: whether the family is still
found at the address, its main livelihood and income, children of school age out of school, members with a
disability or a chronic illness, and their health cover. They are columns of the same visit (models/visit.py): a
ground check is a visit of kind `groundcheck`, confirmed by the TKSK like any verval visit.
"""

from __future__ import annotations

from models.base import LabelledEnum

MEMBER_COUNT_MAXIMUM = 30  # members of one family counted by a ground-check question


class VisitKind(LabelledEnum):
    """Jenis kunjungan."""

    VERVAL = "verval", "Verval (instrumen PBDT/DTKS)"
    GROUND_CHECK = "groundcheck", "Groundcheck DTSEN (pendamping PKH)"


class FamilyPresence(LabelledEnum):
    """Keberadaan keluarga di alamat."""

    FOUND = "ditemukan", "Ditemukan"
    MOVED = "pindah", "Pindah alamat"
    DECEASED = "meninggal", "Seluruh anggota meninggal"
    NOT_FOUND = "tidak_ditemukan", "Tidak ditemukan"


class Livelihood(LabelledEnum):
    """Sumber penghasilan utama keluarga."""

    FOOD_CROPS = "pertanian", "Pertanian tanaman pangan/hortikultura"
    PLANTATION = "perkebunan", "Perkebunan/peternakan"
    FISHERY = "perikanan", "Perikanan/nelayan"
    DAILY_LABOUR = "buruh_harian", "Buruh harian lepas"
    TRADE = "perdagangan", "Perdagangan"
    SERVICES = "jasa", "Jasa/transportasi"
    INDUSTRY = "industri", "Industri pengolahan/konstruksi"
    SALARIED = "pegawai", "Pegawai/karyawan"
    TRANSFERS = "kiriman", "Kiriman/pensiun/bantuan"
    NONE = "tidak_ada", "Tidak ada penghasilan"


class IncomeBand(LabelledEnum):
    """Penghasilan keluarga per bulan."""

    BELOW_500K = "lt_500rb", "Kurang dari Rp500.000"
    UP_TO_1M = "500rb_1jt", "Rp500.000 - Rp1.000.000"
    UP_TO_2M = "1jt_2jt", "Rp1.000.001 - Rp2.000.000"
    UP_TO_3M = "2jt_3jt", "Rp2.000.001 - Rp3.000.000"
    ABOVE_3M = "gt_3jt", "Lebih dari Rp3.000.000"


class HealthCover(LabelledEnum):
    """Jaminan kesehatan keluarga."""

    PBI = "pbi", "BPJS Kesehatan PBI"
    INDEPENDENT = "mandiri", "BPJS Kesehatan mandiri/pekerja"
    PARTIAL = "sebagian", "Hanya sebagian anggota"
    NONE = "tidak_ada", "Tidak ada"


# The visit's ground-check columns, in the order the form asks them (after the verval instrument).
GROUND_CHECK_COUNTS = ("children_out_of_school", "members_with_disability", "members_chronically_ill")
GROUND_CHECK_FIELDS = ("family_presence", "livelihood", "income_band", *GROUND_CHECK_COUNTS, "health_cover")

MISSING_PRESENCE = "Groundcheck: isi keberadaan keluarga di alamat (ditemukan, pindah, meninggal, tidak ditemukan)."


def ground_check_refusal(kind: VisitKind | str | None, family_presence: FamilyPresence | str | None) -> str | None:
    """Why a visit's ground-check answers do not stand (None: they do): a ground check says whether the family
    was found at its address; the other variables may stay empty where the family was not found."""
    if kind in (VisitKind.GROUND_CHECK, VisitKind.GROUND_CHECK.value) and not family_presence:
        return MISSING_PRESENCE
    return None
