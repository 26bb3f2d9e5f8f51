"""The interchange with the ministry's systems (SIKS-NG, the BPS ranking), its columns in one place, versioned.

We do not have SIKS-NG's own file specification, so the console defines one (docs/INTERCHANGE.md) and reads what
comes back tolerantly, through the one sheet reader (reports/bnba_sheet.py `read_sheet`): the header row found
among title rows, headers compared ignoring case, spaces and punctuation and known by their other names, columns
in any order, coded cells read from every spelling listed here. A column's header, key and cell kind are the
`BnbaColumn` of the BNBA specification (reports/bnba.py), so identifiers stay 16-digit text and dates real dates.

`RESULTS` is the file that comes in: one row per family, its No. KK, the NIK of its head, and either the desil
BPS ranked it into or the Dukcapil matching's refusal (NIK not found, inactive, duplicate). `PROPOSALS_OUT` is the
file that goes out: the district's verified proposals a signed district SK ratified, one row per member in the BNBA
columns (the very `BNBA_COLUMNS`), then the proposal's id, the SK's number and date, the proposal's status and the
specification's version (written by reports/interchange_export.py). `INTERCHANGE_VERSION` names this
specification; a change of a column's meaning is a new version, documented beside the old.
"""

from __future__ import annotations

from models.programme import MembershipStatus
from models.proposal import ProposalStatus
from models.ranking import RankingStatus
from reports.bnba import BNBA_COLUMNS, CODE_BOOKS, HEADER_ALIASES, BnbaColumn, CellKind, SheetSpec
from reports.bnba_codes import CodeBook
from reports.bnba_sheet import ParsedSheet

INTERCHANGE_VERSION = "1"

# Sources of the spellings: the status words the district pages quoting Cek Bansos and SIKS-NG use ("padan",
# "tidak padan", "NIK tidak aktif", "NIK ganda/duplikat"), and BPS's own English export headers.
STATUS_SPELLINGS = {
    RankingStatus.RANKED: ("Diperingkat", "Ranked", "Padan", "Sesuai", "Valid", "Terperingkat"),
    RankingStatus.NIK_NOT_FOUND: ("Tidak ditemukan", "NIK tidak ditemukan", "Tidak padan", "Not found"),
    RankingStatus.NIK_INACTIVE: ("Tidak aktif", "NIK tidak aktif", "Nonaktif", "Non aktif", "Inactive"),
    RankingStatus.NIK_DUPLICATE: ("Ganda", "Duplikat", "NIK duplikat", "Duplicate", "NIK ganda"),
}
STATUS_BOOK = CodeBook(RankingStatus, STATUS_SPELLINGS)

RESULT_COLUMNS: tuple[BnbaColumn, ...] = (
    BnbaColumn("NO", "number", CellKind.NUMBER, 6),
    BnbaColumn("PERIODE", "period", CellKind.TEXT, 10),
    BnbaColumn("KODE WILAYAH", "region_code", CellKind.DIGITS, 16),
    BnbaColumn("NO KK", "no_kk", CellKind.DIGITS, 19, required=True),
    BnbaColumn("NIK KEPALA KELUARGA", "head_nik", CellKind.DIGITS, 19, required=True),
    BnbaColumn("NAMA KEPALA KELUARGA", "head_name", CellKind.TEXT, 26),
    BnbaColumn("DESIL", "desil", CellKind.INTEGER, 8),
    BnbaColumn("STATUS", "status", CellKind.CODED, 24, codes=RankingStatus),
    BnbaColumn("KETERANGAN", "remarks", CellKind.TEXT, 28),
)
RESULT_ALIASES: dict[str, tuple[str, ...]] = {
    "number": HEADER_ALIASES["number"],
    "period": ("Periode pemeringkatan", "Periode data", "Triwulan"),
    "region_code": ("Kode desa", "Kode wilayah desa", "Kode kelurahan"),
    "no_kk": HEADER_ALIASES["no_kk"],
    "head_nik": ("NIK KK", "NIK kepala", "NIK KRT", "NIK kepala rumah tangga", "NIK kepala keluarga (KK)"),
    "head_name": ("Nama kepala", "Nama KRT", "Nama kepala rumah tangga", "Nama KK"),
    "desil": ("Desil nasional", "Desil DTSEN", "Peringkat desil", "Decile"),
    "status": ("Status padan", "Status pemeringkatan", "Hasil padan", "Hasil pemeringkatan"),
    "remarks": ("Catatan", "Alasan"),
}
RESULTS = SheetSpec("hasil pemeringkatan", RESULT_COLUMNS, RESULT_ALIASES, {RankingStatus: STATUS_BOOK})


# --- a programme's recipient list (daftar penerima, KPM) of a period, as the programme's office sends it ---

MEMBERSHIP_STATUS_SPELLINGS = {
    MembershipStatus.ACTIVE: ("Penerima", "KPM aktif", "Aktif menerima", "Ya"),
    MembershipStatus.SUSPENDED: ("Tangguh", "Ditunda", "Dibekukan", "Suspend", "Suspended"),
    MembershipStatus.ENDED: ("Berhenti", "Keluar", "Graduasi", "Tidak aktif", "Ended"),
}
MEMBERSHIP_STATUS_BOOK = CodeBook(MembershipStatus, MEMBERSHIP_STATUS_SPELLINGS)
RECIPIENT_COLUMNS: tuple[BnbaColumn, ...] = (
    BnbaColumn("NO", "number", CellKind.NUMBER, 6),
    BnbaColumn("KODE WILAYAH", "region_code", CellKind.DIGITS, 16),
    BnbaColumn("NO KK", "no_kk", CellKind.DIGITS, 19, required=True),
    BnbaColumn("NIK KEPALA KELUARGA", "head_nik", CellKind.DIGITS, 19),
    BnbaColumn("NAMA KEPALA KELUARGA", "head_name", CellKind.TEXT, 26),
    BnbaColumn("PROGRAM", "programme", CellKind.TEXT, 16, required=True),
    BnbaColumn("STATUS", "status", CellKind.CODED, 16, codes=MembershipStatus),
)
RECIPIENT_ALIASES: dict[str, tuple[str, ...]] = {
    "number": HEADER_ALIASES["number"],
    "region_code": RESULT_ALIASES["region_code"],
    "no_kk": HEADER_ALIASES["no_kk"],
    "head_nik": RESULT_ALIASES["head_nik"],
    "head_name": (*RESULT_ALIASES["head_name"], "Nama KPM", "Nama penerima", "Nama pengurus"),
    "programme": ("Nama program", "Jenis bansos", "Bansos", "Kode program", "Program bansos"),
    "status": ("Status kepesertaan", "Status KPM", "Status penerima"),
}
RECIPIENTS = SheetSpec(
    "daftar penerima program", RECIPIENT_COLUMNS, RECIPIENT_ALIASES, {MembershipStatus: MEMBERSHIP_STATUS_BOOK}
)


# --- the file that goes out: the district's verified proposals (version 1) ---

# The proposals a signed district SK (SK Pengesahan Bupati/Walikota) ratified: ratified and every status after it,
# the ministry's own answers included, so the file also tells which proposals it has already decided.
PROPOSAL_OUT_STATUSES: tuple[ProposalStatus, ...] = (
    ProposalStatus.RATIFIED,
    ProposalStatus.FORWARDED,
    ProposalStatus.RECEIVED,
    ProposalStatus.REJECTED_MINISTRY,
    ProposalStatus.DETERMINED,
    ProposalStatus.NOT_DETERMINED,
)
PROPOSAL_STATUS_BOOK = CodeBook(ProposalStatus, {})  # the code and the label the console writes

INTERCHANGE_COLUMNS: tuple[BnbaColumn, ...] = (
    BnbaColumn("ID USULAN", "proposal_id", CellKind.INTEGER, 11, required=True),
    BnbaColumn("NOMOR SK", "decree_number", CellKind.TEXT, 26, required=True),
    BnbaColumn("TANGGAL SK", "decree_date", CellKind.DATE, 13, required=True),
    BnbaColumn("STATUS USULAN", "proposal_status", CellKind.CODED, 26, codes=ProposalStatus),
    BnbaColumn("VERSI SPESIFIKASI", "spec_version", CellKind.TEXT, 10),
)
PROPOSAL_OUT_COLUMNS: tuple[BnbaColumn, ...] = (*BNBA_COLUMNS, *INTERCHANGE_COLUMNS)
PROPOSAL_OUT_ALIASES: dict[str, tuple[str, ...]] = {
    **HEADER_ALIASES,
    "proposal_id": ("ID", "Nomor usulan", "No usulan", "Kode usulan"),
    "decree_number": ("No SK", "Nomor SK pengesahan", "Nomor keputusan", "Nomor SK Bupati/Walikota"),
    "decree_date": ("Tgl SK", "Tanggal SK pengesahan", "Tanggal keputusan"),
    "proposal_status": ("Status", "Tahap usulan"),
    "spec_version": ("Versi", "Versi format", "Versi spesifikasi pertukaran"),
}
PROPOSALS_OUT = SheetSpec(
    "usulan terverifikasi",
    PROPOSAL_OUT_COLUMNS,
    PROPOSAL_OUT_ALIASES,
    {**CODE_BOOKS, ProposalStatus: PROPOSAL_STATUS_BOOK},
)
PROPOSALS_OUT_TITLE = f"SPESIFIKASI PERTUKARAN DATA SIKS-NG VERSI {INTERCHANGE_VERSION}"


def check_version(parsed: ParsedSheet) -> None:
    """A row of another version of this specification is an error (its columns may mean something else); an empty
    VERSI SPESIFIKASI, or a file without the column, is read as this version."""
    for row in parsed.rows:
        version = row.get("spec_version")
        if version is not None and version != INTERCHANGE_VERSION:
            parsed.add(
                row.number,
                "spec_version",
                f"VERSI SPESIFIKASI {version[:10]!r} tidak dikenal; berkas dibaca dengan spesifikasi versi "
                f"{INTERCHANGE_VERSION}.",
            )
