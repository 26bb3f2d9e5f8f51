"""Fuzz (hypothesis): random text on every create form, edit form and list search a user of each tier may open.

The forms come from the registered views (console/views ALL_VIEWS) and the casbin seed, so a new view is fuzzed
as soon as it is registered. Each example spoils one to four fields of a form that would otherwise post what
the page holds; the text mixes control characters, bidirectional and invisible characters, very long strings,
digit strings of NIK-like lengths, LIKE wildcards, quotes, HTML and dates from year 1 to 9999. Never a 500 (the
TestClient raises any unhandled exception), never SQL or a driver message on the page, and a refused post
changes nothing. Deterministic (derandomize) and bounded: FUZZ_EXAMPLES examples per form (default 20).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqladmin import ModelView
from sqlalchemy import Engine, Table, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from console.app import create_app
from console.settings import Settings
from console.views import ALL_VIEWS
from models import (
    ComplaintCategory,
    Decree,
    DecreeKind,
    Dispute,
    MeetingParticipant,
    OfficeProfile,
    OfficeSigner,
    ParticipantPosition,
    PendampingVillage,
    PmtWeight,
    PolicyRule,
    Programme,
    ProgrammeBand,
    ProgrammeMembership,
    ProgrammeReview,
    Proposal,
    ProposalKind,
    RequestChannel,
    RequestKind,
    ResidentRequest,
    Role,
    SignerDuty,
    StepTarget,
    Visit,
)
from models.windows import default_window
from policies.rules import Decisions, read_seed
from tests.conftest import log_in
from tests.console.form_pages import read_form
from tests.console.form_posts import SQL_OR_DRIVER_TEXT, Seed, row_counts, seed_register
from tests.console.test_form_refusals import FORM_SPECS
from tests.console_client import ConsoleClient
from tests.factories import DEFAULT_VILLAGE, make_user, new_complaint

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
DECISIONS = Decisions(read_seed())
# One official per tier (and the enumerator, who alone records visits in the village), all over DEFAULT_VILLAGE.
TIERS = {
    Role.OPERATOR_DESA: DEFAULT_VILLAGE,
    Role.PENDATA: DEFAULT_VILLAGE,
    Role.TKSK: DEFAULT_VILLAGE[:8],
    Role.OPERATOR_DINSOS: DEFAULT_VILLAGE[:5],
    Role.OPERATOR_PROVINSI: DEFAULT_VILLAGE[:2],
    Role.ADMIN: None,
}
SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
OUR_LOGGERS = ("console", "models", "policies", "reports")


def _forms(view: type[ModelView], role: Role) -> list[str]:
    allows = DECISIONS.allows
    kinds = []
    if view.can_create and allows(role.value, view.identity, "create"):
        kinds.append("create")
    if view.can_edit and allows(role.value, view.identity, "edit"):
        kinds.append("edit")
    if view.column_searchable_list and allows(role.value, view.identity, "list"):
        kinds.append("search")
    return kinds


CASES = [
    pytest.param(role, view.identity, kind, id=f"{role.value}-{view.identity}-{kind}")
    for role in TIERS
    for view in ALL_VIEWS
    if issubclass(view, ModelView)
    for kind in _forms(view, role)
]

# --- what is typed ---------------------------------------------------------------------------------

# NUL first: the one PostgreSQL refuses outright (a 500 before console/input_guard.py).
CONTROL = st.one_of(st.just("\x00"), st.sampled_from([chr(code) for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))]))
INVISIBLE = st.sampled_from([*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A)), *"\u200e\u200f\u061c"])
HIDDEN = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
SPECIAL = st.sampled_from(
    ["%", "_", "/", "\\", "'", '"', "<script>alert(1)</script>", "<b>x</b>", "&amp;", "=1+1", "'; DROP TABLE member;--"]
)
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
CLEAN_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc", "Cf")), max_size=30)
DIGITS = st.integers(1, 40).flatmap(lambda length: st.text("0123456789", min_size=length, max_size=length))
NIK_LENGTHS = st.sampled_from([15, 16, 17]).flatmap(
    lambda length: st.text("0123456789", min_size=length, max_size=length)
)
LONG = st.builds(
    lambda piece, times: piece * times, st.sampled_from(["a", "7", "é", "%_", "Jl. "]), st.integers(61, 6000)
)
DATES = st.dates(date(1, 1, 1), date(9999, 12, 31)).map(date.isoformat)
MIXED = st.lists(st.one_of(CLEAN_TEXT, CONTROL, INVISIBLE, HIDDEN, SPECIAL, DIGITS), min_size=1, max_size=5).map(
    "".join
)
JUNK = st.one_of(st.just(""), CLEAN_TEXT, ANY_TEXT, DIGITS, NIK_LENGTHS, LONG, DATES, SPECIAL, MIXED, CONTROL)

# --- the register each tier works on -----------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """Rows in DEFAULT_VILLAGE (and its regency), so every tier's edit forms have a row to open."""

    seed: Seed
    edit_pk: dict[str, str]


def _pkh(session: Session) -> int:
    return session.scalars(select(Programme.id).where(Programme.code == "PKH")).one()


def _build_world(session: Session) -> World:
    make_user(session, Role.ADMIN, None, username="admin_uji")  # seed_register names it as a complaint assignee
    seed = seed_register(session)
    proposal = Proposal(kind=ProposalKind.NEW, household_id=seed.household_id, reason="Tidak mampu")
    visit = Visit(household_id=seed.household_id, enumerator_name="Rahmat", visited_on=date(2026, 3, 5))
    participant = MeetingParticipant(meeting_id=seed.meeting_id, name="Hj. Aminah", position=ParticipantPosition.HEAD)
    decree = Decree(
        kind=DecreeKind.DISTRICT_RATIFICATION,
        region_code=DEFAULT_VILLAGE[:5],
        decree_date=date(2026, 4, 1),
        signer_name="H. Muhammad Lutfi",
        signer_title="Wali Kota Bima",
    )
    complaint = new_complaint(
        DEFAULT_VILLAGE, complainant_name="Wa Ode", category=ComplaintCategory.SERVICE, description="Antrean lama"
    )
    weight = PmtWeight(model_id=seed.pmt_model_id, variable="lighting", choice="listrik_pln", weight=1.0)
    colleague = make_user(session, Role.OPERATOR_DESA, DEFAULT_VILLAGE, username="rekan_desa")
    membership = ProgrammeMembership(
        household_id=seed.household_id, programme_id=_pkh(session), period="2026-10", region_code=DEFAULT_VILLAGE
    )
    sanggah = ResidentRequest(
        kind=RequestKind.SANGGAH, channel=RequestChannel.CEK_BANSOS, household_id=seed.household_id,
        region_code=DEFAULT_VILLAGE, dispute=Dispute.WRONG_DATA, resident_name="Warga", statement="Nama salah",
    )  # fmt: skip
    window = default_window(DEFAULT_VILLAGE[:5], "2026-10")
    session.add_all([proposal, visit, participant, decree, complaint, weight, membership, sanggah, window])
    pendamping = make_user(session, Role.PENDAMPING_PKH, DEFAULT_VILLAGE[:8], username="pendamping_fuzz")
    assignment = PendampingVillage(user_id=pendamping.id, region_code=DEFAULT_VILLAGE)
    session.add(assignment)
    office = OfficeProfile(region_code=DEFAULT_VILLAGE[:5], government_name="", office_name="", address="Jl. Uji 1",
                           phone="", email="", website="", city="Bima")  # fmt: skip
    session.add(office)
    session.flush()
    signer = OfficeSigner(region_code=office.region_code, duty=SignerDuty.KEPALA_DINAS, name="Kepala Uji",
                          title="Kepala Dinas Sosial Kota Bima", rank="", nip="197003151995031002")  # fmt: skip
    session.add(signer)
    session.commit()
    rule = session.scalar(select(PolicyRule.id).where(PolicyRule.subject == "penyuluh").order_by(PolicyRule.id))
    edit_pk = {
        "household": seed.household_id,
        "member": seed.spouse_id,
        "proposal": proposal.id,
        "meeting": seed.meeting_id,
        "meeting-participant": participant.id,
        "visit": visit.id,
        "decree": decree.id,
        "complaint": complaint.id,
        "pmt-model": seed.pmt_model_id,
        "pmt-weight": weight.id,
        "user": colleague.id,
        "policy-rule": rule,
        "step-target": "draft",
        "programme": _pkh(session),
        "programme-band": session.scalars(select(ProgrammeBand.id).order_by(ProgrammeBand.id)).first(),
        "programme-membership": membership.id,
        "resident-request": sanggah.id,
        "proposal-window": f"{window.regency_code};{window.month}",  # sqladmin's composite key: parts joined by ";"
        "pendamping-village": assignment.id,
        "office-profile": office.region_code,
        "office-signer": signer.id,
    }
    return World(seed, {identity: str(pk) for identity, pk in edit_pk.items()})


@pytest.fixture
def reference_kept(db_session: Session) -> Iterator[None]:
    """Policy rules, step targets and programmes outlive a test (conftest KEPT_TABLES): put back whatever the fuzz
    saved (the bands before their programmes are deleted, the programmes before their bands are put back)."""
    tables: list[Table] = [PolicyRule.__table__, StepTarget.__table__, Programme.__table__, ProgrammeBand.__table__]
    before = {table.name: db_session.execute(select(table)).all() for table in tables}
    yield
    db_session.rollback()
    # The fuzz's own rows on a programme (the world's membership, any review) go first: clean_tables would drop
    # them after this teardown, but a programme is not deleted while a membership names it.
    db_session.execute(ProgrammeReview.__table__.delete())
    db_session.execute(ProgrammeMembership.__table__.delete())
    for table in reversed(tables):
        db_session.execute(table.delete())
    for table in tables:
        if before[table.name]:
            db_session.execute(table.insert(), [row._asdict() for row in before[table.name]])
    db_session.commit()


@pytest.fixture
def world(db_session: Session, reference_kept: None) -> World:
    return _build_world(db_session)


@pytest.fixture(scope="module")
def fuzz_app(settings: Settings, engine: Engine, regions: frozenset[str]) -> Starlette:
    """One application for the whole module: it holds no per-test state (sessions and policies live in the
    database), and building it for each of ~90 forms would cost more than fuzzing them."""
    return create_app(settings)


class Official(ConsoleClient):
    """A signed-in official, with the form pages already read (one GET per form, not one per example)."""

    __test__ = False
    baselines: dict[str, tuple[str, list[str], dict[str, str]]]


@pytest.fixture
def official(
    request: pytest.FixtureRequest, fuzz_app: Starlette, db_session: Session, world: World
) -> Iterator[Official]:
    role: Role = request.param
    make_user(db_session, role, TIERS[role], username=f"penguji_{role.value}")
    db_session.commit()
    with Official(fuzz_app, base_url="http://testserver") as client:
        client.baselines = {}
        log_in(client, f"penguji_{role.value}")
        yield client


# --- one form, many examples -----------------------------------------------------------------------


def _baseline(identity: str, kind: str, client: Official, world: World) -> tuple[str, list[str], dict[str, str]]:
    """(URL to post to, the form's field names, a post the page itself would send), the page read once per test."""
    if kind not in client.baselines:
        client.baselines[kind] = _read_baseline(identity, kind, client, world)
    url, names, values = client.baselines[kind]
    spec = next((spec for spec in FORM_SPECS if spec.identity == identity), None)
    if kind == "create" and spec is not None:
        values = {**values, **spec.valid(world.seed)}  # new NIKs and No. KKs for every example
    return url, names, values


def _read_baseline(identity: str, kind: str, client: Official, world: World) -> tuple[str, list[str], dict[str, str]]:
    url = f"/admin/{identity}/create" if kind == "create" else f"/admin/{identity}/edit/{world.edit_pk[identity]}"
    page = client.get(url)
    assert page.status_code == 200, f"{url} does not open for this official"
    names, values = read_form(page.text)
    assert names, f"{url} shows no form fields"
    return url, names, values


def _stored(session: Session, identity: str, pk: str) -> object:
    """What the row under edit holds now, every column."""
    view = next(view for view in ALL_VIEWS if getattr(view, "identity", None) == identity)
    table = view.model.__table__
    keys = list(table.primary_key.columns)
    parts = pk.split(";") if len(keys) > 1 else [pk]
    session.expire_all()
    match = [key == (part if key.type.python_type is str else int(part)) for key, part in zip(keys, parts, strict=True)]
    return session.execute(select(table).where(*match)).one()


def _assert_clean_page(text: str) -> None:
    assert [fragment for fragment in SQL_OR_DRIVER_TEXT if fragment in text] == []


@pytest.mark.parametrize(("official", "identity", "kind"), CASES, indirect=["official"])
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_random_text_on_a_form_or_search_never_causes_a_server_error_and_a_refusal_changes_nothing(
    official: Official,
    identity: str,
    kind: str,
    world: World,
    db_session: Session,
    caplog: pytest.LogCaptureFixture,
    data: st.DataObject,
) -> None:
    if kind == "search":
        term = data.draw(JUNK, label="term")
        response = official.post(f"/admin/{identity}/search", data={"term": term})
        assert response.status_code in (200, 400)
        _assert_clean_page(response.text)
        return
    url, names, values = _baseline(identity, kind, official, world)
    spoiled = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True), label="fields")
    posted = {**values, **{name: data.draw(JUNK, label=name) for name in spoiled}}
    counts = row_counts(db_session)
    before = _stored(db_session, identity, world.edit_pk[identity]) if kind == "edit" else None

    response = official.post(url, data={**posted, "save": "Simpan"}, follow_redirects=False)

    assert response.status_code in (302, 400), response.status_code
    _assert_clean_page(response.text)
    if response.status_code == 400:
        assert row_counts(db_session) == counts
        if before is not None:
            assert _stored(db_session, identity, world.edit_pk[identity]) == before
    logged = [r.getMessage() for r in caplog.records if r.name.startswith(OUR_LOGGERS)]
    assert [message for message in logged if SIXTEEN_DIGITS.search(message)] == []
