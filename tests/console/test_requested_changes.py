"""An update proposal's requested changes: entered on the proposal form, applied by the SK Penetapan."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import AuditAction, AuditEntry, Household, Proposal, ProposalKind, ProposalStatus, Role
from tests.console.form_posts import create, edit, refusal_text, row_counts, saved_row, seed_register
from tests.console.test_ministry import _status
from tests.console_client import ConsoleClient, log_in_as_new_user
from tests.factories import make_pmt_model
from tests.ministry_cases import make_scored_proposal

SK_PENETAPAN = {
    "period": "2026-10",
    "number": "146/HUK/2026",
    "decree_date": "2026-10-15",
    "signer_name": "Menteri Sosial",
    "signer_title": "Menteri Sosial RI",
}
NEW_ADDRESS = {"address": "Jl. Sultan Salahuddin No. 3", "rt": "007"}


def _household(session: Session, proposal: Proposal) -> Household:
    session.expire_all()
    return session.get(Proposal, proposal.id).household


def test_a_determined_update_proposal_changes_the_household_and_the_audit_shows_it(
    client: ConsoleClient, db_session: Session
) -> None:
    model = make_pmt_model(db_session)
    # Stored received with their requested changes at once: a received proposal no longer changes.
    determined = make_scored_proposal(db_session, model, ProposalKind.UPDATE, 2, requested_changes=NEW_ADDRESS)
    not_determined = make_scored_proposal(db_session, model, ProposalKind.UPDATE, 8, requested_changes=NEW_ADDRESS)
    db_session.commit()
    before = _household(db_session, not_determined).address, _household(db_session, not_determined).rt
    log_in_as_new_user(client, db_session, Role.PUSDATIN, None)

    response = client.post("/admin/pmt-model/desk/determine", data=SK_PENETAPAN, follow_redirects=False)
    assert response.status_code == 303

    assert _status(db_session, determined) == ProposalStatus.DETERMINED
    changed = _household(db_session, determined)
    assert (changed.address, changed.rt) == (NEW_ADDRESS["address"], NEW_ADDRESS["rt"])
    assert _status(db_session, not_determined) == ProposalStatus.NOT_DETERMINED
    untouched = _household(db_session, not_determined)
    assert (untouched.address, untouched.rt) == before
    updates = db_session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == AuditAction.UPDATE,
            AuditEntry.object_type == "household",
            AuditEntry.object_id == str(changed.id),
        )
    ).all()
    assert any((entry.after or {}).get("address") == NEW_ADDRESS["address"] for entry in updates)
    assert not db_session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == AuditAction.UPDATE,
            AuditEntry.object_type == "household",
            AuditEntry.object_id == str(untouched.id),
        )
    ).all()


def test_an_update_proposal_stored_with_an_unknown_field_refuses_the_whole_sk_penetapan(
    client: ConsoleClient, db_session: Session
) -> None:
    model = make_pmt_model(db_session)
    proposal = make_scored_proposal(
        db_session, model, ProposalKind.UPDATE, 2, requested_changes={"no_kk": "5272010101010001"}
    )
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.PUSDATIN, None)

    response = client.post("/admin/pmt-model/desk/determine", data=SK_PENETAPAN, follow_redirects=False)

    assert response.status_code == 409
    assert "Perubahan tidak dapat diminta untuk: no_kk" in response.text
    assert _status(db_session, proposal) == ProposalStatus.RECEIVED


def test_proposal_form_stores_requested_changes_for_an_update_and_drops_them_for_other_kinds(
    admin_client: TestClient, db_session: Session
) -> None:
    seed = seed_register(db_session)
    fields = {"kind": "perbaikan", "household": str(seed.household_id), "reason": "Pindah RT", "removal_reason": ""}
    changes = {
        "requested_changes-address": " Jl. Gatot Subroto 9 ",
        "requested_changes-rt": "",
        "requested_changes-rw": "2",
    }

    response = create(admin_client, "proposal", {**fields, **changes})
    proposal = saved_row(response, db_session, Proposal)
    assert proposal.requested_changes == {"address": "Jl. Gatot Subroto 9", "rw": "2"}
    page = admin_client.get(f"/admin/proposal/details/{proposal.id}").text
    assert "Alamat: Jl. Gatot Subroto 9; RW: 2" in page

    response = edit(admin_client, "proposal", proposal.id, {**fields, **changes, "kind": "baru"})
    assert saved_row(response, db_session, Proposal).requested_changes == {}


def test_proposal_form_refuses_a_field_an_update_may_not_change(admin_client: TestClient, db_session: Session) -> None:
    seed = seed_register(db_session)
    before = row_counts(db_session)
    response = create(
        admin_client,
        "proposal",
        {
            "kind": "perbaikan",
            "household": str(seed.household_id),
            "reason": "Ganti KK",
            "removal_reason": "",
            "requested_changes-address": "Jl. Baru",
            "requested_changes-dtks_status": "terdaftar",
        },
    )
    assert response.status_code == 400
    assert "Perubahan tidak dapat diminta untuk: dtks_status (hanya alamat, RT dan RW)." in refusal_text(response)
    assert row_counts(db_session) == before
