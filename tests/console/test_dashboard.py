"""The dashboard per tier over HTTP: scoped counts, overdue list, charts as SVG; step targets by admin only."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import MembershipStatus, Programme, ProgrammeMembership, Proposal, ProposalKind, ProposalStatus, Role
from models.deadline import StepTarget
from models.household import DtksStatus
from models.periods import period_of
from tests.conftest import log_in
from tests.console_client import log_in_as_new_user
from tests.factories import make_household, make_user

OWN_VILLAGE = "52.72.01.1001"
SIBLING_VILLAGE = "52.72.01.1002"
OTHER_KECAMATAN = "52.72.02.1004"
OTHER_REGENCY = "52.71.01.1004"
OTHER_PROVINCE = "73.02.01.1001"
SVG = "{http://www.w3.org/2000/svg}"
LONG_AGO = datetime(2025, 1, 6, 8, tzinfo=UTC)

# (village, status, changed long ago?) -> proposals placed across five regions.
ROWS = [
    (OWN_VILLAGE, ProposalStatus.DRAFT, True),
    (OWN_VILLAGE, ProposalStatus.DRAFT, False),
    (OWN_VILLAGE, ProposalStatus.SUBMITTED, True),
    (SIBLING_VILLAGE, ProposalStatus.AGREED, True),
    (OTHER_KECAMATAN, ProposalStatus.DETERMINED, True),
    (OTHER_REGENCY, ProposalStatus.DRAFT, True),
    (OTHER_PROVINCE, ProposalStatus.SUBMITTED, False),
]
# Registered households with a desil, per village.
DESILS = [(OWN_VILLAGE, 1), (OWN_VILLAGE, 1), (OWN_VILLAGE, 3), (SIBLING_VILLAGE, 2), (OTHER_PROVINCE, 1)]


@pytest.fixture
def register(db_session: Session) -> list[Proposal]:
    proposals = []
    for village, status, old in ROWS:
        household = make_household(db_session, region_code=village)
        proposal = Proposal(kind=ProposalKind.NEW, household=household, region_code=village, status=status)
        proposal.status_changed_at = LONG_AGO if old else datetime.now(UTC)
        db_session.add(proposal)
        proposals.append(proposal)
    for village, desil in DESILS:
        make_household(db_session, region_code=village, dtks_status=DtksStatus.REGISTERED, desil=desil)
    # Not registered: never in the desil distribution.
    make_household(db_session, region_code=OWN_VILLAGE, desil=2)
    db_session.commit()
    return proposals


def _table(html: str, table_id: str, attribute: str) -> dict[str, int]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return {key: int(count) for key, count in re.findall(rf'{attribute}="([^"]*)">.*?<td>(\d+)</td></tr>', body)}


def _overdue_ids(html: str) -> list[int]:
    body = html.split('id="overdue"', 1)[1].split("</table>", 1)[0]
    return [int(pk) for pk in re.findall(r">#(\d+)</a>", body)]


@pytest.mark.parametrize(
    ("role", "scope", "statuses", "per_region", "overdue", "desils"),
    [
        (
            Role.OPERATOR_DESA,
            OWN_VILLAGE,
            {"draft": 2, "submitted": 1},
            {OWN_VILLAGE: 3},
            [0, 2],
            {"1": 2, "3": 1},
        ),
        (
            Role.OPERATOR_DINSOS,
            "52.72",
            {"draft": 2, "submitted": 1, "agreed": 1, "determined": 1},
            {"52.72.01": 4, "52.72.02": 1},
            [0, 2, 3],
            {"1": 2, "2": 1, "3": 1},
        ),
        (
            Role.PUSDATIN,
            None,
            {"draft": 3, "submitted": 2, "agreed": 1, "determined": 1},
            {"52": 6, "73": 1},
            [0, 2, 3, 5],
            {"1": 3, "2": 1, "3": 1},
        ),
    ],
)
def test_dashboard_counts_only_the_scope(
    client: TestClient,
    db_session: Session,
    register: list[Proposal],
    role: Role,
    scope: str | None,
    statuses: dict[str, int],
    per_region: dict[str, int],
    overdue: list[int],
    desils: dict[str, int],
) -> None:
    log_in_as_new_user(client, db_session, role, scope)

    response = client.get("/admin/dashboard")

    assert response.status_code == 200
    html = response.text
    assert _table(html, "status-counts", "data-status") == statuses
    shown_regions = {code: count for code, count in _table(html, "region-counts", "data-region").items() if count}
    assert shown_regions == per_region
    assert sorted(_overdue_ids(html)) == sorted(register[index].id for index in overdue)
    shown_desils = {desil: count for desil, count in _table(html, "desil-counts", "data-desil").items() if count}
    assert shown_desils == desils
    assert "<script>" not in html.split('id="dashboard-total"', 1)[1]


def test_charts_are_scoped_svg_without_scripts(
    client: TestClient, db_session: Session, register: list[Proposal]
) -> None:
    log_in_as_new_user(client, db_session, Role.OPERATOR_DESA, OWN_VILLAGE)

    for kind in ("status", "region", "desil"):
        response = client.get(f"/admin/dashboard/chart/{kind}.svg")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert "<svg" in response.text
        assert "<script" not in response.text.lower()
    region_chart = client.get("/admin/dashboard/chart/region.svg").text
    assert "Paruga" in region_chart or OWN_VILLAGE in region_chart or "1001" in region_chart
    assert "Dikirim ke Dinsos" in client.get("/admin/dashboard/chart/status.svg").text
    assert "Disetujui Musdes" not in client.get("/admin/dashboard/chart/status.svg").text  # sibling village only
    assert client.get("/admin/dashboard/chart/nothing.svg").status_code == 404


def test_each_chart_writes_the_counts_of_the_table_under_it(
    client: TestClient, db_session: Session, register: list[Proposal]
) -> None:
    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")
    html = client.get("/admin/dashboard").text

    status_chart = _chart_rows(client, "status")
    assert {label: count for label, count in status_chart} == {
        ProposalStatus(status).label: count for status, count in _table(html, "status-counts", "data-status").items()
    }
    assert [count for _label, count in _chart_rows(client, "region")] == list(
        _table(html, "region-counts", "data-region").values()
    )
    assert [count for _label, count in _chart_rows(client, "desil")] == list(
        _table(html, "desil-counts", "data-desil").values()
    )


def _chart_rows(client: TestClient, kind: str) -> list[tuple[str, int]]:
    """(label, count) of each bar of a dashboard chart, read from its SVG text."""
    response = client.get(f"/admin/dashboard/chart/{kind}.svg")
    assert response.status_code == 200
    texts = [  # the title's lines carry their own font size; labels and counts do not
        element.text or ""
        for element in ElementTree.fromstring(response.content).iter(f"{SVG}text")
        if element.get("font-size") is None
    ]
    return [(label, int(count.replace(".", ""))) for label, count in zip(texts[::2], texts[1::2], strict=True)]


def test_dashboard_needs_a_login(client: TestClient) -> None:
    response = client.get("/admin/dashboard/chart/status.svg", follow_redirects=False)
    assert response.status_code in (302, 303, 401, 403)


def test_admin_edits_a_step_target_and_a_village_user_cannot(client: TestClient, db_session: Session) -> None:
    original = db_session.get(StepTarget, "agreed")
    assert original is not None
    days, basis = original.working_days, original.basis
    admin = make_user(db_session, Role.ADMIN, None)
    village = make_user(db_session, Role.OPERATOR_DESA, OWN_VILLAGE)
    db_session.commit()
    try:
        log_in(client, village.username)
        assert client.get("/admin/step-target/list").status_code == 200
        assert client.get("/admin/step-target/edit/agreed").status_code == 403
        refused = client.post("/admin/step-target/edit/agreed", data={"working_days": "9", "basis": "x"})
        assert refused.status_code == 403
        client.get("/admin/logout")
        client.cookies.clear()

        log_in(client, admin.username)
        assert client.get("/admin/step-target/edit/agreed").status_code == 200
        saved = client.post(
            "/admin/step-target/edit/agreed",
            data={"working_days": "6", "basis": "SK Kepala Dinas 2026"},
            follow_redirects=False,
        )
        assert saved.status_code in (302, 303)
        db_session.expire_all()
        target = db_session.scalars(select(StepTarget).where(StepTarget.status == "agreed")).one()
        assert (target.working_days, target.basis) == (6, "SK Kepala Dinas 2026")
    finally:
        # Step targets are reference data kept between tests: put the default back.
        db_session.rollback()
        target = db_session.get(StepTarget, "agreed")
        target.working_days, target.basis = days, basis
        db_session.commit()


def test_recent_proposals_are_not_overdue(client: TestClient, db_session: Session) -> None:
    household = make_household(db_session, region_code=OWN_VILLAGE)
    db_session.add(
        Proposal(
            kind=ProposalKind.NEW,
            household=household,
            region_code=OWN_VILLAGE,
            status=ProposalStatus.AGREED,
            status_changed_at=datetime.now(UTC) - timedelta(hours=1),
        )
    )
    log_in_as_new_user(client, db_session, Role.OPERATOR_DESA, OWN_VILLAGE)
    assert _overdue_ids(client.get("/admin/dashboard").text) == []


def test_proposal_list_filter_and_workflow_badge_mark_overdue(
    client: TestClient, db_session: Session, register: list[Proposal]
) -> None:
    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")

    listed = client.get("/admin/proposal/list", params={"tenggat": "terlambat", "pageSize": 100})
    assert listed.status_code == 200
    assert re.search(r"dari (\d+) data", listed.text).group(1) == "3"  # 0, 2, 3; not other regency's 5
    everything = client.get("/admin/proposal/list", params={"pageSize": 100})
    assert re.search(r"dari (\d+) data", everything.text).group(1) == "5"

    late = client.get(f"/admin/proposal/workflow/{register[0].id}")
    assert late.status_code == 200
    assert 'id="proposal-overdue"' in late.text
    on_time = client.get(f"/admin/proposal/workflow/{register[1].id}")
    assert 'id="proposal-overdue"' not in on_time.text
    determined = client.get(f"/admin/proposal/workflow/{register[4].id}")
    assert 'id="proposal-overdue"' not in determined.text


def test_drawing_a_chart_leaves_no_import_hook_behind(client: TestClient, db_session: Session) -> None:
    import sys
    import warnings

    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")
    finders = list(sys.meta_path)

    assert client.get("/admin/dashboard/chart/desil.svg").status_code == 200

    assert sys.meta_path == finders
    assert not [finder for finder in sys.meta_path if type(finder).__name__ == "PluginImportFixer"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ModuleNotFoundError):
            __import__("a_module_that_does_not_exist")  # no ImportWarning from a finder without find_spec


# Memberships of the current period (and one of the period before, and one ended: neither counted).
MEMBERSHIPS = [
    (OWN_VILLAGE, "PKH", MembershipStatus.ACTIVE, 0),
    (OWN_VILLAGE, "PKH", MembershipStatus.SUSPENDED, 0),
    (OWN_VILLAGE, "SEMBAKO", MembershipStatus.ACTIVE, 0),
    (OWN_VILLAGE, "PKH", MembershipStatus.ENDED, 0),
    (SIBLING_VILLAGE, "PKH", MembershipStatus.ACTIVE, 0),
    (OTHER_KECAMATAN, "PBI-JK", MembershipStatus.ACTIVE, 0),
    (OTHER_REGENCY, "PKH", MembershipStatus.ACTIVE, 0),
    (OTHER_PROVINCE, "PKH", MembershipStatus.ACTIVE, 0),
    (OWN_VILLAGE, "PKH", MembershipStatus.ACTIVE, 1),
]


def _programme_table(html: str) -> dict[tuple[str, str], int]:
    body = html.split('id="programme-counts"', 1)[1].split("</table>", 1)[0]
    programmes = re.findall(r'data-programme="([^"]+)"', body)
    shown = {}
    for region, cells in re.findall(r'<tr data-region="([^"]+)">(.*?)</tr>', body, flags=re.S):
        counts = [int(count) for count in re.findall(r"<td>(\d+)</td>", cells)]
        shown.update({(region, code): count for code, count in zip(programmes, counts, strict=True) if count})
    return shown


def _recount(db_session: Session, period: str, scope: str | None, length: int) -> dict[tuple[str, str], int]:
    """The members of the period not ended, per region prefix and programme, counted in plain SQL."""
    rows = db_session.execute(
        text(
            "SELECT substr(m.region_code, 1, :length), p.code, count(*) FROM programme_membership m"
            " JOIN programme p ON p.id = m.programme_id WHERE m.period = :period AND m.status <> 'dihentikan'"
            " AND (:scope = '' OR m.region_code = :scope OR m.region_code LIKE :under)"
            " GROUP BY substr(m.region_code, 1, :length), p.code"
        ),
        {"length": length, "period": period, "scope": scope or "", "under": f"{scope or ''}.%"},
    )
    return {(region, code): count for region, code, count in rows}


@pytest.mark.parametrize(
    ("role", "scope", "length"),
    [(Role.OPERATOR_DESA, OWN_VILLAGE, 13), (Role.TKSK, "52.72.01", 13), (Role.OPERATOR_DINSOS, "52.72", 8),
     (Role.OPERATOR_PROVINSI, "52", 5), (Role.PUSDATIN, None, 2)],
)  # fmt: skip
def test_the_programme_members_of_the_period_per_region_equal_a_direct_sql_count(
    client: TestClient, db_session: Session, role: Role, scope: str | None, length: int
) -> None:
    period = period_of(datetime.now(UTC).date())
    earlier = f"{int(period[:4]) - 1}{period[4:]}"
    programme_ids = {code: pk for code, pk in db_session.execute(select(Programme.code, Programme.id))}
    for village, code, status, before in MEMBERSHIPS:
        household = make_household(db_session, region_code=village)
        db_session.add(
            ProgrammeMembership(household_id=household.id, programme_id=programme_ids[code], region_code=village,
                                period=earlier if before else period, status=status)
        )  # fmt: skip
    db_session.commit()
    log_in_as_new_user(client, db_session, role, scope)

    page = client.get("/admin/dashboard").text
    wide = role in (Role.OPERATOR_PROVINSI, Role.PUSDATIN)  # asked for: the whole table is a scan of the period
    assert ('id="programme-counts-link"' in page) == wide and ('id="programme-counts"' in page) != wide
    shown = _programme_table(client.get("/admin/dashboard?programmes=1").text)

    expected = _recount(db_session, period, scope, length)
    assert shown == expected and expected  # some members in every tier's scope
    if role is Role.OPERATOR_DESA:
        assert shown == {(OWN_VILLAGE, "PKH"): 2, (OWN_VILLAGE, "SEMBAKO"): 1}


def _tiles(html: str) -> dict[str, int]:
    body = html.split('id="dashboard-tiles"', 1)[1].split("</div>\n    </div>", 1)[0]
    return {name: int(value) for name, value in re.findall(r'id="tile-([a-z-]+)".*?data-value="(\d+)"', body, re.S)}


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.OPERATOR_DESA, OWN_VILLAGE),
        (Role.OPERATOR_DINSOS, "52.72"),
        (Role.OPERATOR_PROVINSI, "52"),
        (Role.PUSDATIN, None),
    ],
)
def test_the_tiles_equal_direct_sql_counts(
    client: TestClient, db_session: Session, register: list[Proposal], role: Role, scope: str | None
) -> None:
    from chain.dashboard import quarter_start
    from models.proposal import FINAL_STATUSES, ProposalHistory

    decided = register[4]  # determined, in another kecamatan of Kota Bima
    db_session.add(
        ProposalHistory(
            proposal_id=decided.id, region_code=decided.region_code, from_status=ProposalStatus.RECEIVED,
            to_status=ProposalStatus.DETERMINED, actor_name="Pusdatin", at=datetime.now(UTC),
        )
    )  # fmt: skip
    db_session.commit()
    log_in_as_new_user(client, db_session, role, scope)
    tiles = _tiles(client.get("/admin/dashboard").text)

    def within(column: object) -> str:
        return "" if scope is None else f" AND {column} LIKE '{scope}%'"

    start = quarter_start(datetime.now(UTC).date()).isoformat()
    finals = ", ".join(f"'{status.value}'" for status in FINAL_STATUSES)
    registered = db_session.scalar(
        text(f"SELECT count(*) FROM household WHERE dtks_status = 'terdaftar'{within('region_code')}")
    )
    in_flight = db_session.scalar(
        text(f"SELECT count(*) FROM proposal WHERE status NOT IN ({finals}){within('region_code')}")
    )
    decided_count = db_session.scalar(
        text(
            f"SELECT count(*) FROM proposal_history WHERE to_status IN ({finals}) AND at >= :start"
            f"{within('region_code')}"
        ),
        {"start": start},
    )
    overdue_ids = set(_overdue_ids(client.get("/admin/dashboard").text))  # every late one of so few
    assert tiles == {
        "registered": registered,
        "in-flight": in_flight,
        "late": len(overdue_ids),
        "decided": decided_count,
    }
    assert tiles["registered"] > 0 and tiles["in-flight"] > 0 and tiles["late"] > 0


def test_the_overdue_list_names_the_family_and_its_village_and_links_the_whole_late_list(
    client: TestClient, db_session: Session, register: list[Proposal]
) -> None:
    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")
    html = client.get("/admin/dashboard").text
    table = html.split('id="overdue"', 1)[1].split("</table>", 1)[0]
    late = register[0]
    assert late.household.head_name in table and late.household.region.name in table
    assert 'id="overdue-all"' in html and "?tenggat=terlambat" in html
