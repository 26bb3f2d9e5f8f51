"""`/metrics` (console/metrics.py): off by default, behind its bearer token, with figures that follow the console.

The real app from create_app on the test database (both engines), read back with prometheus-client's own parser;
the last test serves two uvicorn workers in prometheus-client's multiprocess mode and counts across them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bench.load.server import server_environment
from console.app import create_app
from console.metric_collectors import STEPS
from console.settings import Settings
from models import AuditEntry, Proposal, ProposalStatus, Role
from tests.conftest import settings_for
from tests.console.server_process import uvicorn_workers
from tests.factories import make_proposal

TOKEN = secrets.token_urlsafe(32)
NIK = "5272014107850003"
SERVER_PORT = 8432
AppBuilder = Callable[..., Starlette]
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
def app_with(database_url: str, tmp_path: Path, engine: object, regions: frozenset[str]) -> AppBuilder:
    def build(**changes: object) -> Starlette:
        return create_app(settings_for(database_url, tmp_path / "uploads", **changes))

    return build


@pytest.fixture
def metrics_client(app_with: AppBuilder) -> TestClient:
    return TestClient(app_with(metrics_enabled=True, metrics_token=TOKEN))


def scrape(client: TestClient) -> Samples:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sample of `name` whose labels include `labels` (0 when there is none yet)."""
    found = [figure for (sample, keys), figure in samples.items() if sample == name and set(labels.items()) <= keys]
    assert len(found) <= 1, found
    return found[0] if found else 0.0


def test_metrics_are_off_by_default(client: TestClient) -> None:
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"metrics_enabled": True}, "METRICS_TOKEN kosong"),
        ({"metrics_enabled": True, "metrics_token": "rahasia"}, "METRICS_TOKEN masih contoh"),
        ({"metrics_enabled": True, "metrics_token": "x" * 31}, "kurang dari 32 karakter"),
    ],
)
def test_metrics_without_a_real_token_refuse_to_start(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(_env_file=None, environment="test", secret_key="s" * 48, **changes)


def test_a_short_token_does_for_development_but_none_never() -> None:
    assert Settings(_env_file=None, metrics_enabled=True, metrics_token="dev").metrics_token == "dev"
    with pytest.raises(ValidationError, match="METRICS_TOKEN kosong"):
        Settings(_env_file=None, metrics_enabled=True, metrics_token=" ")


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (None, 401),
        ("", 401),
        (f"Basic {TOKEN}", 401),
        ("Bearer", 401),
        ("Bearer wrong", 403),
        (f"Bearer {TOKEN}x", 403),
    ],
)
def test_metrics_need_the_bearer_token(metrics_client: TestClient, authorization: str | None, status: int) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = metrics_client.get("/metrics", headers=headers)

    assert response.status_code == status and "dtks_" not in response.text
    assert ("WWW-Authenticate" in response.headers) == (status == 401)


def test_a_scrape_opens_no_session_writes_no_audit_row_and_is_not_throttled(
    metrics_client: TestClient, db_session: Session
) -> None:
    audit_rows = db_session.scalar(select(func.count()).select_from(AuditEntry))
    for _ in range(30):
        assert metrics_client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    response = metrics_client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 200 and "set-cookie" not in response.headers
    assert response.headers["cache-control"] == "no-store"
    assert db_session.scalar(select(func.count()).select_from(AuditEntry)) == audit_rows


def test_requests_are_counted_by_route_template_and_status_class(metrics_client: TestClient) -> None:
    before = scrape(metrics_client)
    for _ in range(3):
        metrics_client.get("/favicon.ico")
    metrics_client.get(f"/admin/household/details/{NIK}?search={NIK}", follow_redirects=False)
    metrics_client.get(f"/{NIK}")
    response = metrics_client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    after = scrape(metrics_client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("dtks_http_requests_total", method="GET", route="/favicon.ico", status_class="2xx") == 3
    assert grew("dtks_http_requests_total", route="/admin/{identity}/details/{pk}", status_class="3xx") == 1
    assert grew("dtks_http_requests_total", route="(unmatched)", status_class="4xx") >= 1
    assert grew("dtks_http_request_duration_seconds_count", route="/favicon.ico") == 3
    assert value(after, "dtks_http_request_duration_seconds_bucket", route="/favicon.ico", le="+Inf") >= 3
    assert NIK not in response.text and "search" not in response.text  # no NIK, no query string


def test_the_worker_figures_are_shown(metrics_client: TestClient) -> None:
    metrics_client.get("/favicon.ico")  # the middleware stack is built at the first request
    samples = scrape(metrics_client)
    pid = str(os.getpid())

    assert value(samples, "dtks_http_requests_in_flight", pid=pid) == 0  # a scrape is not counted: it is exempt
    assert value(samples, "dtks_http_requests_in_flight_limit", pid=pid) == 64
    assert value(samples, "dtks_http_requests_shed_total", pid=pid) == 0
    size = value(samples, "dtks_database_pool_size", pid=pid)
    checked_out = value(samples, "dtks_database_pool_checked_out", pid=pid)
    assert size == 5 and 0 <= checked_out <= size  # SQLAlchemy's QueuePool, on SQLite files and PostgreSQL
    assert ("dtks_database_pool_overflow", frozenset({("pid", pid)})) in samples
    assert value(samples, "process_resident_memory_bytes") > 0


def waiting(samples: Samples, status: ProposalStatus) -> float:
    return value(samples, "dtks_proposals_waiting", status=status.value, step=STEPS[status])


def test_waiting_proposals_follow_the_register(app_with: AppBuilder, db_session: Session) -> None:
    before = scrape(TestClient(app_with(metrics_enabled=True, metrics_token=TOKEN)))
    for _ in range(3):
        make_proposal(db_session, ProposalStatus.SUBMITTED)
    make_proposal(db_session, ProposalStatus.DETERMINED)  # final: waits for nobody
    db_session.commit()
    after = scrape(TestClient(app_with(metrics_enabled=True, metrics_token=TOKEN)))  # a new app: nothing kept

    assert waiting(after, ProposalStatus.SUBMITTED) - waiting(before, ProposalStatus.SUBMITTED) == 3
    submitted = select(func.count()).select_from(Proposal).where(Proposal.status == ProposalStatus.SUBMITTED)
    assert waiting(after, ProposalStatus.SUBMITTED) == db_session.scalar(submitted)
    assert Role.OPERATOR_DINSOS.value in STEPS[ProposalStatus.SUBMITTED].split("+")  # the Dinsos desk's step
    assert not [keys for name, keys in after if name == "dtks_proposals_waiting" and ("status", "determined") in keys]


def test_waiting_proposals_are_read_at_most_once_in_a_while(metrics_client: TestClient, db_session: Session) -> None:
    first = scrape(metrics_client)
    make_proposal(db_session, ProposalStatus.SUBMITTED)
    db_session.commit()

    assert waiting(scrape(metrics_client), ProposalStatus.SUBMITTED) == waiting(first, ProposalStatus.SUBMITTED)


def test_two_workers_in_multiprocess_mode_are_summed(database_url: str, engine: object, tmp_path: Path) -> None:
    folder = tmp_path / "prometheus"
    folder.mkdir()
    changes = {
        "METRICS_ENABLED": "true",
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
    }
    environment = server_environment(dict(os.environ), database_url, changes)
    with uvicorn_workers(environment, tmp_path / "server.log", SERVER_PORT) as base:
        for _ in range(12):
            assert httpx.get(f"{base}/healthz").status_code == 200  # a connection each: either worker
        pids = set()
        for _ in range(4):
            response = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
            samples = {
                (sample.name, frozenset(sample.labels.items())): sample.value
                for family in text_string_to_metric_families(response.text)
                for sample in family.samples
            }
            assert value(samples, "dtks_http_requests_total", route="/healthz", status_class="2xx") == 12
            pids |= {dict(keys)["pid"] for name, keys in samples if name == "dtks_database_pool_size"}
    assert len(list(folder.iterdir())) >= 2  # each worker wrote its own files
    assert pids  # the pool of the worker that answered
