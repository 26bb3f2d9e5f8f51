"""What each printed document carries, read in the actor's scope (reports/documents.py lays it out as PDF).

The office of a document is the profile of its regency (a village or kecamatan reads as its regency), of a province
or of the ministry (models/office.py); a region whose profile nobody filled in prints with the naming defaults of
models/office_names.py and the signer recorded on the record itself, so a letter is never blocked by it.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from chain.actor import Actor
from chain.audit import record
from chain.certificates import requested_member, signed_letter
from chain.letter_verification import public_code
from chain.musdes import DETAILS as MEETING_DETAILS
from chain.musdes import load_meeting
from chain.offices import letterhead, logo_bytes
from chain.uploads import FileStore
from models import Certificate, Meeting
from models.audit import AuditAction
from models.dates import long_date
from models.identity import mask_identity_number
from models.meeting import Decision, MeetingDecision, ParticipantPosition
from models.office import Letterhead, Signer, SignerDuty
from models.office_names import names_for
from models.region_codes import RegionLevel, ancestor_at, region_name
from models.time_zones import in_zone, zone_of_region
from reports.documents import AgendaItem, CertificateLetter, MeetingRecord, Participant
from reports.pdf_letter import SignatureBlock

CERTIFICATE_DETAILS = ("certificate", "details")
FULL_NIK = ("nik", "view_full")  # the letter carries the resident's own NIK and No. KK in full
VILLAGE_KIND_KELURAHAN = "1"  # Kemendagri: a village code whose serial starts with 1 is a kelurahan, 2 a desa


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
    address = ""
    if household is not None:
        address = " ".join(
            part
            for part in (household.address, f"RT {household.rt}" if household.rt else "",
                         f"RW {household.rw}" if household.rw else "")
            if part
        )  # fmt: skip
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
        signer=SignatureBlock(title=kepala.title, name=kepala.name, rank=kepala.rank, nip=kepala.nip),
        code=code,
        verify_url=verify_url(code),
        logo=logo_bytes(head, files),
    )


def printed_certificate(
    session: Session, actor: Actor, pk: int, verify_url: Callable[[str], str], files: FileStore | None = None
) -> CertificateLetter | None:
    """`certificate_letter`, with the audit row saying who printed the full-NIK letter (the caller commits)."""
    letter = certificate_letter(session, actor, pk, verify_url, files)
    certificate = session.get(Certificate, pk)  # loaded above, in scope: from the identity map
    if letter is not None and certificate is not None:
        record(
            session,
            AuditAction.EXPORT,
            object_type="certificate",
            object_id=pk,
            region_code=certificate.region_code,
            message=f"Surat keterangan {letter.number} dicetak sebagai PDF (NIK dan No. KK lengkap).",
        )
    return letter


def village_letterhead(session: Session, village_code: str) -> Letterhead:
    """A village document's kop: the regency's government, then "KELURAHAN X" or "DESA X" and its kecamatan."""
    regency = letterhead(session, village_code)
    village = region_name(village_code) or village_code
    kecamatan = region_name(ancestor_at(village_code, RegionLevel.KECAMATAN)) or ""
    word = "KELURAHAN" if village_code.rsplit(".", 1)[-1].startswith(VILLAGE_KIND_KELURAHAN) else "DESA"
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


def meeting_record(session: Session, actor: Actor, meeting_id: int, files: FileStore | None = None) -> MeetingRecord:
    """A Musdes/Muskel as its BA and SPTJM print it: participants, agenda with decisions, the village head."""
    actor.require(MEETING_DETAILS)
    meeting = load_meeting(session, actor, meeting_id)
    head = village_letterhead(session, meeting.region_code)
    village = region_name(meeting.region_code) or meeting.region_code
    kecamatan = region_name(ancestor_at(meeting.region_code, RegionLevel.KECAMATAN)) or ""
    participants = [Participant(p.name, p.position.label) for p in meeting.participants]
    chief = next((p for p in meeting.participants if p.position is ParticipantPosition.HEAD), None)
    word = "Lurah" if head.office.startswith("KELURAHAN") else "Kepala Desa"
    agenda = [_agenda_item(decision) for decision in meeting.decisions]
    return MeetingRecord(
        head=head,
        kind=_kind_words(meeting),
        number=meeting.ba_number,
        held_on=meeting.held_on,
        place=meeting.place,
        village=village,
        kecamatan=kecamatan,
        regency=names_for(meeting.region_code).region,
        participants=participants,
        agenda=agenda,
        notes=meeting.notes,
        village_head=SignatureBlock(title=f"{word} {village}", name=chief.name if chief else ""),
    )


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
        head_name=household.head_name if household is not None else "",
        no_kk=mask_identity_number(household.no_kk) if household is not None else "",
        proposal=proposal.kind.label.lower(),
        decision=said,
    )
