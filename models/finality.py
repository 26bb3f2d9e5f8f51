"""Finality: decided records stay decided. The one rule of which rows are fixed, from when, and what may still change.

- Proposal (`usulan`): open in `draft`, `in_musdes` and `returned`. Once a finalised Musdes decided it
  (`agreed`, `visited`, `verified`) what the Musdes decided stays: kind, household, reason, removal reason
  and requested changes; the documents checklist may still be completed until the village sends it. From
  `submitted` on nothing but the workflow's own transitions moves it: the status along an arrow of
  models/workflow.py, with the columns a transition writes. From `in_decree` on, and in the early final
  statuses (`rejected_musdes`, `not_eligible`), corrections go through a new `perbaikan` proposal. Only a
  draft that no finalised meeting decided and no decree holds may be deleted: the database would cascade
  away a finalised meeting's decision row.
- Visit (kunjungan verval): fixed once the TKSK confirmed it, or once its proposal moved past `visited`;
  a new visit attached to such a proposal is refused too.
- Decree (SK): fixed once signed, with its annex (the proposals it holds).
- Meeting (Musdes/Muskel): fixed once finalised, with its participants and decisions.
- PMT results and per-period standing: fixed once their period has a signed SK Penetapan.

"Fixed" is judged from the row as stored, never from the values about to be written, so the transition that
fixes a row still flushes. A parent the current transaction itself fixed or created (a decree signed, a
meeting finalised, rows seeded in their final state) still takes its children until that transaction commits:
a workflow step writes the whole decision at once. The pure functions below take plain facts (no database);
models/finality_rows.py reads those facts from rows, models/finality_guard.py enforces them on every flush,
and the triggers of alembic revision 3f1e2d4c5b6a repeat them in the database.
"""

from __future__ import annotations

from collections.abc import Iterable

from models.proposal import ProposalStatus
from models.refusals import Conflict
from models.workflow import TRANSITIONS

S = ProposalStatus


class RecordFixed(Conflict):
    """A write to a decided record; the message (Bahasa Indonesia) says what to do instead."""


# --- messages --------------------------------------------------------------------------------------

PROPOSAL_IN_DECREE = "Usulan ini sudah masuk SK; perbaikan data melalui usulan perbaikan baru."
PROPOSAL_CLOSED = (
    "Usulan ini sudah selesai diputuskan ({status}); datanya tidak dapat diubah. Bila keadaan keluarga berubah, "
    "buat usulan baru."
)
PROPOSAL_SENT = (
    "Usulan ini sudah dikirim ke Dinas Sosial ({status}); datanya tidak dapat diubah lagi. Bila ada yang perlu "
    "diperbaiki, Dinas Sosial mengembalikannya ke desa."
)
PROPOSAL_DECIDED = (
    "Musyawarah desa sudah memutuskan usulan ini: jenis usulan, keluarga, alasan, alasan dikeluarkan dan "
    "perubahan yang diminta tidak dapat diubah. Kelengkapan dokumen (KTP, KK, SKTM) masih dapat dilengkapi "
    "sampai usulan dikirim ke Dinas Sosial."
)
PROPOSAL_MOVES_BY_WORKFLOW = (
    "Status usulan ({status}) hanya berubah melalui tindakan alur usulan, satu langkah sesuai alurnya."
)
PROPOSAL_NOT_DRAFT = (
    "Usulan berstatus '{status}' tidak dapat dihapus; hanya usulan draf yang belum pernah diputuskan musyawarah "
    "yang dapat dihapus."
)
PROPOSAL_DECIDED_ONCE = (
    "Usulan ini pernah diputuskan musyawarah yang sudah difinalkan; keputusan itu tetap tercatat, sehingga "
    "usulan tidak dapat dihapus. Bila tidak dilanjutkan, biarkan sebagai draf."
)
PROPOSAL_IN_A_DECREE = "Usulan ini tercantum dalam lampiran SK, sehingga tidak dapat dihapus."
VISIT_CONFIRMED = (
    "Kunjungan verval ini sudah dikonfirmasi TKSK; datanya tidak dapat diubah atau dihapus. Bila keadaan "
    "keluarga berubah, catat kunjungan baru untuk usulan berikutnya."
)
VISIT_IN_DECREE = (
    "Usulan kunjungan ini sudah masuk SK; kunjungan verval-nya tidak dapat diubah, dihapus atau ditambah. "
    "Perbaikan data melalui usulan perbaikan baru."
)
VISIT_PAST = (
    "Usulan kunjungan ini sudah melewati tahap verval ({status}); kunjungan verval-nya tidak dapat diubah, "
    "dihapus atau ditambah."
)
DECREE_SIGNED = "SK yang sudah ditandatangani beserta lampiran dan berkasnya tidak dapat diubah."
DECREE_SIGNED_DELETE = "SK yang sudah ditandatangani tidak dapat dihapus."
MEETING_FINAL = "Musyawarah ini sudah difinalkan; agenda, keputusan, peserta dan Berita Acara tidak dapat diubah lagi."
MEETING_FINAL_DELETE = "Musyawarah yang sudah difinalkan tidak dapat dihapus."
PARTICIPANTS_FINAL = "Musyawarah sudah difinalkan; daftar peserta tidak dapat diubah."
PERIOD_DETERMINED = (
    "Periode {period} sudah ditetapkan dengan SK Penetapan; hasil PMT dan status DTKS periode itu tidak dapat "
    "diubah lagi. Usulan berikutnya ditetapkan pada periode selanjutnya."
)
HOUSEHOLD_WITH_FIXED_ROWS = (
    "Keluarga ini memiliki kunjungan verval atau hasil penetapan yang sudah final, sehingga tidak dapat dihapus."
)

# What a refusal of the database triggers (alembic 3f1e2d4c5b6a) means, by the marker its message carries.
DATABASE_REFUSALS = {
    "[finality:proposal-delete]": (
        "Hanya usulan draf yang belum pernah diputuskan musyawarah dan tidak tercantum dalam SK yang dapat dihapus."
    ),
    "[finality:proposal]": (
        "Usulan ini sudah diputuskan; datanya hanya berubah melalui tindakan alur usulan. Perbaikan data melalui "
        "usulan perbaikan baru."
    ),
    "[finality:visit]": (
        "Kunjungan verval ini sudah final (dikonfirmasi TKSK, atau usulannya sudah melewati tahap verval); "
        "datanya tidak dapat diubah, dihapus atau ditambah."
    ),
    "[finality:decree]": DECREE_SIGNED,
    "[finality:meeting]": MEETING_FINAL,
    "[finality:period]": (
        "Periode ini sudah ditetapkan dengan SK Penetapan; hasil PMT dan status DTKS periode itu tidak dapat "
        "diubah lagi."
    ),
}

# --- proposals ------------------------------------------------------------------------------------

OPEN = frozenset({S.DRAFT, S.IN_MUSDES, S.RETURNED})
DECIDED = frozenset({S.AGREED, S.VISITED, S.VERIFIED})  # by a finalised Musdes, not yet sent
SENT = frozenset({S.SUBMITTED, S.ACCEPTED})
IN_DECREE_ON = frozenset(
    {S.IN_DECREE, S.RATIFIED, S.FORWARDED, S.RECEIVED, S.DETERMINED, S.NOT_DETERMINED, S.REJECTED_MINISTRY}
)
CLOSED = frozenset({S.REJECTED_MUSDES, S.NOT_ELIGIBLE})
# What a transition writes (models/workflow.apply_transition, and SQLAlchemy's version counter and onupdate).
TRANSITION_COLUMNS = frozenset({"status", "status_changed_at", "return_reason", "version", "updated_at"})
BOOKKEEPING_COLUMNS = frozenset({"version", "updated_at"})
CHECKLIST = frozenset({"has_ktp", "has_kk", "has_sktm"})
MUSDES_DECIDED = ("kind", "household_id", "reason", "removal_reason", "requested_changes")
# Actor columns the database sets to NULL when the user is deleted (ON DELETE SET NULL); only that change passes.
ACTOR_COLUMNS = {
    "proposal": frozenset({"created_by_id"}),
    "visit": frozenset({"enumerator_id", "confirmed_by_id"}),
    "meeting": frozenset({"finalised_by_id"}),
}
ARROWS = frozenset((transition.source, transition.target) for transition in TRANSITIONS)
# Statuses whose visit may still change or be added: up to `visited`, and a proposal returned for re-verval.
VISIT_OPEN = frozenset({S.DRAFT, S.IN_MUSDES, S.AGREED, S.VISITED, S.RETURNED})


def proposal_refusal(status: ProposalStatus) -> str | None:
    """Why no field of a proposal in `status` may change (None: its form still edits something)."""
    if status in IN_DECREE_ON:
        return PROPOSAL_IN_DECREE
    if status in CLOSED:
        return PROPOSAL_CLOSED.format(status=status.label)
    if status in SENT:
        return PROPOSAL_SENT.format(status=status.label)
    return None


def proposal_note(status: ProposalStatus) -> str | None:
    """What a partly fixed proposal still lets change (shown with its form); None when open or fully fixed."""
    return PROPOSAL_DECIDED if status in DECIDED else None


def proposal_change_refusal(status: ProposalStatus, target: ProposalStatus, changed: Iterable[str]) -> str | None:
    """Why writing the `changed` columns (and moving to `target`) is refused for a proposal stored in `status`."""
    if status in OPEN:
        return None
    changed = set(changed)
    allowed = TRANSITION_COLUMNS | (CHECKLIST if status in DECIDED else frozenset())
    if changed - allowed:
        return proposal_refusal(status) or PROPOSAL_DECIDED
    moved = target != status
    if moved and (status, target) not in ARROWS:
        return PROPOSAL_MOVES_BY_WORKFLOW.format(status=status.label)
    if not moved and changed & (TRANSITION_COLUMNS - BOOKKEEPING_COLUMNS):
        return PROPOSAL_MOVES_BY_WORKFLOW.format(status=status.label)
    return None


def proposal_delete_refusal(status: ProposalStatus, *, decided_by_final_meeting: bool, in_a_decree: bool) -> str | None:
    """Why a proposal may not be deleted: only a draft never decided by a finalised meeting and in no decree."""
    if status in IN_DECREE_ON:
        return PROPOSAL_IN_DECREE
    if status != S.DRAFT:
        return PROPOSAL_NOT_DRAFT.format(status=status.label)
    if in_a_decree:
        return PROPOSAL_IN_A_DECREE
    return PROPOSAL_DECIDED_ONCE if decided_by_final_meeting else None


def offers_correction(status: ProposalStatus) -> bool:
    """Whether the proposal's page points to a new `perbaikan` proposal (corrections after a decree)."""
    return status in IN_DECREE_ON


# --- visits, decrees, meetings, periods -----------------------------------------------------------


def visit_refusal(*, confirmed: bool, proposal_status: ProposalStatus | None) -> str | None:
    """Why a visit may not change or be deleted: confirmed by the TKSK, or its proposal is past `visited`."""
    if confirmed and proposal_status not in IN_DECREE_ON:  # in a decree: say so, and where corrections go
        return VISIT_CONFIRMED
    return visit_parent_refusal(proposal_status)


def visit_parent_refusal(proposal_status: ProposalStatus | None) -> str | None:
    """Why a proposal in this status takes no visit any more (added, moved onto it, changed or deleted)."""
    if proposal_status is None or proposal_status in VISIT_OPEN:
        return None
    if proposal_status in IN_DECREE_ON:
        return VISIT_IN_DECREE
    return VISIT_PAST.format(status=proposal_status.label)


def decree_refusal(*, signed: bool, deleting: bool = False) -> str | None:
    if not signed:
        return None
    return DECREE_SIGNED_DELETE if deleting else DECREE_SIGNED


def meeting_refusal(*, final: bool, deleting: bool = False) -> str | None:
    if not final:
        return None
    return MEETING_FINAL_DELETE if deleting else MEETING_FINAL


def participant_refusal(*, meeting_final: bool) -> str | None:
    return PARTICIPANTS_FINAL if meeting_final else None


def decision_refusal(*, meeting_final: bool) -> str | None:
    return MEETING_FINAL if meeting_final else None


def period_refusal(period: str | None, *, determined: bool) -> str | None:
    return PERIOD_DETERMINED.format(period=period) if determined else None
