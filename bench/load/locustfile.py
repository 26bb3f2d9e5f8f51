"""Simulated officials of every tier for locust: what each does in a day, against a console on loopback.

Run by `python -m bench.load` (which seeds the demo regency, starts the console and reads the figures back);
by hand: `locust -f bench/load/locustfile.py --host http://127.0.0.1:8301` against a console holding the demo
data. Every simulated official logs in through the real login form (CSRF token from the page) as one of the
demo accounts (demo/users.py), then does what the tier's rules allow (policies/policy.csv): lists, looks up,
opens details of households in its own region, and posts what the tier posts: searches (their term kept
server-side), certificate-desk look-ups (a request row and its audit row each), the forms' live NIK check.
A 409 (someone else changed the record) is an expected answer under load, not a failure; a 429/503 (load shed)
is counted apart, and the official then waits as the page asks (Retry-After) before the next try, a shed
login included; any 5xx other than 503 is a failure.

`BENCH_LOAD_SAMPLE` names a JSON file {username: {"households": [ids], "niks": [NIKs], "villages": [codes]}} of
rows inside each account's region, villages with registered households (a roster to export); the runner writes
it from the database. Without it every account picks household ids 1..3000, one NIK and village 52.72.01.1001,
and an out-of-region id answers 404 (the console's answer for what is not yours).

Every answer is also written to `BENCH_LOAD_OUT` (one JSON line per request: method, name, status, ms, t the
wall-clock second it ended), from
which the runner computes exact percentiles per method: locust's own CSV keeps them per endpoint only.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from typing import Any

from locust import HttpUser, between, events, task
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

PASSWORD = os.environ.get("BENCH_LOAD_PASSWORD", "demo-dtks-2026")
SAMPLE_PATH = os.environ.get("BENCH_LOAD_SAMPLE", "")
OUT_PATH = os.environ.get("BENCH_LOAD_OUT", "")
# Seconds an official pauses between two tasks, "low,high" (a test makes them work faster).
# BENCH_LOAD_TOUR=1: each official does every one of its tasks once after logging in, then works as usual (a test
# sees every request the file sends in a few seconds).
TOUR = os.environ.get("BENCH_LOAD_TOUR", "") == "1"
PAUSE = tuple(float(seconds) for seconds in os.environ.get("BENCH_LOAD_PAUSE", "1,3").split(","))
DEFAULT_SAMPLE = {"households": list(range(1, 3001)), "niks": ["5272010101800001"], "villages": ["52.72.01.1001"]}
SHED = (429, 503)
_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]*)">')
_samples: dict[str, dict[str, list[Any]]] = {}
if SAMPLE_PATH:
    with open(SAMPLE_PATH, encoding="utf-8") as sample_file:
        _samples = json.load(sample_file)
_out = open(OUT_PATH, "a", encoding="utf-8") if OUT_PATH else None  # noqa: SIM115 (closed at quit)


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, response: Any, exception: Any, **_: Any) -> None:
    if _out is None:
        return
    status = getattr(response, "status_code", 0) or 0
    row = {"method": request_type, "name": name, "status": status, "ms": response_time, "t": time.time()}
    error = exception or getattr(response, "error", None)
    if error is not None and not status:
        row["error"] = type(error).__name__ + ": " + str(error)[:160]
    _out.write(json.dumps(row) + "\n")


@events.quitting.add_listener
def _close(**_: Any) -> None:
    if _out is not None:
        _out.close()


class Official(HttpUser):
    """One official: logs in, then works; subclasses say the account, its weight and the tier's own tasks."""

    abstract = True
    wait_time = between(PAUSE[0], PAUSE[-1])
    username = ""
    token = ""
    signed_in = False
    resume_at = 0.0  # after a shed answer: when the official tries again (Retry-After)

    def on_start(self) -> None:
        # As a browser does, a request sent on a kept-alive connection the server closed meanwhile (idle past
        # uvicorn's keep-alive time-out, e.g. while the official waited out a Retry-After) is sent once more on a new
        # one. No time-out is set, so "read" here is only a connection dropped before any answer.
        retry = Retry(total=1, connect=1, read=1, status=0, other=0, allowed_methods=None, raise_on_status=False)
        self.client.mount("http://", HTTPAdapter(max_retries=retry))
        sample = _samples.get(self.username) or DEFAULT_SAMPLE
        self.households: list[int] = sample["households"] or DEFAULT_SAMPLE["households"]
        self.niks: list[str] = sample["niks"] or DEFAULT_SAMPLE["niks"]
        self.villages: list[str] = sample.get("villages") or DEFAULT_SAMPLE["villages"]
        self._log_in()
        if TOUR:
            for work in dict.fromkeys(self.tasks):  # locust lists a task once per unit of its weight
                work(self)

    def _log_in(self) -> None:
        with self.client.get("/admin/login", name="GET login", catch_response=True) as page:
            self._judge(page)
            found = _TOKEN.search(page.text) if page.status_code == 200 else None
        if found is None:
            return  # shed (or broken: the next task tries again, and the figures show which)
        form = {"username": self.username, "password": PASSWORD, "csrf_token": found.group(1)}
        with self.client.post("/admin/login", data=form, headers=self._origin(), name="POST login",
                              allow_redirects=False, catch_response=True) as answer:  # fmt: skip
            if answer.status_code == 302:
                self.signed_in = True
            elif answer.status_code in SHED:
                self._wait_as_asked(answer)
            else:
                answer.failure(f"login of {self.username}: {answer.status_code}")
        if self.signed_in:
            self._read_token()

    def _read_token(self) -> None:
        with self.client.get("/admin/", name="GET home", catch_response=True) as home:
            self._judge(home)
            found = _TOKEN.search(home.text) if home.status_code == 200 else None
        self.token = found.group(1) if found else ""

    def _origin(self) -> dict[str, str]:
        return {"Origin": (self.host or "").rstrip("/")}

    def _wait_as_asked(self, answer: Any) -> None:
        """A shed answer is not a failure; the official waits the seconds the page asks before trying again."""
        answer.success()
        retry_after = answer.headers.get("Retry-After", "5")
        self.resume_at = time.monotonic() + (float(retry_after) if retry_after.isdigit() else 5.0)

    def _ready(self) -> bool:
        """Signed in (a shed login is tried again here, as the official would press the button again)."""
        if time.monotonic() < self.resume_at:
            return False
        if not self.signed_in:
            self._log_in()
        elif not self.token:
            self._read_token()
        return self.signed_in and bool(self.token)

    def get(self, path: str, name: str) -> None:
        if not self._ready():
            return
        with self.client.get(path, name=name, catch_response=True) as answer:
            self._judge(answer)

    def post(self, path: str, name: str, fields: dict[str, str]) -> None:
        if not self._ready():
            return
        form = {**fields, "csrf_token": self.token}
        with self.client.post(path, data=form, headers=self._origin(), name=name, catch_response=True) as answer:
            self._judge(answer)

    def _judge(self, answer: Any) -> None:
        if answer.status_code in SHED:
            self._wait_as_asked(answer)  # counted apart by the runner
        elif self.signed_in and answer.url and "/admin/login" in answer.url and answer.request.method == "GET":
            self.signed_in = False  # sent to the login page: the session ended; log in again
            answer.failure("session ended")
        elif answer.status_code == 409 or 0 < answer.status_code < 400:
            answer.success()  # refused as changed meanwhile: an answer, not a failure
        else:
            answer.failure(getattr(answer, "error", None) or f"HTTP {answer.status_code}")  # no answer: the reason

    def _nik(self) -> str:
        return random.choice(self.niks)

    @task(5)
    def household_list(self) -> None:
        self.get(f"/admin/household/list?page={random.randint(1, 5)}", "GET household list")

    @task(3)
    def household_details(self) -> None:
        self.get(f"/admin/household/details/{random.choice(self.households)}", "GET household details")

    @task(2)
    def nik_lookup(self) -> None:
        self.post("/admin/household/search", "POST household search (NIK)", {"term": self._nik()})

    @task(1)
    def dashboard(self) -> None:
        self.get("/admin/dashboard", "GET dashboard")


class ListsMembers(Official):
    abstract = True

    @task(3)
    def member_list(self) -> None:
        self.get("/admin/member/list", "GET member list")


class ListsProposals(Official):
    abstract = True

    @task(3)
    def proposal_list(self) -> None:
        self.get("/admin/proposal/list", "GET proposal list")


class VillageOperator(ListsMembers, ListsProposals):
    weight = 5
    username = "operator_desa"

    @task(2)
    def visit_list(self) -> None:
        self.get("/admin/visit/list", "GET visit list")

    @task(1)
    def identity_check(self) -> None:
        self.post("/admin/identity-check", "POST identity check", {"kind": "nik", "number": self._nik()})


class Tksk(ListsMembers, ListsProposals):
    weight = 2
    username = "tksk"

    @task(2)
    def visit_list(self) -> None:
        self.get("/admin/visit/list", "GET visit list")


class DistrictOperator(ListsMembers, ListsProposals):
    weight = 3
    username = "operator_dinsos"

    @task(1)
    def roster_export(self) -> None:
        self.get(f"/admin/export/roster?region={random.choice(self.villages)}", "GET roster export (village)")


class DistrictHead(ListsProposals):
    weight = 1
    username = "kepala_dinas"

    @task(1)
    def audit_list(self) -> None:
        self.get("/admin/audit-entry/list", "GET audit list")


class ServiceDesk(ListsMembers):
    weight = 2
    username = "petugas_layanan"

    @task(3)
    def certificate_lookup(self) -> None:
        fields = {"nik": self._nik(), "applicant_name": "Pemohon Uji Beban", "purpose": "Beasiswa sekolah"}
        self.post("/admin/certificate/desk", "POST certificate desk", fields)


class ProvinceOperator(ListsProposals):
    weight = 1
    username = "operator_provinsi"


class Ministry(ListsMembers, ListsProposals):
    weight = 1
    username = "pusdatin"
