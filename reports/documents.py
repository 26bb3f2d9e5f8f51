"""The documents the console prints as PDF, each from plain data (chain/documents.py gathers it, scoped):

- the Surat Keterangan Terdaftar DTKS: the resident's full NIK and No. KK (the letter is theirs), "tidak dipungut
  biaya", the verification code and its QR (chain/letter_verification.py);
- the Berita Acara of a Musdes/Muskel: date, place, participants, agenda, decisions, signature blocks, with the
  BNBA of its agenda as annex;
- the SPTJM (Surat Pernyataan Tanggung Jawab Mutlak) the Bima SOP requires with the BA;
- the SK Bupati/Wali Kota text (menimbang, mengingat, memutuskan) with its annex;
- the province's cover letter forwarding district SKs to the ministry.

Layout is reports/pdf_letter.py's; names of governments and heads are models/office_names.py's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from models.dates import long_date
from models.office import Letterhead, Signer
from reports.pdf_letter import LetterPdf

# The most annex rows a PDF lays out (fpdf2 sets a table row in ~4 ms: 2,000 rows, ~8 s). A larger annex is left to
# the spreadsheet annex, whose printable sheet holds the same rows; the PDF says so instead of printing a part.
PDF_ANNEX_MOST_ROWS = 2000
FREE_OF_CHARGE = "Surat keterangan ini diberikan tanpa dipungut biaya apa pun."


def dated(place: str, day: date | None) -> str:
    """ "Bima, 6 Desember 2026" (the place alone while the date is not set)."""
    return f"{place}, {long_date(day)}" if day else f"{place}, ...................."


@dataclass(frozen=True)
class CertificateLetter:
    """One signed Surat Keterangan Terdaftar, as printed for the resident."""

    head: Letterhead
    number: str
    name: str
    nik: str
    no_kk: str
    birth: str  # "Bima, 12 Maret 1980"
    address: str
    village: str
    kecamatan: str
    period: str
    desil: str
    purpose: str
    signed_on: date
    signer: Signer
    code: str  # "5272-ABCD-EFGH-JKLM-NPQR"
    verify_url: str  # what the QR holds
    logo: bytes | None = None


def certificate_pdf(letter: CertificateLetter, paper: str = "A4") -> bytes:
    pdf = LetterPdf(paper)
    pdf.set_title(f"Surat Keterangan Terdaftar DTKS {letter.number}")
    pdf.kop(letter.head, letter.logo)
    pdf.document_title("Surat Keterangan Terdaftar dalam DTKS", letter.number)
    pdf.paragraph(f"Yang bertanda tangan di bawah ini, {letter.signer.title}, menerangkan bahwa:")
    pdf.fields(
        [
            ("Nama", letter.name),
            ("NIK", letter.nik),
            ("Nomor KK", letter.no_kk),
            ("Tempat, tanggal lahir", letter.birth),
            ("Alamat", letter.address),
            ("Desa/Kelurahan", letter.village),
            ("Kecamatan", letter.kecamatan),
        ]
    )
    period = f" periode {letter.period}" if letter.period else ""
    desil = f", pada desil {letter.desil}" if letter.desil else ""
    pdf.paragraph(
        f"benar terdaftar dalam Data Terpadu Kesejahteraan Sosial (DTKS){period}{desil} sebagaimana tercatat pada "
        f"{letter.head.office.title()} {letter.head.names.region}."
    )
    purpose = f" untuk keperluan {letter.purpose}" if letter.purpose else ""
    pdf.paragraph(
        f"Demikian surat keterangan ini dibuat{purpose}, untuk dipergunakan sebagaimana mestinya. {FREE_OF_CHARGE}"
    )
    block = Signer(
        above=dated(letter.head.city, letter.signed_on),
        title=letter.signer.title,
        name=letter.signer.name,
        rank=letter.signer.rank,
        nip=letter.signer.nip,
    )
    pdf.signatures([block])
    pdf.qr(
        letter.verify_url,
        [
            f"Kode verifikasi: {letter.code}",
            "Pindai kode QR ini atau buka alamat di bawah untuk memeriksa keaslian surat:",
            letter.verify_url,
            "Surat ini tidak dipungut biaya. Laporkan bila Anda diminta membayar.",
        ],
    )
    return pdf.pdf_bytes()


@dataclass(frozen=True)
class Participant:
    name: str
    role: str


@dataclass(frozen=True)
class AgendaItem:
    """One proposal on the agenda: the family, what is proposed, what the meeting decided."""

    head_name: str
    no_kk: str
    proposal: str
    decision: str


@dataclass(frozen=True)
class MeetingRecord:
    """A Musdes/Muskel as its Berita Acara and SPTJM print it."""

    head: Letterhead
    kind: str  # "Musyawarah Desa"
    village_kind: str  # "Desa" or "Kelurahan"
    number: str
    held_on: date
    place: str
    village: str
    kecamatan: str
    regency: str
    participants: Sequence[Participant]
    agenda: Sequence[AgendaItem]
    notes: str
    village_head: Signer
    witnesses: Sequence[Signer] = ()  # BPD and TKSK/pendamping present, who sign beside the head
    annex_headers: Sequence[str] = ()
    annex_rows: Sequence[Sequence[str]] = field(default_factory=list)
    annex_widths: Sequence[float] = ()


def berita_acara_pdf(record: MeetingRecord, paper: str = "A4") -> bytes:
    pdf = LetterPdf(paper)
    pdf.set_title(f"Berita Acara {record.kind} {record.number}")
    pdf.kop(record.head)
    pdf.document_title(f"Berita Acara {record.kind}", record.number or "-")
    weekday = _WEEKDAYS[record.held_on.weekday()]
    pdf.paragraph(
        f"Pada hari ini {weekday}, tanggal {long_date(record.held_on)}, bertempat di {record.place}, telah "
        f"dilaksanakan {record.kind} {record.village_kind} {record.village}, Kecamatan {record.kecamatan}, "
        f"{record.regency}, untuk membahas usulan Data Terpadu Kesejahteraan Sosial (DTKS), dihadiri oleh:"
    )
    pdf.grid(
        ["NO", "NAMA", "JABATAN/UNSUR", "TANDA TANGAN"],
        [[str(n), p.name, p.role, ""] for n, p in enumerate(record.participants, start=1)],
        (10, 65, 55, 40),
    )
    pdf.heading("Agenda dan keputusan")
    decided = [
        f"{item.proposal} untuk keluarga {item.head_name} (No. KK {item.no_kk}): {item.decision}."
        for item in record.agenda
    ]
    pdf.numbered(decided or ["Tidak ada usulan dalam agenda."])
    if record.notes:
        pdf.paragraph(f"Catatan: {record.notes}")
    pdf.paragraph(
        "Demikian Berita Acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya. Daftar nama "
        "dan alamat (BNBA) keluarga yang dibahas terlampir."
    )
    pdf.signatures([*record.witnesses, record.village_head])
    if record.annex_rows:
        pdf.add_page(orientation="L")
        pdf.document_title(
            f"Lampiran Berita Acara {record.kind} {record.village_kind} {record.village}", record.number or "-"
        )
        pdf.paragraph(
            f"Tanggal musyawarah: {long_date(record.held_on)}. Kecamatan {record.kecamatan}, {record.regency}."
        )
        pdf.grid(record.annex_headers, record.annex_rows, record.annex_widths)
    return pdf.pdf_bytes()


def sptjm_pdf(record: MeetingRecord, paper: str = "A4") -> bytes:
    """The village head's absolute-responsibility statement for the data the meeting agreed."""
    pdf = LetterPdf(paper)
    pdf.set_title(f"SPTJM {record.kind} {record.number}")
    pdf.kop(record.head)
    pdf.document_title("Surat Pernyataan Tanggung Jawab Mutlak (SPTJM)")
    head = record.village_head
    pdf.paragraph("Yang bertanda tangan di bawah ini:")
    pdf.fields(
        [
            ("Nama", head.name),
            ("Jabatan", head.title),
            (record.village_kind, record.village),
            ("Kecamatan", record.kecamatan),
        ]
    )
    agreed = sum(1 for item in record.agenda if item.decision.lower().startswith("disetujui"))
    pdf.paragraph(
        f"menyatakan dengan sebenarnya bahwa data usulan DTKS hasil {record.kind} tanggal "
        f"{long_date(record.held_on)} (Berita Acara Nomor {record.number or '-'}) sebanyak {agreed} keluarga yang "
        "disetujui adalah benar, sesuai dengan keadaan sebenarnya, dan telah melalui musyawarah."
    )
    pdf.paragraph(
        "Apabila di kemudian hari data tersebut terbukti tidak benar, saya bertanggung jawab penuh sesuai "
        "ketentuan peraturan perundang-undangan, dan bersedia data tersebut diperbaiki atau dikeluarkan dari DTKS."
    )
    pdf.paragraph("Demikian surat pernyataan ini dibuat dengan penuh kesadaran dan tanpa paksaan.")
    pdf.signatures([Signer(above=dated(record.village, record.held_on), title=head.title, name=head.name,
                                   rank=head.rank, nip=head.nip)])  # fmt: skip
    return pdf.pdf_bytes()


_WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


@dataclass(frozen=True)
class DecreeDocument:
    """A decree or the province's cover letter as printed: its office, number, date, signer, what it decides
    and its annex (the printable BNBA columns, reports/bnba.py)."""

    head: Letterhead
    kind: str  # DECREE_DISTRICT, DECREE_MINISTRY or COVER_LETTER
    number: str
    dated: date
    period: str
    signer: Signer
    families: int
    members: int
    forwarded: Sequence[str] = ()  # the district SKs a cover letter sends on, each as a line
    annex_headers: Sequence[str] = ()
    annex_rows: Sequence[Sequence[str]] = ()
    annex_widths: Sequence[float] = ()


DECREE_DISTRICT = "district"
DECREE_MINISTRY = "ministry"
COVER_LETTER = "cover"

_LEGAL_BASIS = (
    "Undang-Undang Nomor 13 Tahun 2011 tentang Penanganan Fakir Miskin;",
    "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah sebagaimana telah beberapa kali diubah, "
    "terakhir dengan Undang-Undang Nomor 6 Tahun 2023;",
    "Instruksi Presiden Nomor 4 Tahun 2025 tentang Data Tunggal Sosial dan Ekonomi Nasional;",
    "Peraturan Menteri Sosial Nomor 3 Tahun 2021 tentang Pengelolaan Data Terpadu Kesejahteraan Sosial;",
    "Peraturan Menteri Sosial Nomor 3 Tahun 2025 tentang pemutakhiran dan penggunaan Data Tunggal Sosial dan "
    "Ekonomi Nasional;",
)
_ORDINALS = ("KESATU", "KEDUA", "KETIGA", "KEEMPAT")


def decree_pdf(document: DecreeDocument, paper: str = "A4") -> bytes:
    """The SK's own text (menimbang, mengingat, memutuskan) and its annex: the district's SK Pengesahan or the
    ministry's SK Penetapan."""
    pdf = LetterPdf(paper)
    head = document.head
    district = document.kind == DECREE_DISTRICT
    who = head.names.head_title.upper()
    subject = (
        f"PENGESAHAN USULAN DATA TERPADU KESEJAHTERAAN SOSIAL {head.names.region.upper()}"
        if district
        else "PENETAPAN DATA TERPADU KESEJAHTERAAN SOSIAL"
    )
    period = f" PERIODE {document.period}" if document.period else ""
    pdf.set_title(f"Keputusan {head.names.head_title} {document.number}")
    pdf.kop(head)
    pdf.document_title(f"Keputusan {who}", document.number or "(draf)")
    pdf.paragraph(f"TENTANG\n{subject}{period}", bold=True)
    pdf.paragraph(f"{who},", bold=True)
    pdf.heading("Menimbang:")
    reason = (
        "hasil musyawarah desa/kelurahan, verifikasi dan validasi oleh Dinas Sosial"
        if district
        else "pengesahan bupati/wali kota, penerusan gubernur dan pemeringkatan kesejahteraan"
    )
    pdf.numbered(
        [
            "bahwa penyelenggaraan kesejahteraan sosial memerlukan data yang akurat, mutakhir dan dapat "
            "dipertanggungjawabkan;",
            f"bahwa berdasarkan {reason}, terdapat {document.families} keluarga ({document.members} jiwa) yang "
            "diusulkan untuk ditetapkan;",
            f"bahwa berdasarkan pertimbangan tersebut perlu menetapkan Keputusan {head.names.head_title} tentang "
            f"{subject.title()}{period.title()};",
        ]
    )
    pdf.heading("Mengingat:")
    pdf.numbered(_LEGAL_BASIS)
    pdf.paragraph("MEMUTUSKAN:", bold=True)
    pdf.paragraph(f"Menetapkan: KEPUTUSAN {who} TENTANG {subject}{period}.")
    next_step = (
        "disampaikan kepada Gubernur untuk diteruskan kepada Menteri Sosial Republik Indonesia"
        if district
        else "menjadi acuan penyaluran program perlindungan sosial dan disampaikan kepada pemerintah daerah"
    )
    decided = [
        f"{'Mengesahkan' if district else 'Menetapkan'} {document.families} keluarga ({document.members} jiwa) "
        "sebagaimana tercantum dalam Lampiran yang merupakan bagian tidak terpisahkan dari Keputusan ini.",
        f"Data sebagaimana dimaksud pada Diktum KESATU {next_step}.",
        "Segala biaya yang timbul akibat ditetapkannya Keputusan ini dibebankan pada anggaran yang sah.",
        "Keputusan ini mulai berlaku pada tanggal ditetapkan.",
    ]
    for ordinal, text in zip(_ORDINALS, decided, strict=True):
        pdf.fields([(ordinal, text)], label_width=25)
    block = Signer(
        above=f"Ditetapkan di {head.city}\npada tanggal {long_date(document.dated)}",
        title=f"{document.signer.title},",
        name=document.signer.name,
        rank=document.signer.rank,
        nip=document.signer.nip,
    )
    pdf.signatures([block])
    _annex(pdf, f"Lampiran Keputusan {head.names.head_title}", document)
    return pdf.pdf_bytes()


def cover_letter_pdf(document: DecreeDocument, paper: str = "A4") -> bytes:
    """The province's letter sending the district SKs on to the ministry, with the annex it forwards."""
    pdf = LetterPdf(paper)
    head = document.head
    pdf.set_title(f"Surat Pengantar {document.number}")
    pdf.kop(head)
    pdf.paragraph(dated(head.city, document.dated))
    pdf.fields(
        [
            ("Nomor", document.number or "(draf)"),
            ("Lampiran", "1 (satu) berkas"),
            ("Perihal", "Penyampaian SK Pengesahan Usulan Data Terpadu Kesejahteraan Sosial"),
        ],
        label_width=25,
    )
    pdf.paragraph(
        "Kepada Yth.\nMenteri Sosial Republik Indonesia\nc.q. Kepala Pusat Data dan Informasi Kesejahteraan Sosial\n"
        "di Jakarta"
    )
    pdf.paragraph(
        f"Bersama ini kami sampaikan Keputusan Bupati/Wali Kota tentang pengesahan usulan DTKS di wilayah "
        f"{head.names.region}, sebanyak {document.families} keluarga ({document.members} jiwa), sebagai berikut:"
    )
    pdf.numbered(list(document.forwarded) or ["-"])
    pdf.paragraph(
        "Data tersebut telah kami periksa kelengkapannya dan kami teruskan untuk proses penetapan. Demikian "
        "disampaikan, atas perhatian dan kerja samanya diucapkan terima kasih."
    )
    block = Signer(
        title=document.signer.title, name=document.signer.name, rank=document.signer.rank, nip=document.signer.nip
    )
    pdf.signatures([block])
    _annex(pdf, "Lampiran Surat Pengantar", document)
    return pdf.pdf_bytes()


def _annex(pdf: LetterPdf, title: str, document: DecreeDocument) -> None:
    if not document.members:
        return
    pdf.add_page(orientation="L")
    pdf.document_title(title, document.number or "(draf)")
    pdf.paragraph(f"Tanggal: {long_date(document.dated)}. {document.families} keluarga, {document.members} jiwa.")
    if document.annex_rows:
        pdf.grid(document.annex_headers, document.annex_rows, document.annex_widths)
    else:
        pdf.paragraph(
            f"Lampiran ini memuat {document.members} baris, lebih dari {PDF_ANNEX_MOST_ROWS} yang dicetak dalam "
            "berkas ini: cetak lampirannya dari Lampiran SK (.xlsx), lembar pertama, yang memuat baris yang sama."
        )
