"""The flow of an usul or sanggah as a table: field check, the district's decision, the answer to the resident.

Recorded by the village operator or the Dinsos desk (the create form; status `dicatat`). The district sends it to
a field check; the TKSK, or the pendamping PKH in a village assigned to them, records what the check found (the
household's verval visit on the same visit model); the district grants it (chain/resident_requests.py writes the
draft proposal of the family's village: the request enters the proposal chain) or refuses it, with its reasons;
the desk records the answer given to the resident.
"""

from __future__ import annotations

from models.flow import Flow, FlowStep
from models.resident_request import RequestStatus
from models.user import Role

RESOURCE = "resident-request"
S = RequestStatus
_DISTRICT = frozenset({Role.OPERATOR_DINSOS})
_FIELD = frozenset({Role.TKSK, Role.PENDAMPING_PKH})  # the pendamping only in assigned villages
_DESK = frozenset({Role.OPERATOR_DINSOS, Role.PETUGAS_LAYANAN})
GRANT = "grant"


def _step(action: str, source: S, target: S, roles: frozenset[Role], label: str, needs_text: str = "") -> FlowStep[S]:
    return FlowStep(RESOURCE, action, source, target, roles, label, needs_text)


REQUEST_STEPS: tuple[FlowStep[RequestStatus], ...] = (
    _step("send_to_field", S.RECORDED, S.FIELD_CHECK, _DISTRICT, "Minta cek lapangan"),
    _step("record_check", S.FIELD_CHECK, S.CHECKED, _FIELD, "Catat hasil cek lapangan", "Hasil cek lapangan"),
    _step(GRANT, S.CHECKED, S.GRANTED, _DISTRICT, "Kabulkan (buat usulan ke desa)", "Pertimbangan keputusan"),
    _step("refuse", S.CHECKED, S.REFUSED, _DISTRICT, "Tolak", "Alasan penolakan"),
    _step("answer", S.GRANTED, S.ANSWERED, _DESK, "Catat jawaban kepada warga", "Jawaban kepada warga"),
    _step("answer", S.REFUSED, S.ANSWERED, _DESK, "Catat jawaban kepada warga", "Jawaban kepada warga"),
)
REQUEST_FLOW = Flow("The usul and sanggah flow", RESOURCE, S, REQUEST_STEPS, (S.RECORDED,), frozenset({S.ANSWERED}))
