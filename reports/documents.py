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
from models.office import Letterhead
from reports.pdf_letter import LetterPdf, SignatureBlock

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
    signer: SignatureBlock
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
    block = SignatureBlock(
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
    institution: str = ""


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
    number: str
    held_on: date
    place: str
    village: str
    kecamatan: str
    regency: str
    participants: Sequence[Participant]
    agenda: Sequence[AgendaItem]
    notes: str
    village_head: SignatureBlock
    chair: SignatureBlock | None = None
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
        f"dilaksanakan {record.kind} Desa/Kelurahan {record.village}, Kecamatan {record.kecamatan}, "
        f"{record.regency}, untuk membahas usulan Data Terpadu Kesejahteraan Sosial (DTKS), dihadiri oleh:"
    )
    pdf.grid(
        ["NO", "NAMA", "JABATAN/UNSUR", "LEMBAGA"],
        [[str(n), p.name, p.role, p.institution] for n, p in enumerate(record.participants, start=1)],
        (10, 60, 55, 45),
    )
    pdf.heading("Agenda dan keputusan")
    decided = [
        f"Usulan {item.proposal} untuk keluarga {item.head_name} (No. KK {item.no_kk}): {item.decision}."
        for item in record.agenda
    ]
    pdf.numbered(decided or ["Tidak ada usulan dalam agenda."])
    if record.notes:
        pdf.paragraph(f"Catatan: {record.notes}")
    pdf.paragraph(
        "Demikian Berita Acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya. Daftar nama "
        "dan alamat (BNBA) keluarga yang dibahas terlampir."
    )
    blocks = [record.chair] if record.chair else []
    pdf.signatures([*blocks, record.village_head])
    if record.annex_rows:
        pdf.add_page(orientation="L")
        pdf.document_title(f"Lampiran Berita Acara {record.kind}", record.number or "-")
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
            ("Desa/Kelurahan", record.village),
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
    pdf.signatures([SignatureBlock(above=dated(record.village, record.held_on), title=head.title, name=head.name,
                                   rank=head.rank, nip=head.nip)])  # fmt: skip
    return pdf.pdf_bytes()


_WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
