"""The certificate paraf chain (seed 004) as a table: penyuluh sosial -> kabid -> sekretaris -> kepala dinas.

A registered request starts at `diajukan`; each official initials it in turn and the kepala dinas signs,
one CertificateApproval per step, in this order only (chain/certificates.py applies a step). A request
whose NIK is not registered is closed at once and has no step. The desk's lookup opens a request.
"""

from __future__ import annotations

from models.certificate import CertificateStep
from models.flow import Flow, FlowStep, Opening
from models.user import Role

RESOURCE = "certificate"
S = CertificateStep


def _step(action: str, source: CertificateStep, target: CertificateStep, role: Role, label: str) -> FlowStep[S]:
    return FlowStep(RESOURCE, action, source, target, frozenset({role}), label)


LOOKUP = Opening(RESOURCE, "lookup", frozenset({Role.PETUGAS_LAYANAN}), "Layanan NIK (permohonan baru)")
PARAF_CHAIN: tuple[FlowStep[CertificateStep], ...] = (
    _step("paraf_penyuluh", S.REQUESTED, S.PARAF_PENYULUH, Role.PENYULUH, "Paraf penyuluh sosial"),
    _step("paraf_kabid", S.PARAF_PENYULUH, S.PARAF_KABID, Role.KABID, "Paraf kabid"),
    _step("paraf_sekretaris", S.PARAF_KABID, S.PARAF_SEKRETARIS, Role.SEKRETARIS, "Paraf sekretaris"),
    _step("sign", S.PARAF_SEKRETARIS, S.SIGNED, Role.KEPALA_DINAS, "Tanda tangan kepala dinas"),
)
FINAL_STEPS = frozenset({S.SIGNED, S.CLOSED})
# The lookup opens a registered request at `diajukan` and closes one not registered at once.
CERTIFICATE_FLOW = Flow(
    "The certificate paraf chain", RESOURCE, S, PARAF_CHAIN, (S.REQUESTED, S.CLOSED), FINAL_STEPS, LOOKUP
)
