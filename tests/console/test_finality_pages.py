"""Decided rows in the console: a lock and its reason in lists, a notice and disabled buttons on their page,
409 pages that lead back, the note on a partly decided form, and corrections through a new perbaikan proposal."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from models import Decree, Meeting, Proposal, ProposalKind, ProposalStatus, Role, finality
from tests.conftest import log_in
from tests.console.form_posts import SAVE, fixed_refusal, refusal_text, saved_row
from tests.console_client import ConsoleClient
from tests.factories import DEFAULT_VILLAGE, make_user
from tests.finality_world import dump, place

S = ProposalStatus


def _as(client: ConsoleClient, session: Session, role: Role, scope: str | None = DEFAULT_VILLAGE) -> ConsoleClient:
    make_user(session, role, scope, username=f"halaman_{role.value}")
    session.commit()
    log_in(client, f"halaman_{role.value}")
    return client


def _text(fragment: str) -> str:
    return " ".join(html.unescape(fragment).split())


def _form(session: Session, proposal_id: int, **changes: str) -> dict[str, str]:
    proposal = session.get(Proposal, proposal_id)
    form = {"kind": proposal.kind.value, "household": str(proposal.household_id), "reason": proposal.reason}
    form |= {name: "y" for name in ("has_ktp", "has_kk", "has_sktm") if getattr(proposal, name)}
    return {name: value for name, value in {**form, **changes}.items() if value}


def test_the_proposal_list_locks_the_decided_rows_and_says_why(client: ConsoleClient, db_session: Session) -> None:
    draft, ratified = place(db_session, S.DRAFT), place(db_session, S.RATIFIED)
    _as(client, db_session, Role.OPERATOR_DESA)

    page = client.get("/admin/proposal/list").text

    assert f"/admin/proposal/edit/{draft.proposal_id}" in page
    assert f"/admin/proposal/edit/{ratified.proposal_id}" not in page
    locks = re.findall(r'data-finality="(edit|delete)"[^>]*title="([^"]*)"', page)
    assert ("edit", finality.PROPOSAL_IN_DECREE) in [(kind, _text(title)) for kind, title in locks]
    assert any(kind == "delete" for kind, _ in locks)


def test_a_decided_proposals_page_says_why_and_leads_to_a_correction_proposal(
    client: ConsoleClient, db_session: Session
) -> None:
    ratified = place(db_session, S.RATIFIED)
    _as(client, db_session, Role.OPERATOR_DESA)

    page = client.get(f"/admin/proposal/details/{ratified.proposal_id}").text

    notice = re.search(r'id="finality-notice">(.*?)<a', page, re.S)
    assert notice is not None and _text(notice.group(1)) == finality.PROPOSAL_IN_DECREE
    link = re.search(r'id="correction-link"\s+href="([^"]+)"', page)
    assert link is not None
    assert _text(link.group(1)).endswith(f"/admin/proposal/create?household={ratified.household_id}&kind=perbaikan")
    assert re.search(r'data-finality="edit" disabled\s+title="[^"]+"', page)
    assert f"/admin/proposal/edit/{ratified.proposal_id}" not in page

    form = client.get(_text(link.group(1))).text
    assert '<option selected value="perbaikan">' in form
    assert f'"id": "{ratified.household_id}"' in html.unescape(form)  # the household picker, chosen
    fields = {"kind": "perbaikan", "household": str(ratified.household_id), "reason": "Alamat pindah RT"}
    changes = {"requested_changes-address": "Jl. Baru 5"}
    created = client.post("/admin/proposal/create", data={**fields, **changes, **SAVE}, follow_redirects=False)
    correction = saved_row(created, db_session, Proposal)
    assert (correction.kind, correction.status, correction.household_id) == (
        ProposalKind.UPDATE,
        S.DRAFT,
        ratified.household_id,
    )
    assert db_session.get(Proposal, ratified.proposal_id).status == S.RATIFIED


def test_a_refused_edit_answers_409_with_the_rule_and_the_way_back(client: ConsoleClient, db_session: Session) -> None:
    determined = place(db_session, S.DETERMINED)
    _as(client, db_session, Role.OPERATOR_DESA)
    before = dump(db_session)

    shown = client.get(f"/admin/proposal/edit/{determined.proposal_id}")
    saved = client.post(
        f"/admin/proposal/edit/{determined.proposal_id}", data={**_form(db_session, determined.proposal_id), **SAVE}
    )

    assert fixed_refusal(shown) == fixed_refusal(saved) == finality.PROPOSAL_IN_DECREE
    assert f'href="http://testserver/admin/proposal/details/{determined.proposal_id}"' in shown.text
    assert dump(db_session) == before


def test_a_bulk_delete_with_one_decided_row_deletes_nothing(client: ConsoleClient, db_session: Session) -> None:
    drafts = [place(db_session, S.DRAFT) for _ in range(2)]
    ratified = place(db_session, S.RATIFIED)
    _as(client, db_session, Role.OPERATOR_DESA)
    before = dump(db_session)

    pks = ",".join(str(p.proposal_id) for p in [*drafts, ratified])
    refusal = fixed_refusal(client.delete("/admin/proposal/delete", params={"pks": pks}))

    assert refusal == finality.PROPOSAL_IN_DECREE
    assert dump(db_session) == before


def test_a_proposal_the_musdes_decided_keeps_the_decision_but_completes_its_checklist(
    client: ConsoleClient, db_session: Session
) -> None:
    verified = place(db_session, S.VERIFIED)
    _as(client, db_session, Role.OPERATOR_DESA)
    url = f"/admin/proposal/edit/{verified.proposal_id}"

    page = client.get(url)
    assert page.status_code == 200
    note = re.search(r'id="finality-note">(.*?)</div>', page.text, re.S)
    assert note is not None and _text(note.group(1)) == finality.PROPOSAL_DECIDED

    before = dump(db_session)
    refused = client.post(url, data={**_form(db_session, verified.proposal_id, reason="Alasan lain"), **SAVE})
    assert refused.status_code == 400 and finality.PROPOSAL_DECIDED in refusal_text(refused)
    assert dump(db_session) == before
    saved = client.post(
        url, data={**_form(db_session, verified.proposal_id, has_sktm="y"), **SAVE}, follow_redirects=False
    )
    assert saved.status_code == 302
    db_session.expire_all()
    assert db_session.get(Proposal, verified.proposal_id).has_sktm is True


def test_a_signed_decree_and_a_finalised_meeting_show_why_on_their_pages(
    client: ConsoleClient, db_session: Session
) -> None:
    ratified = place(db_session, S.RATIFIED)
    _as(client, db_session, Role.ADMIN, None)
    decree_id, meeting_id = ratified.decree_ids[0], ratified.meeting_id

    decree_page = client.get(f"/admin/decree/details/{decree_id}").text
    meeting_page = client.get(f"/admin/meeting/details/{meeting_id}").text

    assert finality.DECREE_SIGNED in _text(decree_page)
    assert finality.MEETING_FINAL in _text(meeting_page)
    assert f"/admin/decree/edit/{decree_id}" not in decree_page
    assert fixed_refusal(client.get(f"/admin/meeting/edit/{meeting_id}")) == finality.MEETING_FINAL
    listed = client.get("/admin/decree/list").text
    assert 'data-finality="edit"' in listed and f"/admin/decree/edit/{decree_id}" not in listed
    assert db_session.get(Decree, decree_id).is_signed and db_session.get(Meeting, meeting_id).is_final


def test_the_enumerator_sees_a_lock_on_the_visit_of_a_proposal_in_a_decree(
    client: ConsoleClient, db_session: Session
) -> None:
    visited, ratified = place(db_session, S.VISITED), place(db_session, S.RATIFIED)
    _as(client, db_session, Role.PENDATA)

    page = client.get("/admin/visit/list").text

    assert f"/admin/visit/edit/{visited.visit_id}" in page
    assert f"/admin/visit/edit/{ratified.visit_id}" not in page
    assert fixed_refusal(client.get(f"/admin/visit/edit/{ratified.visit_id}")) == finality.VISIT_IN_DECREE


@pytest.fixture
def concurrent_ratification(app: Starlette, db_session: Session) -> Iterator[dict[str, Any]]:
    """Between the edit form's read and its write, another official's transaction ratifies the proposal."""
    sessions = app.state.session_factory  # the app's write path: the hook runs after its guards
    state: dict[str, Any] = {}

    def ratify_meanwhile(session: Session, *_: Any) -> None:
        proposal_id = state.pop("proposal_id", None)
        if proposal_id is not None:
            with session.get_bind().connect() as other:
                other.execute(text("UPDATE proposal SET status = 'ratified' WHERE id = :id"), {"id": proposal_id})
                other.commit()

    event.listen(sessions, "before_flush", ratify_meanwhile)  # after the guard: it already let the draft pass
    try:
        yield state
    finally:
        event.remove(sessions, "before_flush", ratify_meanwhile)


def test_a_trigger_refusal_reaches_the_form_in_bahasa_indonesia_not_as_a_500(
    client: ConsoleClient, db_session: Session, concurrent_ratification: dict[str, Any]
) -> None:
    draft = place(db_session, S.DRAFT)
    _as(client, db_session, Role.OPERATOR_DESA)
    concurrent_ratification["proposal_id"] = draft.proposal_id

    response = client.post(
        f"/admin/proposal/edit/{draft.proposal_id}",
        data={**_form(db_session, draft.proposal_id, reason="Ditulis saat SK ditandatangani"), **SAVE},
    )

    assert response.status_code == 400
    assert refusal_text(response) == finality.DATABASE_REFUSALS["[finality:proposal]"]
    stored = db_session.execute(select(Proposal.reason, Proposal.status).where(Proposal.id == draft.proposal_id))
    assert stored.one() == ("Keluarga miskin belum terdaftar", S.RATIFIED)
