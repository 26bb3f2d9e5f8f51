"""docs/DEPLOYMENT.md as written: the systemd unit's command, the reverse proxy, one state across every worker.

The console is started with the ExecStart line of docs/deploy/dtks-console.service (its paths and port moved to
this checkout), so the command the guide installs is the command tested. `--workers 2` forks two processes that
share nothing but the database and the SECRET_KEY: a session begun on one worker must be honoured by the
other, an access rule that admin changes through a page served by one worker must hold on the very next
request to either, and a logout on one must end the session on both. Each request goes on a new connection
(`Connection: close`), so the kernel hands it to whichever worker accepts first; the console's request log
(one JSON line per request with its worker's pid) shows that both workers answered.

Behind the proxy: nginx with docs/deploy/nginx-dtks.conf (its certificate a throw-away one, its ports moved)
terminates TLS in front of the same command in production mode; a login over https keeps a Secure cookie and
passes the CSRF origin check, which needs the X-Forwarded-Proto the configuration sends. The Caddyfile and the
unit are checked by `caddy validate` and `systemd-analyze verify` (.ci/run installs nginx and caddy).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import create_engine, delete, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from bench.load.server import HOST, running, server_environment
from console.sessions import COOKIE_NAME
from console.settings import PROJECT_DIR, Settings
from models import PolicyRule, Role
from tests.console_client import read_csrf_token
from tests.factories import DEFAULT_PASSWORD, make_user

DEPLOY = PROJECT_DIR / "docs" / "deploy"
UNIT = DEPLOY / "dtks-console.service"
GUIDE_PORT = 8000  # the port the unit and the proxy configurations name
PORT = 8401  # this test's console; 8402 and 8403: nginx
PROXY_HTTP, PROXY_HTTPS = 8402, 8403
PUBLIC_NAME = "dtks.bimakota.go.id"
REQUESTS_PER_CHECK = 16  # fresh connections per check, 8 at a time: both workers answer (checked below)
DECREES = "/admin/decree/list"
# A rule the seed does not give a TKSK (tests/console/test_policy_version_with_session.py relies on that too).
NEW_RULE = (PolicyRule.subject == Role.TKSK.value, PolicyRule.resource == "decree", PolicyRule.action == "list")


def unit_command(port: int) -> list[str]:
    """The unit's ExecStart, run from this checkout's virtualenv on `port`."""
    line = next(line for line in UNIT.read_text(encoding="utf-8").splitlines() if line.startswith("ExecStart="))
    program, *arguments = shlex.split(line.removeprefix("ExecStart="))
    assert program == "/opt/dtks/.venv/bin/uvicorn", program
    at = arguments.index("--port")
    assert arguments[at + 1] == str(GUIDE_PORT)
    arguments[at + 1] = str(port)
    return [sys.executable, "-m", "uvicorn", *arguments]


def test_the_unit_serves_two_workers_on_loopback_behind_the_proxy() -> None:
    arguments = unit_command(PORT)
    assert arguments[arguments.index("--workers") + 1] == "2"
    assert arguments[arguments.index("--host") + 1] == "127.0.0.1"  # only the proxy on this host reaches it
    assert arguments[arguments.index("--forwarded-allow-ips") + 1] == "127.0.0.1"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    venv = str(Path(sys.executable).parent)
    units = [*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")]
    assert {unit.name for unit in units} == {"dtks-console.service", "dtks-backup.service", "dtks-backup.timer"}
    for unit in units:  # the timer is checked beside the service it starts
        text = unit.read_text(encoding="utf-8").replace("/opt/dtks/.venv/bin", venv)
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    copies = [str(tmp_path / unit.name) for unit in units]
    verified = subprocess.run(["systemd-analyze", "verify", *copies], capture_output=True, text=True, check=False)
    assert verified.returncode == 0, verified.stderr
    for unit in units:  # an unknown or misspelt key is only a warning
        assert f"{unit.name}:" not in verified.stderr, verified.stderr


@pytest.mark.skipif(shutil.which("caddy") is None, reason="caddy is not installed")
def test_caddy_accepts_the_caddyfile() -> None:
    validated = subprocess.run(
        ["caddy", "validate", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert validated.returncode == 0, validated.stderr[-2000:]


# --- two workers ---------------------------------------------------------------------------------


def _environment(database_url: str, uploads: Path, **extra: str) -> dict[str, str]:
    return server_environment(
        dict(os.environ), database_url, {"UPLOAD_DIR": str(uploads), "LOG_FORMAT": "json", **extra}
    )


@pytest.fixture
def two_workers(database_url: str, regions: frozenset[str], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    log = tmp_path / "server.log"
    environment = _environment(database_url, tmp_path / "uploads")
    with log.open("wb") as output, running(unit_command(PORT), environment, f"http://{HOST}:{PORT}", output) as base:
        yield base, log


def _client(base: str, **options: object) -> httpx.Client:
    """Every request on a connection of its own, so successive requests may reach different workers."""
    origin = str(options.pop("origin", base))
    headers = {"Connection": "close", "Origin": origin, **options.pop("headers", {})}  # type: ignore[dict-item]
    return httpx.Client(base_url=base, headers=headers, follow_redirects=False, **options)  # type: ignore[arg-type]


def _log_in(client: httpx.Client, username: str) -> httpx.Response:
    token = read_csrf_token(client.get("/admin/login").text)
    answer = client.post("/admin/login", data={"username": username, "password": DEFAULT_PASSWORD, "csrf_token": token})
    assert answer.status_code == 302, answer.text[:300]
    return answer


def _statuses(client: httpx.Client, path: str) -> set[int]:
    """The answers to REQUESTS_PER_CHECK requests sent 8 at a time: while one worker serves, the other accepts."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        return set(pool.map(lambda _: client.get(path).status_code, range(REQUESTS_PER_CHECK)))


def _workers_that_answered(log: Path) -> set[int]:
    pids: set[int] = set()
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("logger") == "dtks.request" and "pid" in record:
                pids.add(int(record["pid"]))
    return pids


def test_a_session_a_rule_change_and_a_logout_hold_across_two_workers(
    two_workers: tuple[str, Path], db_session: Session
) -> None:
    base, log = two_workers
    make_user(db_session, Role.ADMIN, None, username="admin_dua_worker")
    make_user(db_session, Role.TKSK, "52.72.01", username="tksk_dua_worker")
    db_session.commit()
    try:
        _check_across_workers(base)
    finally:  # the access rules are kept from test to test (tests/conftest.py KEPT_TABLES): put them back
        db_session.execute(delete(PolicyRule).where(*NEW_RULE))
        db_session.commit()
    assert len(_workers_that_answered(log)) == 2, "only one worker answered: the test proved nothing across workers"


def _check_across_workers(base: str) -> None:
    with _client(base) as admin, _client(base) as official:
        _log_in(admin, "admin_dua_worker")
        _log_in(official, "tksk_dua_worker")
        assert _statuses(official, "/admin/household/list") == {200}, "the session is not honoured by every worker"
        assert _statuses(official, DECREES) == {403}

        token = read_csrf_token(admin.get("/admin/policy-rule/create").text)
        created = admin.post(
            "/admin/policy-rule/create",
            data={"subject": Role.TKSK.value, "resource": "decree", "action": "list", "csrf_token": token},
        )
        assert created.status_code == 302, created.text[:300]
        assert _statuses(official, DECREES) == {200}, "a worker kept the rules it had before admin's change"

        cookie = official.cookies[COOKIE_NAME]
        token = read_csrf_token(official.get("/admin/household/list").text)
        assert official.post("/admin/logout", data={"csrf_token": token}).status_code == 303
        official.cookies.set(COOKIE_NAME, cookie)  # the browser's copy kept: only the server can end the session
        assert _statuses(official, "/admin/household/list") == {302}, "a logged-out session opens pages on a worker"


# --- behind nginx --------------------------------------------------------------------------------


def _nginx_configuration(folder: Path) -> Path:
    """docs/deploy/nginx-dtks.conf with a throw-away certificate, this test's ports and files in `folder`."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={PUBLIC_NAME}",
         "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (DEPLOY / "nginx-dtks.conf").read_text(encoding="utf-8")
    for documented, here in {
        f"/etc/letsencrypt/live/{PUBLIC_NAME}/fullchain.pem": str(folder / "cert.pem"),
        f"/etc/letsencrypt/live/{PUBLIC_NAME}/privkey.pem": str(folder / "key.pem"),
        "/var/log/nginx/": f"{folder}/",
        "listen 80;": f"listen {HOST}:{PROXY_HTTP};",
        "listen 443 ssl": f"listen {HOST}:{PROXY_HTTPS} ssl",
        f"http://127.0.0.1:{GUIDE_PORT}": f"http://127.0.0.1:{PORT}",
    }.items():
        assert documented in site, documented
        site = site.replace(documented, here)
    (folder / "site.conf").write_text(site, encoding="utf-8")
    main = folder / "nginx.conf"
    main.write_text(
        f"daemon off;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log {folder}/access.log;\n  client_body_temp_path {folder}/body;\n"
        f"  proxy_temp_path {folder}/proxy;\n  include {folder}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    return main


@pytest.fixture
def behind_nginx(database_url: str, regions: frozenset[str], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed")
    configuration = _nginx_configuration(tmp_path)
    checked = subprocess.run(["nginx", "-t", "-c", str(configuration)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    environment = _environment(
        database_url, tmp_path / "uploads", ENVIRONMENT="production", ALLOWED_HOSTS=f"{PUBLIC_NAME},127.0.0.1"
    )
    proxy = subprocess.Popen(["nginx", "-c", str(configuration)], start_new_session=True)
    try:
        with running(unit_command(PORT), environment, f"http://{HOST}:{PORT}"):
            yield f"https://{HOST}:{PROXY_HTTPS}", tmp_path / "dtks-access.log"
    finally:
        proxy.terminate()
        proxy.wait(timeout=30)


def test_behind_nginx_a_login_over_https_keeps_a_secure_cookie(
    behind_nginx: tuple[str, Path], db_session: Session
) -> None:
    base, access_log = behind_nginx
    make_user(db_session, Role.ADMIN, None, username="admin_proksi")
    db_session.commit()
    public = f"https://{PUBLIC_NAME}"
    with _client(base, origin=public, headers={"Host": PUBLIC_NAME}, verify=False) as browser:
        assert browser.get(f"http://{HOST}:{PROXY_HTTP}/admin/login").headers["location"].startswith(public)
        login = _log_in(browser, "admin_proksi")
        cookie = login.headers["set-cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie, cookie
        assert browser.get("/admin/household/list").status_code == 200
        assert "max-age=31536000" in browser.get("/healthz").headers["strict-transport-security"]
        served = browser.get("/admin/household/list", params={"search": "3201010101010001"})
        assert served.status_code == 200 and served.headers["x-request-id"]
    logged = access_log.read_text(encoding="utf-8")
    assert "/admin/household/list" in logged and "3201010101010001" not in logged, logged[-500:]


# --- a province: several console processes, PgBouncer in transaction mode, one PostgreSQL ----------------


BOUNCER_PORT = 8404
BOUNCER_SERVER_CONNECTIONS = 2  # fewer than the two workers' connections: transactions share server connections


@contextmanager
def _pgbouncer(database_url: str) -> Iterator[str]:
    """PgBouncer (pool_mode = transaction, as docs/deploy/pgbouncer.ini) in front of the test database."""
    url = make_url(database_url)
    folder = Path(tempfile.mkdtemp(prefix="dtks-pgbouncer-"))  # not under pytest's tmp: the pooler's user reads it
    folder.chmod(0o755)
    (folder / "userlist.txt").write_text(f'"{url.username}" ""\n', encoding="utf-8")
    (folder / "pgbouncer.ini").write_text(
        f"[databases]\n{url.database} = host={url.host} port={url.port or 5432} dbname={url.database}\n"
        f"[pgbouncer]\nlisten_addr = {HOST}\nlisten_port = {BOUNCER_PORT}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder}/userlist.txt\npool_mode = transaction\n"
        f"default_pool_size = {BOUNCER_SERVER_CONNECTIONS}\nmax_client_conn = 100\n"
        f"logfile = {folder}/pgbouncer.log\npidfile = {folder}/pgbouncer.pid\n",
        encoding="utf-8",
    )
    as_user: list[str] = []
    if os.geteuid() == 0:  # PgBouncer refuses to run as root: as postgres, which writes its log and pid here
        as_user = ["-u", "postgres"]
        for path in (folder, *folder.iterdir()):
            shutil.chown(path, "postgres")
    bouncer = subprocess.Popen(["pgbouncer", *as_user, str(folder / "pgbouncer.ini")], start_new_session=True)
    try:
        pooled = url.set(host=HOST, port=BOUNCER_PORT).render_as_string(hide_password=False)
        deadline = time.monotonic() + 30
        while not _answers(pooled):
            log = folder / "pgbouncer.log"
            assert bouncer.poll() is None and time.monotonic() < deadline, log.exists() and log.read_text()
            time.sleep(0.2)
        yield pooled
    finally:
        bouncer.terminate()
        bouncer.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def _answers(url: str) -> bool:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT 1")) == 1
    except OperationalError:
        return False
    finally:
        engine.dispose()


@pytest.fixture
def workers_through_pgbouncer(database_url: str, regions: frozenset[str], tmp_path: Path) -> Iterator[str]:
    if not database_url.startswith("postgresql"):
        pytest.skip("PgBouncer pools PostgreSQL connections: TEST_DATABASE_URL runs this test")
    if shutil.which("pgbouncer") is None:
        pytest.skip("pgbouncer is not installed")
    with _pgbouncer(database_url) as pooled:
        environment = _environment(pooled, tmp_path / "uploads", DATABASE_TRANSACTION_POOLING="true")
        with running(unit_command(PORT), environment, f"http://{HOST}:{PORT}") as base:
            yield base


def test_through_pgbouncer_in_transaction_mode_every_worker_holds_the_same_state(
    workers_through_pgbouncer: str, db_session: Session
) -> None:
    make_user(db_session, Role.ADMIN, None, username="admin_dua_worker")
    make_user(db_session, Role.TKSK, "52.72.01", username="tksk_dua_worker")
    db_session.commit()
    try:
        _check_across_workers(workers_through_pgbouncer)
    finally:
        db_session.execute(delete(PolicyRule).where(*NEW_RULE))
        db_session.commit()


# --- the guide names only what exists ------------------------------------------------------------


GUIDE = PROJECT_DIR / "docs" / "DEPLOYMENT.md"


def _console_commands() -> set[str]:
    from console.cli import _parser

    (commands,) = (action for action in _parser()._actions if isinstance(action, argparse._SubParsersAction))
    return set(commands.choices)


def test_every_console_command_the_guide_asks_for_exists() -> None:
    named = set(re.findall(r"python -m console ([a-z][a-z-]*)", GUIDE.read_text(encoding="utf-8")))
    assert {"upgrade", "backup", "restore", "copy-to", "load-regions", "create-user"} <= named
    assert named <= _console_commands(), named - _console_commands()


def test_every_setting_and_file_the_guide_names_exists() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    settings = {name.upper() for name in Settings.model_fields}
    assigned = set(re.findall(r"^([A-Z][A-Z_]+)=", guide, flags=re.MULTILINE))
    assert assigned and assigned <= settings, assigned - settings
    files = set(re.findall(r"docs/deploy/([\w.-]+)", guide))
    assert files == {path.name for path in DEPLOY.iterdir()}
    assert "docs/DEPLOYMENT.md" in (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
