"""Simulated officials of every tier for locust: what each does in a day, against a console on loopback.

Run by `python -m bench.load` (which seeds the demo regency, starts the console and reads the figures back);
by hand: `locust -f bench/load/locustfile.py --host http://127.0.0.1:8301` against a console holding the demo
data. Every simulated official logs in through the real login form (CSRF token from the page) as one of the
demo accounts (demo/users.py), then lists, looks up, opens details, and posts what the tier posts: searches
(their term kept server-side), certificate-desk look-ups (a request row and its audit row each), identity
checks. A 409 (someone else changed the record) is an expected answer under load, not a failure; a 429/503
(load shed) is counted apart; any 5xx other than 503 is a failure.

Every answer is also written to `BENCH_LOAD_OUT` (one JSON line per request: method, name, status, ms), from
which the runner computes exact percentiles per method: locust's own CSV keeps them per endpoint only.
"""

from __future__ import annotations

import json
import os
import random
import re
from typing import Any

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("BENCH_LOAD_PASSWORD", "demo-dtks-2026")
HOUSEHOLD_IDS = range(1, int(os.environ.get("BENCH_LOAD_HOUSEHOLDS", "3000")) + 1)
SAMPLE_NIKS = [nik for nik in os.environ.get("BENCH_LOAD_NIKS", "").split(",") if nik]
OUT_PATH = os.environ.get("BENCH_LOAD_OUT", "")
_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]*)">')
_out = open(OUT_PATH, "a", encoding="utf-8") if OUT_PATH else None  # noqa: SIM115 (closed at quit)


@events.request.add_listener
def _record(request_type: str, name: str, response_time: float, response: Any, exception: Any, **_: Any) -> None:
    if _out is None:
        return
    status = getattr(response, "status_code", 0) or 0
    _out.write(json.dumps({"method": request_type, "name": name, "status": status, "ms": response_time}) + "\n")


@events.quitting.add_listener
def _close(**_: Any) -> None:
    if _out is not None:
        _out.close()


class Official(HttpUser):
    """One official: logs in once, then works; subclasses say the account and the tasks' weights."""

    abstract = True
    wait_time = between(1, 3)
    username = ""
    token = ""

    def on_start(self) -> None:
        page = self.client.get("/admin/login", name="GET login")
        found = _TOKEN.search(page.text)
        self.token = found.group(1) if found else ""
        form = {"username": self.username, "password": PASSWORD, "csrf_token": self.token}
        with self.client.post("/admin/login", data=form, headers=self._origin(), name="POST login",
                              allow_redirects=False, catch_response=True) as answer:  # fmt: skip
            if answer.status_code != 302:
                answer.failure(f"login of {self.username}: {answer.status_code}")
        self._refresh_token()

    def _origin(self) -> dict[str, str]:
        return {"Origin": self.host.rstrip("/")}

    def _refresh_token(self) -> None:
        page = self.client.get("/admin/", name="GET home")
        found = _TOKEN.search(page.text)
        self.token = found.group(1) if found else self.token

    def get(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as answer:
            self._judge(answer)

    def post(self, path: str, name: str, fields: dict[str, str]) -> None:
        form = {**fields, "csrf_token": self.token}
        with self.client.post(path, data=form, headers=self._origin(), name=name, catch_response=True) as answer:
            self._judge(answer)

    @staticmethod
    def _judge(answer: Any) -> None:
        if answer.status_code in (409, 429, 503) or answer.status_code < 400:
            answer.success()  # refused as changed meanwhile, or shed: counted apart by the runner, not failures
        else:
            answer.failure(f"HTTP {answer.status_code}")

    def _nik(self) -> str:
        return random.choice(SAMPLE_NIKS) if SAMPLE_NIKS else "5272010101800001"

    @task(5)
    def household_list(self) -> None:
        self.get(f"/admin/household/list?page={random.randint(1, 5)}", "GET household list")

    @task(3)
    def member_list(self) -> None:
        self.get("/admin/member/list", "GET member list")

    @task(3)
    def proposal_list(self) -> None:
        self.get("/admin/proposal/list", "GET proposal list")

    @task(3)
    def household_details(self) -> None:
        self.get(f"/admin/household/details/{random.choice(HOUSEHOLD_IDS)}", "GET household details")

    @task(2)
    def nik_lookup(self) -> None:
        self.post("/admin/household/search", "POST household search (NIK)", {"term": self._nik()})

    @task(1)
    def dashboard(self) -> None:
        self.get("/admin/dashboard", "GET dashboard")


class VillageOperator(Official):
    weight = 5
    username = "operator_desa"

    @task(2)
    def visit_list(self) -> None:
        self.get("/admin/visit/list", "GET visit list")


class Tksk(Official):
    weight = 2
    username = "tksk"


class DistrictOperator(Official):
    weight = 3
    username = "operator_dinsos"

    @task(1)
    def roster_export(self) -> None:
        self.get("/admin/export/roster?region=52.72.01.1001", "GET roster export (village)")

    @task(1)
    def audit_list(self) -> None:
        self.get("/admin/audit-entry/list", "GET audit list")


class ServiceDesk(Official):
    weight = 2
    username = "petugas_layanan"

    @task(3)
    def certificate_lookup(self) -> None:
        fields = {"nik": self._nik(), "applicant_name": "Pemohon Uji Beban", "purpose": "Beasiswa sekolah"}
        self.post("/admin/certificate/desk", "POST certificate desk", fields)


class ProvinceOperator(Official):
    weight = 1
    username = "operator_provinsi"


class Ministry(Official):
    weight = 1
    username = "pusdatin"
