"""The complaint flow (Pengaduan) as a table: assign, start, resolve with a response, reject with a reason.

A complaint is opened by the ordinary create form (status `baru`). Assigning keeps the status (it names the
handler); starting moves it to `diproses`; resolving and rejecting close it with the text they require.
chain/complaints.py applies a step, with an audit entry: the trail is the history.
"""

from __future__ import annotations

from models.complaint import ComplaintStatus
from models.flow import Flow, FlowStep
from models.user import Role

RESOURCE = "complaint"
S = ComplaintStatus
ASSIGN = "assign"
# Who handles complaints at the district (the casbin seed, policies/policy.csv): the heads may also assign.
_HANDLERS = frozenset({Role.PETUGAS_LAYANAN, Role.OPERATOR_DINSOS, Role.KABID})
_ASSIGNERS = _HANDLERS | {Role.SEKRETARIS, Role.KEPALA_DINAS}


def _step(action: str, source: S, target: S, roles: frozenset[Role], label: str, needs_text: str = "") -> FlowStep[S]:
    return FlowStep(RESOURCE, action, source, target, roles, label, needs_text)


COMPLAINT_STEPS: tuple[FlowStep[ComplaintStatus], ...] = (
    _step(ASSIGN, S.NEW, S.NEW, _ASSIGNERS, "Tugaskan"),
    _step(ASSIGN, S.IN_PROGRESS, S.IN_PROGRESS, _ASSIGNERS, "Tugaskan"),
    _step("start", S.NEW, S.IN_PROGRESS, _HANDLERS, "Mulai proses"),
    _step("resolve", S.IN_PROGRESS, S.RESOLVED, _HANDLERS, "Selesaikan", "Tanggapan"),
    _step("reject", S.NEW, S.REJECTED, _HANDLERS, "Tolak", "Alasan penolakan"),
    _step("reject", S.IN_PROGRESS, S.REJECTED, _HANDLERS, "Tolak", "Alasan penolakan"),
)
CLOSED = frozenset({S.RESOLVED, S.REJECTED})  # a step into these writes the response and the time
COMPLAINT_FLOW = Flow("The complaint flow", RESOURCE, S, COMPLAINT_STEPS, (S.NEW,), CLOSED)
