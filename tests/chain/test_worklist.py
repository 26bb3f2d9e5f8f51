"""The worklist per role (chain/worklist.py): what waits for each official, counted against direct SQL, in scope,
oldest first, with the SOP deadline and the late mark; the statuses come from the flow tables themselves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chain import worklist
from chain.actor import actor_for
from chain.worklist import SIDE_ACTIONS, WorkKind
from models import Proposal, ProposalStatus, Role
from models.certificate import Certificate, CertificateResult, CertificateStep
from models.complaint import Complaint, ComplaintStatus
from models.decree import Decree, DecreeKind
from models.resident_request import Dispute, RequestChannel, RequestKind, RequestStatus, ResidentRequest
from models.workflow import TRANSITIONS
from tests.factories import assign_villages, make_decree, make_household, make_proposal, make_user, new_complaint

VILLAGE = "52.72.01.1001"
NEIGHBOUR = "52.72.01.1002"
OTHER_REGENCY = "52.71.01.1004"
NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # a Friday
LONG_AGO = datetime(2026, 10, 1, 2, tzinfo=UTC)
YESTERDAY = NOW - timedelta(days=1)

# (village, status, entered) -> proposals across the chain and three places.
PROPOSALS = [
    (VILLAGE, ProposalStatus.DRAFT, LONG_AGO),
    (VILLAGE, ProposalStatus.DRAFT, YESTERDAY),
    (VILLAGE, ProposalStatus.IN_MUSDES, YESTERDAY),
    (VILLAGE, ProposalStatus.AGREED, LONG_AGO),
    (NEIGHBOUR, ProposalStatus.AGREED, YESTERDAY),
    (VILLAGE, ProposalStatus.VISITED, LONG_AGO),
    (VILLAGE, ProposalStatus.VERIFIED, YESTERDAY),
    (VILLAGE, ProposalStatus.SUBMITTED, LONG_AGO),
    (NEIGHBOUR, ProposalStatus.SUBMITTED, YESTERDAY),
    (VILLAGE, ProposalStatus.RETURNED, YESTERDAY),
    (VILLAGE, ProposalStatus.ACCEPTED, YESTERDAY),
    (VILLAGE, ProposalStatus.RATIFIED, LONG_AGO),
    (VILLAGE, ProposalStatus.FORWARDED, YESTERDAY),
    (OTHER_REGENCY, ProposalStatus.SUBMITTED, LONG_AGO),
    (OTHER_REGENCY, ProposalStatus.DRAFT, LONG_AGO),
    (VILLAGE, ProposalStatus.DETERMINED, LONG_AGO),
]


@pytest.fixture
def register(db_session: Session) -> None:
    for village, status, entered in PROPOSALS:
        make_proposal(db_session, status, region_code=village, status_changed_at=entered)
    household = make_household(db_session, region_code=VILLAGE)
    db_session.add_all(
        [
            Certificate(
                region_code="52.72", requested_nik="5272014107800001", applicant_name="Siti Aminah",
                result=CertificateResult.REGISTERED, step=CertificateStep.PARAF_KABID, requested_at=LONG_AGO,
            ),
            Certificate(
                region_code="52.72", requested_nik="5272014107800002", applicant_name="Baru Saja",
                result=CertificateResult.REGISTERED, step=CertificateStep.PARAF_KABID, requested_at=NOW,
            ),
            Certificate(
                region_code="52.71", requested_nik="5271014107800003", applicant_name="Kabupaten Lain",
                result=CertificateResult.REGISTERED, step=CertificateStep.PARAF_KABID, requested_at=LONG_AGO,
            ),
            new_complaint(VILLAGE),
            new_complaint(VILLAGE, status=ComplaintStatus.IN_PROGRESS),
            new_complaint(VILLAGE, status=ComplaintStatus.RESOLVED),
            ResidentRequest(
                kind=RequestKind.SANGGAH, channel=RequestChannel.WALK_IN, household_id=household.id,
                region_code=VILLAGE, resident_name="Warga Penyanggah", statement="Tetangga mampu.",
                dispute=Dispute.WRONGLY_INCLUDED,
                status=RequestStatus.FIELD_CHECK,
            ),
            ResidentRequest(
                kind=RequestKind.USUL, channel=RequestChannel.WALK_IN, household_id=household.id,
                region_code=VILLAGE, resident_name="Warga Pengusul", statement="Keluarga miskin.",
            ),
        ]
    )  # fmt: skip
    make_decree(db_session)  # Kota Bima's draft SK
    make_decree(db_session, number="460/1/2026", signed_at=LONG_AGO)  # signed: waits for nobody
    make_decree(db_session, region_code="52.71")  # another regency's
    db_session.commit()


def _worklist(session: Session, role: Role, scope: str | None, *villages: str) -> worklist.Worklist:
    user = make_user(session, role, scope)
    assign_villages(session, user, *villages)
    session.commit()
    return worklist.build(session, actor_for(session, user), NOW)


def _counts(found: worklist.Worklist) -> dict[str, int]:
    return {step.key: step.count.rows for step in found.steps}


def _sql_count(session: Session, model: type, *where: object) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _in(column: object, code: str) -> object:
    return column.startswith(code)  # type: ignore[attr-defined]


@pytest.mark.usefixtures("register")
@pytest.mark.parametrize(
    ("role", "scope", "villages", "expected"),
    [
        (Role.OPERATOR_DESA, VILLAGE, (), {"proposal:draft": 2, "proposal:verified": 1, "proposal:returned": 1}),
        (Role.KEPALA_DESA, VILLAGE, (), {"proposal:in_musdes": 1}),
        (Role.PENDATA, VILLAGE, (), {"proposal:agreed": 1}),
        (Role.TKSK, "52.72.01", (), {"proposal:visited": 1, "resident-request:cek_lapangan": 1}),
        (Role.PENDAMPING_PKH, "52.72.01", (NEIGHBOUR,), {"proposal:agreed": 1, "resident-request:cek_lapangan": 0}),
        (
            Role.OPERATOR_DINSOS,
            "52.72",
            (),
            {
                "proposal:submitted": 2,
                "proposal:accepted": 1,
                "proposal:in_decree": 0,
                "resident-request:dicatat": 1,
                "resident-request:sudah_dicek": 0,
                "resident-request:dikabulkan": 0,
                "resident-request:ditolak": 0,
                "complaint:baru": 1,
                "complaint:diproses": 1,
                "decree:draft": 1,
                "programme-membership:ditangguhkan": 0,
            },
        ),
        (Role.KABID, "52.72", (), {"certificate:paraf_penyuluh": 0, "complaint:baru": 1, "complaint:diproses": 1}),
        (Role.SEKRETARIS, "52.72", (), {"certificate:paraf_kabid": 2}),
        (Role.OPERATOR_PROVINSI, "52", (), {"proposal:ratified": 1}),
        (Role.PUSDATIN, None, (), {"proposal:forwarded": 1, "proposal:received": 0}),
        (Role.ADMIN, None, (), {}),
    ],
)
def test_each_role_sees_what_waits_for_it_in_its_region(
    db_session: Session, role: Role, scope: str | None, villages: tuple[str, ...], expected: dict[str, int]
) -> None:
    found = _worklist(db_session, role, scope, *villages)
    assert _counts(found) == expected
    assert found.total == sum(expected.values())


@pytest.mark.usefixtures("register")
def test_the_counts_equal_direct_sql_and_the_oldest_come_first(db_session: Session) -> None:
    found = _worklist(db_session, Role.OPERATOR_DINSOS, "52.72")
    by_key = {step.key: step for step in found.steps}
    submitted = by_key["proposal:submitted"]
    where = (Proposal.status == ProposalStatus.SUBMITTED, _in(Proposal.region_code, "52.72"))
    assert submitted.count.rows == _sql_count(db_session, Proposal, *where)
    assert [item.since for item in submitted.items] == sorted(item.since for item in submitted.items)
    assert [item.late for item in submitted.items] == [True, False]  # 2 months in "submitted": past its target
    assert submitted.late == 1
    assert submitted.items[0].due is not None and submitted.items[0].due < NOW.date()
    assert "Terima" in submitted.actions and "Kembalikan ke desa" in submitted.actions
    draft_decrees = _sql_count(
        db_session, Decree, Decree.signed_at.is_(None), Decree.region_code == "52.72",
        Decree.kind == DecreeKind.DISTRICT_RATIFICATION,
    )  # fmt: skip
    assert by_key["decree:draft"].count.rows == draft_decrees == 1
    new_complaints = _sql_count(
        db_session, Complaint, Complaint.status == ComplaintStatus.NEW, _in(Complaint.region_code, "52.72")
    )
    assert by_key["complaint:baru"].count.rows == new_complaints
    assert by_key["complaint:baru"].late == 0  # the SOP sets complaints no deadline: listed by age only


@pytest.mark.usefixtures("register")
def test_a_certificate_is_late_after_the_service_standard(db_session: Session) -> None:
    step = _worklist(db_session, Role.SEKRETARIS, "52.72").steps[0]
    assert step.kind is WorkKind.CERTIFICATE
    assert [item.title.split("a.n. ")[1] for item in step.items] == ["Siti Aminah", "Baru Saja"]
    assert [item.late for item in step.items] == [True, False]
    assert step.late == 1


@pytest.mark.usefixtures("register")
def test_a_family_row_names_the_family_not_just_a_number(db_session: Session) -> None:
    step = _worklist(db_session, Role.KEPALA_DESA, VILLAGE).steps[0]
    (item,) = step.items
    proposal = db_session.get(Proposal, item.record_id)
    assert proposal is not None and proposal.household.head_name
    assert proposal.household.head_name in item.title and f"#{proposal.id}" in item.title


@pytest.mark.usefixtures("register")
def test_the_badge_counts_without_reading_rows(db_session: Session) -> None:
    user = make_user(db_session, Role.OPERATOR_DESA, VILLAGE)
    db_session.commit()
    actor = actor_for(db_session, user)
    assert worklist.waiting_count(db_session, actor) == worklist.build(db_session, actor, NOW).total == 4
    counted_only = worklist.build(db_session, actor, NOW, shown=0)
    assert all(not step.items for step in counted_only.steps)


def test_a_user_without_a_region_sees_nothing(db_session: Session) -> None:
    user = make_user(db_session, Role.OPERATOR_DESA, VILLAGE)
    user.scope_region_code = None  # the database refuses such a user; the worklist must not widen to the nation
    found = worklist.build(db_session, actor_for(db_session, user), NOW)
    assert found.steps == ()


def test_every_non_final_status_waits_for_someone() -> None:
    """Each status a record can stay in is some role's queue: nothing falls between two desks."""
    waiting = {queue.status for role in Role for queue in worklist.proposal_queues(role)}
    expected = {t.source for t in TRANSITIONS if t.action not in SIDE_ACTIONS and not t.source.is_final}
    assert waiting == expected
    assert {status for status in ProposalStatus if not status.is_final} <= waiting
