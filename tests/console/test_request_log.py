"""One log line per request (console/request_log.py), its request id, the slow line and the JSON format.

The real app from create_app on the test database (both engines), through TestClient; the last test starts the
documented `uvicorn --factory console.app:create_app --workers 2` with LOG_FORMAT=json and reads what it writes.
"""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bench.load.server import server_environment
from console.app import create_app
from console.log_format import FIELDS, JsonFormatter
from console.request_context import REQUEST_ID_HEADER
from models import Role
from tests.conftest import log_in, settings_for
from tests.console.server_process import uvicorn_workers
from tests.factories import DEFAULT_VILLAGE, make_user
from tests.log_scan import LogLines

NIK = "5272014107850003"
SIXTEEN_DIGITS = re.compile(r"\d{16}")
SERVER_PORT = 8431
# The lines of uvicorn's supervisor, which never loads the app: uvicorn's own text.
SUPERVISOR_LINE = re.compile(r"^INFO: +(Uvicorn running|Started parent|Received SIGTERM|.* child process|Stopping)")
AppBuilder = Callable[..., Starlette]


def request_lines(log_lines: LogLines) -> list[logging.LogRecord]:
    return [record for record in log_lines.records if record.name == "dtks.request"]


def fields_of(record: logging.LogRecord) -> dict[str, object]:
    fields = getattr(record, FIELDS)
    assert isinstance(fields, dict)
    return fields


@pytest.fixture
def app_with(database_url: str, tmp_path: Path, engine: object, regions: frozenset[str]) -> AppBuilder:
    def build(**changes: object) -> Starlette:
        return create_app(settings_for(database_url, tmp_path / "uploads", **changes))

    return build


def test_a_request_logs_its_route_template_never_its_path_or_query(client: TestClient, log_lines: LogLines) -> None:
    client.get(f"/admin/household/details/{NIK}?search={NIK}&nik={NIK}", follow_redirects=False)

    [record] = request_lines(log_lines)
    fields = fields_of(record)
    assert fields["route"] == "/admin/{identity}/details/{pk}"
    assert fields["method"] == "GET" and fields["status"] == 302  # to the login page
    assert fields["user_id"] is None and fields["pid"] == os.getpid()
    assert isinstance(fields["duration_ms"], float) and fields["duration_ms"] >= 0
    line = next(line for line in log_lines.lines if "dtks.request" in line)
    assert "GET /admin/{identity}/details/{pk} 302 " in line and "user=- " in line
    assert "search" not in line and "?" not in line
    assert not any(SIXTEEN_DIGITS.search(text) for text in log_lines.lines)


@pytest.mark.parametrize(
    ("path", "route"),
    [
        ("/healthz", "/healthz"),
        ("/admin/household/list", "/admin/{identity}/list"),
        ("/static/dtks.css", "/static/{path}"),
        (f"/{NIK}", "(unmatched)"),
        (f"/verifikasi/{NIK}", "/verifikasi/{code}"),
    ],
)
def test_each_route_is_named_by_its_template(client: TestClient, log_lines: LogLines, path: str, route: str) -> None:
    client.get(path, follow_redirects=False)

    assert [fields_of(record)["route"] for record in request_lines(log_lines)] == [route]
    assert not any(SIXTEEN_DIGITS.search(text) for text in log_lines.lines)


def test_a_method_the_route_does_not_take_keeps_its_template(client: TestClient, log_lines: LogLines) -> None:
    client.post("/healthz")

    [record] = request_lines(log_lines)
    assert (fields_of(record)["route"], fields_of(record)["status"]) == ("/healthz", 405)


def test_the_line_names_the_logged_in_user_by_id(client: TestClient, db_session: Session, log_lines: LogLines) -> None:
    user = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    db_session.commit()
    log_in(client, user.username)
    log_lines.clear()

    client.get("/admin/household/list")

    [record] = request_lines(log_lines)
    assert fields_of(record)["user_id"] == user.id and fields_of(record)["status"] == 200
    assert f"user={user.id} " in record.getMessage() and user.username not in record.getMessage()


def test_the_proxys_request_id_is_kept_and_sent_back(client: TestClient, log_lines: LogLines) -> None:
    response = client.get("/healthz", headers={REQUEST_ID_HEADER: "nginx-0f9a8b7c6d5e4f30"})

    assert response.headers[REQUEST_ID_HEADER] == "nginx-0f9a8b7c6d5e4f30"
    assert fields_of(request_lines(log_lines)[0])["request_id"] == "nginx-0f9a8b7c6d5e4f30"


@pytest.mark.parametrize("sent", ["short", "x" * 37, "has space-12345", "a<script>b1234", NIK, f"req-{NIK}"])
def test_an_unfit_request_id_is_replaced_by_a_fresh_one(client: TestClient, log_lines: LogLines, sent: str) -> None:
    response = client.get("/healthz", headers={REQUEST_ID_HEADER: sent})

    given = response.headers[REQUEST_ID_HEADER]
    assert given != sent and str(uuid.UUID(given)) == given
    assert fields_of(request_lines(log_lines)[0])["request_id"] == given


def test_without_a_header_each_request_gets_its_own_id(client: TestClient) -> None:
    first, second = (client.get("/healthz").headers[REQUEST_ID_HEADER] for _ in range(2))
    assert first != second


def test_a_request_refused_for_its_host_is_logged_too(client: TestClient, log_lines: LogLines) -> None:
    response = client.get("/healthz", headers={"Host": "elsewhere.example"})

    assert response.status_code == 400 and REQUEST_ID_HEADER in response.headers
    assert fields_of(request_lines(log_lines)[0])["status"] == 400


def test_a_request_over_the_threshold_is_logged_as_slow(app_with: AppBuilder, log_lines: LogLines) -> None:
    with TestClient(app_with(slow_request_ms=0)) as client:
        client.get("/healthz")

    [slow] = [record for record in log_lines.records if record.name == "dtks.slow"]
    assert slow.levelno == logging.WARNING
    assert slow.getMessage().startswith("Slow request: GET /healthz 200 ") and "(over 0 ms)" in slow.getMessage()


def test_a_request_under_the_threshold_is_not(app_with: AppBuilder, log_lines: LogLines) -> None:
    with TestClient(app_with(slow_request_ms=60_000)) as client:
        client.get("/healthz")

    assert request_lines(log_lines) and not [record for record in log_lines.records if record.name == "dtks.slow"]


def test_a_json_line_carries_the_fields_and_masks_every_nik(client: TestClient, log_lines: LogLines) -> None:
    client.get(f"/admin/household/details/{NIK}?search={NIK}", follow_redirects=False)
    logging.getLogger("dtks.test").warning("looked up %s", NIK, extra={FIELDS: {"nik": NIK, "number": int(NIK)}})

    formatter = JsonFormatter()
    request, other = (json.loads(formatter.format(record)) for record in log_lines.records[-2:])
    assert request["logger"] == "dtks.request" and request["level"] == "INFO"
    assert request["route"] == "/admin/{identity}/details/{pk}" and request["status"] == 302
    assert {"timestamp", "message", "method", "duration_ms", "user_id", "request_id", "pid"} <= request.keys()
    assert other["message"] == "looked up 5272**********03"
    assert other["nik"] == other["number"] == "5272**********03"


def test_json_masks_a_field_set_after_the_record_was_made() -> None:
    record = logging.LogRecord("dtks.test", logging.INFO, __file__, 1, "plain", (), None)
    setattr(record, FIELDS, {"path": f"/household/{NIK}", "where": Path(f"/tmp/{NIK}")})

    entry = json.loads(JsonFormatter().format(record))

    assert not SIXTEEN_DIGITS.search(json.dumps(entry)) and entry["path"] == "/household/5272**********03"


def test_uvicorn_with_workers_writes_every_line_as_json(database_url: str, engine: object, tmp_path: Path) -> None:
    output = tmp_path / "server.log"
    environment = server_environment(
        dict(os.environ), database_url, {"LOG_FORMAT": "json", "UPLOAD_DIR": str(tmp_path)}
    )
    with uvicorn_workers(environment, output, SERVER_PORT) as base:
        for path in (f"/admin/household/details/{NIK}?search={NIK}", f"/{NIK}?nik={NIK}", "/healthz"):
            httpx.get(base + path, headers={REQUEST_ID_HEADER: "proxy-id-0001"}, follow_redirects=False)

    lines = [line for line in output.read_text(encoding="utf-8").splitlines() if line.strip()]
    # Every worker's line is JSON: uvicorn's start-up and access lines, ours. The supervisor never loads the
    # app, so its own few lines keep uvicorn's text (README: --log-config for those too).
    supervisor = [line for line in lines if not line.startswith("{")]
    assert all(SUPERVISOR_LINE.search(line) for line in supervisor), supervisor
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    assert not any(SIXTEEN_DIGITS.search(line) for line in lines)
    assert {"uvicorn.access", "dtks.request"} <= {entry["logger"] for entry in entries}
    ours = [entry for entry in entries if entry["logger"] == "dtks.request" and entry["request_id"] == "proxy-id-0001"]
    assert [entry["route"] for entry in ours] == ["/admin/{identity}/details/{pk}", "(unmatched)", "/healthz"]
    assert all(entry["pid"] != os.getpid() and "?" not in entry["message"] for entry in ours)
