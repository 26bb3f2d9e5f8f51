"""The cast of the chain scenario: one official per role, scoped to the right region, each in a browser.

Every official's browser logs in through the login form the first time it is used, and then clicks as an
official would: a workflow page's form carries the proposal's version, the post sends it back.
"""

from __future__ import annotations

import re
from typing import Any

from httpx2 import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from models import AuditAction, AuditEntry, PendampingVillage, Proposal, ProposalHistory, Role
from tests.conftest import log_in
from tests.console_client import ConsoleClient
from tests.factories import make_user

VILLAGE = "52.72.01.1001"  # Kelurahan Paruga, Kecamatan Rasanae Barat, Kota Bima
NEIGHBOUR_VILLAGE = "52.72.01.1002"  # Nae, same kecamatan
KECAMATAN = "52.72.01"
REGENCY = "52.72"
PROVINCE = "52"
SCOPES: dict[Role, str | None] = {
    Role.OPERATOR_DESA: VILLAGE,
    Role.KEPALA_DESA: VILLAGE,
    Role.PENDATA: VILLAGE,
    Role.TKSK: KECAMATAN,
    Role.PENDAMPING_PKH: KECAMATAN,
    Role.OPERATOR_DINSOS: REGENCY,
    Role.PETUGAS_LAYANAN: REGENCY,
    Role.PENYULUH: REGENCY,
    Role.KABID: REGENCY,
    Role.SEKRETARIS: REGENCY,
    Role.KEPALA_DINAS: REGENCY,
    Role.OPERATOR_PROVINSI: PROVINCE,
    Role.PUSDATIN: None,
}
_STATUS = re.compile(r'id="proposal-status">([^<]*)</span>')
_VERSION = re.compile(r'name="version" value="(\d+)"')


def full_name(role: Role) -> str:
    """The name the history and the letters show for the official of `role` (tests/factories.make_user)."""
    return f"Pengguna Uji skenario_{role.value}"


class Cast:
    """One user per role in `SCOPES` (plus an operator of the neighbouring village), logged in on first use; the
    pendamping PKH is assigned the village (not its neighbour)."""

    def __init__(self, app: Starlette, session: Session) -> None:
        self.app = app
        self._clients: dict[Role | str, ConsoleClient] = {}
        users = {
            role: make_user(session, role, scope, username=f"skenario_{role.value}") for role, scope in SCOPES.items()
        }
        make_user(session, Role.OPERATOR_DESA, NEIGHBOUR_VILLAGE, username="skenario_desa_tetangga")
        session.add(PendampingVillage(user_id=users[Role.PENDAMPING_PKH].id, region_code=VILLAGE))
        session.commit()

    def _browser(self, key: Role | str, username: str) -> ConsoleClient:
        if key not in self._clients:
            client = ConsoleClient(self.app, base_url="http://testserver")
            client.__enter__()
            log_in(client, username)
            self._clients[key] = client
        return self._clients[key]

    def __getitem__(self, role: Role) -> ConsoleClient:
        return self._browser(role, f"skenario_{role.value}")

    @property
    def neighbour(self) -> ConsoleClient:
        """The operator of another village of the same kecamatan."""
        return self._browser("neighbour", "skenario_desa_tetangga")

    def close(self) -> None:
        for client in self._clients.values():
            client.__exit__(None, None, None)


def workflow_page(client: ConsoleClient, proposal_id: int) -> Response:
    return client.get(f"/admin/proposal/workflow/{proposal_id}")


def status_shown(client: ConsoleClient, proposal_id: int) -> str:
    """The status label the proposal's page shows this official."""
    page = workflow_page(client, proposal_id)
    assert page.status_code == 200, page.status_code
    found = _STATUS.search(page.text)
    assert found is not None, "the page shows no status"
    return found.group(1)


def act(client: ConsoleClient, proposal_id: int, action: str, note: str = "") -> Response:
    """Open the proposal's page, find the offered form of `action` and confirm it (the version it carries)."""
    page = workflow_page(client, proposal_id)
    target = f"/admin/proposal/workflow/{proposal_id}/{action}"
    assert target in page.text, f"{action} is not offered on #{proposal_id}"
    version = _VERSION.search(page.text)
    assert version is not None
    response = client.post(target, data={"note": note, "version": version.group(1)}, follow_redirects=False)
    assert response.status_code == 303, f"{action} on #{proposal_id}: {response.status_code} {response.text[:400]}"
    return response


def history(session: Session, proposal_id: int) -> list[tuple[str, str, str]]:
    """(from, to, actor name) of every status change of the proposal, oldest first."""
    session.expire_all()
    rows = session.scalars(
        select(ProposalHistory).where(ProposalHistory.proposal_id == proposal_id).order_by(ProposalHistory.id)
    )
    return [(row.from_status.value if row.from_status else "", row.to_status.value, row.actor_name) for row in rows]


def audited_transitions(session: Session, proposal_id: int) -> list[tuple[str, str]]:
    """(before, after) status of every audited transition of the proposal, oldest first."""
    rows = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action == AuditAction.TRANSITION,
            AuditEntry.object_type == "proposal",
            AuditEntry.object_id == str(proposal_id),
        )
        .order_by(AuditEntry.id)
    )
    return [(row.before["status"], row.after["status"]) for row in rows]


def stored(session: Session, model: type[Any], pk: int) -> Any:
    session.expire_all()
    return session.get(model, pk)


def proposal_state(session: Session, proposal_id: int) -> tuple[str, int, int, int]:
    """(status, version, history rows, audited transitions): what an action that changed nothing leaves alone."""
    proposal = stored(session, Proposal, proposal_id)
    return (
        proposal.status.value,
        proposal.version,
        len(history(session, proposal_id)),
        len(audited_transitions(session, proposal_id)),
    )
