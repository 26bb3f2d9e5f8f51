"""The pendamping PKH over HTTP (issue 12, item 4): they read their kecamatan, record the ground check (a visit of
kind groundcheck with its variables) and take "Kunjungan verval selesai" and an usul/sanggah's field check only in
the villages Dinsos assigned to them; the district keeps those assignments, and a bad one changes nothing."""

from __future__ import annotations

import html
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from models import PendampingVillage, Proposal, ProposalStatus, RequestStatus, ResidentRequest, Role, User, Visit
from models.ground_check import MISSING_PRESENCE, VisitKind
from models.pendamping import NOT_A_PENDAMPING, NOT_A_VILLAGE, NOT_ASSIGNED, OUTSIDE_KECAMATAN
from tests.console.chain_cast import act, status_shown, workflow_page
from tests.console.form_posts import create, refusal_text
from tests.console.test_chain_scenario import GROUND_CHECK, POOR_HOUSE
from tests.console_client import ConsoleClient, client_logged_in_as
from tests.factories import make_proposal, make_user, make_visit

KECAMATAN = "52.72.01"
ASSIGNED, NEIGHBOUR = "52.72.01.1001", "52.72.01.1002"
OTHER_KECAMATAN_VILLAGE = "52.72.02.1001"


def _visits(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Visit)) or 0


def _pendamping(app: Starlette, session: Session, name: str = "pendamping_uji") -> tuple[ConsoleClient, User]:
    client = client_logged_in_as(app, session, Role.PENDAMPING_PKH, KECAMATAN, name)
    user = session.scalars(select(User).where(User.username == name)).one()
    session.add(PendampingVillage(user_id=user.id, region_code=ASSIGNED))
    session.commit()
    return client, user


def _ground_check(proposal: Proposal, /, **changes: str) -> dict[str, str]:
    return {"household": str(proposal.household_id), "proposal": str(proposal.id), "enumerator_name": "Sri Wahyuni",
            "visited_on": "2026-11-20", "notes": "", **POOR_HOUSE, **GROUND_CHECK, **changes}  # fmt: skip


def test_the_pendamping_reads_the_kecamatan_but_ground_checks_only_the_assigned_village(
    app: Starlette, db_session: Session
) -> None:
    assigned = make_proposal(db_session, ProposalStatus.AGREED, region_code=ASSIGNED)
    neighbour = make_proposal(db_session, ProposalStatus.AGREED, region_code=NEIGHBOUR)
    db_session.commit()
    client, user = _pendamping(app, db_session)
    with client:
        assert status_shown(client, neighbour.id) == "Disetujui Musdes"  # read: the whole kecamatan
        assert client.get(f"/admin/household/details/{neighbour.household_id}").status_code == 200

        refused = create(client, "visit", _ground_check(neighbour))
        assert refused.status_code in (400, 409), refused.status_code
        assert NOT_ASSIGNED.format(village=NEIGHBOUR) in html.unescape(refused.text)
        assert _visits(db_session) == 0

        missing = create(client, "visit", _ground_check(assigned, family_presence=""))
        assert missing.status_code == 400 and MISSING_PRESENCE in refusal_text(missing)
        assert _visits(db_session) == 0

        # A pendamping's visit is a ground check whatever the form says.
        assert create(client, "visit", _ground_check(assigned, kind="verval")).status_code == 302
        visit = db_session.scalars(select(Visit)).one()
        assert (visit.kind, visit.livelihood.value, visit.children_out_of_school) == (
            VisitKind.GROUND_CHECK,
            "buruh_harian",
            1,
        )
        act(client, assigned.id, "record_visit")
        assert status_shown(client, assigned.id) == "Sudah dikunjungi"

        # The neighbour's proposal, visited by its own enumerator: the form is offered (the role may), the write
        # is refused with the reason, nothing moves.
        make_visit(db_session, neighbour.household, neighbour)
        db_session.commit()
        page = workflow_page(client, neighbour.id).text
        target = f"/admin/proposal/workflow/{neighbour.id}/record_visit"
        assert target in page
        version = page.split('name="version" value="', 1)[1].split('"', 1)[0]
        refused = client.post(target, data={"note": "", "version": version}, follow_redirects=True)
        assert refused.status_code != 500 and NOT_ASSIGNED.format(village=NEIGHBOUR) in html.unescape(refused.text)
        db_session.expire_all()
        assert db_session.get_one(Proposal, neighbour.id).status is ProposalStatus.AGREED
    assert user.role.writes_in_assigned_villages


def test_the_pendamping_records_the_field_check_of_a_sanggah_in_an_assigned_village_only(
    app: Starlette, db_session: Session
) -> None:
    requests = {}
    for village in (ASSIGNED, NEIGHBOUR):
        proposal = make_proposal(db_session, ProposalStatus.DRAFT, region_code=village)
        request = ResidentRequest(kind="sanggah", channel="cek_bansos", household_id=proposal.household_id,
                                  region_code=village, dispute="salah_masuk", resident_name="Warga",
                                  resident_contact="", statement="Punya mobil.",
                                  status=RequestStatus.FIELD_CHECK)  # fmt: skip
        db_session.add(request)
        db_session.flush()
        requests[village] = (request.id, proposal)
    db_session.commit()
    client, _ = _pendamping(app, db_session)
    with client:
        for request_id, proposal in requests.values():
            visit = _ground_check(proposal, proposal="", visited_on=date.today().isoformat())
            create(client, "visit", visit)
            page = client.get(f"/admin/resident-request/process/{request_id}").text
            token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            client.post(f"/admin/resident-request/process/{request_id}/record_check",
                        data={"csrf_token": token, "text": "Benar, ada mobil."})  # fmt: skip
        db_session.expire_all()
        assigned_id, neighbour_id = requests[ASSIGNED][0], requests[NEIGHBOUR][0]
        assert db_session.get_one(ResidentRequest, assigned_id).status is RequestStatus.CHECKED
        assert db_session.get_one(ResidentRequest, neighbour_id).status is RequestStatus.FIELD_CHECK
        assert _visits(db_session) == 1


def test_the_district_assigns_villages_and_a_wrong_assignment_changes_nothing(
    app: Starlette, db_session: Session
) -> None:
    pendamping = make_user(db_session, Role.PENDAMPING_PKH, KECAMATAN, username="pendamping_baru")
    tksk = make_user(db_session, Role.TKSK, KECAMATAN, username="tksk_bukan_pendamping")
    elsewhere = make_user(db_session, Role.PENDAMPING_PKH, "52.71.01", username="pendamping_kab_bima")
    db_session.commit()
    dinsos = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, "52.72", "dinsos_penugasan")

    def assign(user: User, village: str) -> str:
        response = create(dinsos, "pendamping-village", {"user": str(user.id), "region": village})
        return "" if response.status_code == 302 else refusal_text(response)

    with dinsos:
        assert assign(tksk, ASSIGNED) == NOT_A_PENDAMPING
        assert assign(pendamping, KECAMATAN) == NOT_A_VILLAGE
        assert assign(pendamping, OTHER_KECAMATAN_VILLAGE) == OUTSIDE_KECAMATAN.format(
            village=OTHER_KECAMATAN_VILLAGE, kecamatan=KECAMATAN
        )
        assert "di luar wilayah tugas" in assign(elsewhere, "52.71.01.1004")
        assert db_session.scalar(select(func.count()).select_from(PendampingVillage)) == 0
        assert assign(pendamping, ASSIGNED) == ""
        listed = dinsos.get("/admin/pendamping-village/list")
        assert listed.status_code == 200 and ASSIGNED in listed.text
    rows = db_session.scalars(select(PendampingVillage)).all()
    assert [(row.user_id, row.region_code) for row in rows] == [(pendamping.id, ASSIGNED)]

    reader = client_logged_in_as(app, db_session, Role.PENDAMPING_PKH, KECAMATAN, "pendamping_pembaca")
    with reader:
        assert reader.get("/admin/pendamping-village/list").status_code == 200
        assert reader.get("/admin/pendamping-village/create").status_code in (401, 403)
