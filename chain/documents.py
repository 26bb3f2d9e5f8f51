"""What each printed document carries, read in the actor's scope (reports/documents.py lays it out as PDF).

The office of a document is the profile of its regency (a village or kecamatan reads as its regency), of a province
or of the ministry (models/office.py); a region whose profile nobody filled in prints with the naming defaults of
models/office_names.py and the signer recorded on the record itself, so a letter is never blocked by it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from chain.actor import Actor
from chain.audit import record
from chain.certificates import requested_member, signed_letter
from chain.decrees import DETAILS as DECREE_DETAILS
from chain.decrees import load_decree
from chain.letter_verification import public_code
from chain.musdes import DETAILS as MEETING_DETAILS
from chain.musdes import load_meeting
from chain.offices import letterhead, logo_bytes
from chain.uploads import FileStore
from models import Certificate, Decree, DecreeKind, Household, Meeting
from models.audit import AuditAction
from models.dates import long_date
from models.identity import mask_identity_number
from models.meeting import Decision, MeetingDecision, ParticipantPosition
from models.member import FamilyRelation
from models.office import Letterhead, Signer, SignerDuty
from models.office_names import names_for
from models.region_codes import RegionLevel, ancestor_at, is_desa, region_name
from models.time_zones import in_zone, zone_of_region
from reports.bnba import BNBA_PRINT_COLUMNS
from reports.bnba_export import decree_annex_rows, printed_row
from reports.documents import (
    COVER_LETTER,
    DECREE_DISTRICT,
    DECREE_MINISTRY,
    PDF_ANNEX_MOST_ROWS,
    AgendaItem,
    CertificateLetter,
    DecreeDocument,
    MeetingRecord,
    Participant,
)

CERTIFICATE_DETAILS = ("certificate", "details")
FULL_NIK = ("nik", "view_full")  # the letter carries the resident's own NIK and No. KK in full


def address_of(household: Household) -> str:
    """ "Jl. Soekarno Hatta RT 001 RW 002": the street, then RT and RW where recorded."""
    rt = f"RT {household.rt}" if household.rt else ""
    rw = f"RW {household.rw}" if household.rw else ""
    return " ".join(part for part in (household.address, rt, rw) if part)


def certificate_letter(
    session: Session, actor: Actor, pk: int, verify_url: Callable[[str], str], files: FileStore | None = None
) -> CertificateLetter | None:
    """The signed letter `pk` as printed, or None before the kepala dinas signed it.

    NotAllowed without the right to see full NIKs: the letter carries the resident's own in full."""
    actor.require(CERTIFICATE_DETAILS, FULL_NIK)
    signed = signed_letter(session, actor, pk)
    if signed is None:
        return None
    certificate, signature = signed
    code = public_code(certificate) or ""
    household = certificate.household
    member = requested_member(certificate)
    head = letterhead(session, certificate.region_code)
    zone = zone_of_region(certificate.region_code)
    kepala = head.signer(
        SignerDuty.KEPALA_DINAS,
        fallback=Signer(name=signature.user_name, title=f"Kepala {head.office.title()} {head.names.region}"),
    )
    village_code = household.region_code if household is not None else ""
    address = address_of(household) if household is not None else ""
    birth = ""
    if member is not None:
        birth = ", ".join(part for part in (member.birth_place, long_date(member.birth_date)) if part)
    return CertificateLetter(
        head=head,
        number=certificate.letter_number or "",
        name=member.name if member is not None else certificate.applicant_name,
        nik=certificate.requested_nik,
        no_kk=household.no_kk if household is not None else "",
        birth=birth,
        address=address,
        village=region_name(village_code) or "" if village_code else "",
        kecamatan=region_name(ancestor_at(village_code, RegionLevel.KECAMATAN)) or "" if village_code else "",
        period=(household.period or "") if household is not None else "",
        desil=str(household.desil) if household is not None and household.desil is not None else "",
        purpose=certificate.purpose,
        signed_on=in_zone(signature.at, zone).date(),
        signer=Signer(title=kepala.title, name=kepala.name, rank=kepala.rank, nip=kepala.nip),
        code=code,
        verify_url=verify_url(code),
        logo=logo_bytes(head, files),
    )


def printed_certificate(
    session: Session, actor: Actor, pk: int, verify_url: Callable[[str], str], files: FileStore | None = None
) -> CertificateLetter | None:
    """`certificate_letter`, with the audit row saying who printed the full-NIK letter (the caller commits)."""
    letter = certificate_letter(session, actor, pk, verify_url, files)
    if letter is not None:
        _audit_print(
            session, Certificate, pk, f"Surat keterangan {letter.number} dicetak sebagai PDF (NIK dan No. KK lengkap)."
        )
    return letter


def village_letterhead(session: Session, village_code: str) -> Letterhead:
    """A village document's kop: the regency's government, then "KELURAHAN X" or "DESA X" and its kecamatan."""
    regency = letterhead(session, village_code)
    village = region_name(village_code) or village_code
    kecamatan = region_name(ancestor_at(village_code, RegionLevel.KECAMATAN)) or ""
    word = "DESA" if is_desa(village_code) else "KELURAHAN"
    return Letterhead(
        names=regency.names,
        government=regency.government,
        office=f"{word} {village}",
        address=f"Kecamatan {kecamatan}, {regency.names.region}" if kecamatan else regency.names.region,
        contacts="",
        city=village,
        logo_path=regency.logo_path,
        signers={},
    )


# Who signs a BA beside the village head, when present: the first of each.
WITNESSES = (("Perwakilan BPD", ParticipantPosition.BPD), ("TKSK/Pendamping Sosial", ParticipantPosition.SOCIAL_WORKER))
ANNEX_HEADERS = ("NO", "NIK", "NO. KK", "NAMA", "L/P", "TANGGAL LAHIR", "HUBUNGAN", "ALAMAT", "KEPUTUSAN")
ANNEX_WIDTHS = (8, 30, 30, 42, 8, 22, 25, 57, 35)  # mm, on A4 landscape: 257 mm between the margins


def meeting_record(session: Session, actor: Actor, meeting_id: int, files: FileStore | None = None) -> MeetingRecord:
    """A Musdes/Muskel as its BA and SPTJM print it: participants, agenda with decisions, the village head, and
    the BNBA annex (every member of each family on the agenda; NIK and No. KK in full only for a role that sees
    them so on screen)."""
    actor.require(MEETING_DETAILS)
    meeting = load_meeting(session, actor, meeting_id)
    head = village_letterhead(session, meeting.region_code)
    village = region_name(meeting.region_code) or meeting.region_code
    kecamatan = region_name(ancestor_at(meeting.region_code, RegionLevel.KECAMATAN)) or ""
    participants = [Participant(p.name, p.position.label) for p in meeting.participants]
    chief = next((p for p in meeting.participants if p.position is ParticipantPosition.HEAD), None)
    kelurahan = not is_desa(meeting.region_code)
    word = "Lurah" if kelurahan else "Kepala Desa"
    witnesses = []
    for title, position in WITNESSES:
        present = next((p for p in meeting.participants if p.position is position), None)
        if present is not None:
            witnesses.append(Signer(title=title, name=present.name))
    agenda = [_agenda_item(decision) for decision in meeting.decisions]
    return MeetingRecord(
        head=head,
        kind=_kind_words(meeting),
        village_kind="Kelurahan" if kelurahan else "Desa",
        number=meeting.ba_number,
        held_on=meeting.held_on,
        place=meeting.place,
        village=village,
        kecamatan=kecamatan,
        regency=names_for(meeting.region_code).region,
        participants=participants,
        agenda=agenda,
        notes=meeting.notes,
        village_head=Signer(title=f"{word} {village}", name=chief.name if chief else ""),
        witnesses=witnesses,
        annex_headers=ANNEX_HEADERS,
        annex_rows=_annex_rows(meeting, full=actor.allows(*FULL_NIK)),
        annex_widths=ANNEX_WIDTHS,
    )


def printed_meeting(session: Session, actor: Actor, meeting_id: int, document: str) -> MeetingRecord:
    """`meeting_record`, with the audit row of who printed the BA or SPTJM (the caller commits)."""
    printed = meeting_record(session, actor, meeting_id)
    full = " (NIK dan No. KK lengkap)" if actor.allows(*FULL_NIK) else ""
    message = f"{document} {printed.kind} {printed.number or '-'} dicetak sebagai PDF{full}."
    _audit_print(session, Meeting, meeting_id, message)
    return printed


def _annex_rows(meeting: Meeting, *, full: bool) -> list[list[str]]:
    rows: list[list[str]] = []
    for decision in meeting.decisions:
        household = decision.proposal.household
        said = decision.decision.label if decision.decision is not None else "Belum diputus"
        address = address_of(household)
        for member in sorted(household.members, key=lambda m: (m.family_relation is not FamilyRelation.HEAD, m.id)):
            rows.append(
                [
                    str(len(rows) + 1),
                    member.nik if full else mask_identity_number(member.nik),
                    household.no_kk if full else mask_identity_number(household.no_kk),
                    member.name,
                    member.sex.value,
                    f"{member.birth_date:%d-%m-%Y}",
                    member.family_relation.label,
                    address,
                    said,
                ]
            )
    return rows


def _kind_words(meeting: Meeting) -> str:
    return meeting.kind.label.split(" (")[0]


def _agenda_item(decision: MeetingDecision) -> AgendaItem:
    """One agenda line; the No. KK masked, as on every page without the full-NIK right (the BA is read aloud and
    posted in the village office)."""
    proposal = decision.proposal
    household = proposal.household
    said = decision.decision.label if decision.decision is not None else "belum diputus"
    if decision.decision is Decision.REJECTED and decision.note:
        said = f"{said} ({decision.note})"
    return AgendaItem(
        head_name=household.head_name,
        no_kk=mask_identity_number(household.no_kk),
        proposal=proposal.kind.label,
        decision=said,
    )


def decree_document(session: Session, actor: Actor, decree_id: int) -> DecreeDocument:
    """A decree (district SK Pengesahan, ministry SK Penetapan) or the province's cover letter as printed, with its
    annex as kept at signing; NIK and No. KK in full only for a role that sees them so."""
    actor.require(DECREE_DETAILS)
    decree = load_decree(session, actor, decree_id)
    kind = _DOCUMENT_KIND[decree.kind]
    province = decree.kind is DecreeKind.PROVINCE_FORWARDING
    head = letterhead(session, decree.region_code or None, regency_level=not province)
    full = actor.allows(*FULL_NIK)
    rows: list[list[str]] = []
    members = 0
    for row in decree_annex_rows(session, decree, full_identity=full):  # streamed: counted whole, kept up to the cap
        members += 1
        if members <= PDF_ANNEX_MOST_ROWS:
            rows.append([_cell(value) for value in printed_row(row)])
    duty = SignerDuty.KEPALA_DINAS if province else SignerDuty.KEPALA_DAERAH
    kept = head.signers.get(duty)
    title = decree.signer_title or (kept.title if kept else head.names.head_title)
    same_signer = kept is not None and kept.name == decree.signer_name
    return DecreeDocument(
        head=head,
        kind=kind,
        number=decree.number or "",
        dated=decree.decree_date,
        period=decree.period or "",
        signer=Signer(
            title=title,
            name=decree.signer_name,
            rank=kept.rank if same_signer and kept else "",
            nip=kept.nip if same_signer and kept else "",
        ),
        families=len(decree.proposals),
        members=members,
        forwarded=_forwarded(decree) if province else (),
        annex_headers=[column.header for column in BNBA_PRINT_COLUMNS],
        annex_rows=rows if members <= PDF_ANNEX_MOST_ROWS else [],  # a whole annex or none: never a part
        annex_widths=_annex_widths(),
    )


def printed_decree(session: Session, actor: Actor, decree_id: int) -> DecreeDocument:
    """`decree_document`, with the audit row of who printed it (the caller commits)."""
    document = decree_document(session, actor, decree_id)
    full = " (NIK dan No. KK lengkap)" if actor.allows(*FULL_NIK) else ""
    _audit_print(session, Decree, decree_id, f"Naskah {document.number or '(draf)'} dicetak sebagai PDF{full}.")
    return document


def _audit_print(session: Session, model: type[Certificate | Meeting | Decree], pk: int, message: str) -> None:
    """The export audit row of a printed document, in the caller's transaction; the record was loaded in scope just
    before, so `session.get` reads it from the identity map."""
    row = session.get(model, pk)
    record(
        session,
        AuditAction.EXPORT,
        object_type=model.__tablename__,
        object_id=pk,
        region_code=getattr(row, "region_code", None),
        message=message,
    )


_DOCUMENT_KIND = {
    DecreeKind.DISTRICT_RATIFICATION: DECREE_DISTRICT,
    DecreeKind.PROVINCE_FORWARDING: COVER_LETTER,
    DecreeKind.MINISTRY_DETERMINATION: DECREE_MINISTRY,
}
LANDSCAPE_WIDTH_MM = 257.0  # A4 landscape between 20 mm margins; F4 is wider and takes the same table


def _annex_widths() -> list[float]:
    """The printable BNBA columns' widths (characters, reports/bnba.py) scaled to the landscape page."""
    total = sum(column.width for column in BNBA_PRINT_COLUMNS)
    return [LANDSCAPE_WIDTH_MM * column.width / total for column in BNBA_PRINT_COLUMNS]


def _cell(value: object) -> str:
    if isinstance(value, date):
        return f"{value:%d-%m-%Y}"
    return "" if value is None else str(value)


def _forwarded(decree: Decree) -> list[str]:
    """The district SKs whose proposals a cover letter sends on: "Keputusan Wali Kota Bima Nomor ... tanggal ...
    (12 keluarga)", one line each, in number order."""
    counts: dict[int, int] = {}
    found: dict[int, Decree] = {}
    for proposal in decree.proposals:
        for district in proposal.decrees:
            if district.kind is DecreeKind.DISTRICT_RATIFICATION and district.is_signed:
                found[district.id] = district
                counts[district.id] = counts.get(district.id, 0) + 1
    lines = []
    for district in sorted(found.values(), key=lambda d: (d.region_code, d.number or "")):
        names = names_for(district.region_code)
        lines.append(
            f"Keputusan {names.head_title} Nomor {district.number} tanggal {long_date(district.decree_date)} "
            f"({counts[district.id]} keluarga);"
        )
    return lines
