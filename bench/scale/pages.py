"""Page timings, project against vanilla sqladmin, interleaved and repeated, through each tier's own login.

Each page is requested once on both servers to warm up (templates, casbin rules, PostgreSQL's cache), then
`repeat` rounds: in every round each page once on the console and at once its vanilla counterpart, so both see
the same machine. A figure is the median of the rounds, in milliseconds, of the whole request as the client
sees it (sent to last byte read, keep-alive connection). A search is the results page: the POST that stores the
term in the session (console/search.py) comes before, untimed.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

from bench.scale.browser import Browser
from bench.scale.database import Tiers
from bench.scale.servers import Servers
from database.settings import with_psycopg
from models import FamilyRelation
from models.identity import mask_identity_number
from models.user import Role

NATIONAL, ADMIN = Role.PUSDATIN.value, Role.ADMIN.value
PROVINCE, REGENCY, VILLAGE = Role.OPERATOR_PROVINSI.value, Role.OPERATOR_DINSOS.value, Role.OPERATOR_DESA.value
HOUSEHOLDS = "/admin/household/list"
DEEP_PAGE = 5000
PAGE_SIZE = 25  # both servers' (console/views/base.py, bench/scale/vanilla.py)


@dataclass(frozen=True)
class Samples:
    """Rows the lookups look for, read from the seeded register."""

    nik: str  # a member of a household outside the dense province (the national lookup)
    nik_no_kk: str  # that member's household
    no_kk: str
    name: str  # a head's full name
    household_id: int  # a household with proposals, history and visits (the details page)


@dataclass
class Page:
    """One timed page: who asks for it, its path on the console and on vanilla sqladmin, and its samples."""

    label: str
    user: str
    path: str
    vanilla: str | None = None
    expect: list[str] = field(default_factory=list)  # text the console's page must show
    search: tuple[str, str] | None = None  # (view, term): POSTed first, `path` becomes the results page
    project_ms: list[float] = field(default_factory=list)
    vanilla_ms: list[float] = field(default_factory=list)


def samples(url: str, households: int) -> Samples:
    """The identity numbers, name and household the pages look up, read once from the seeded database."""
    engine = create_engine(with_psycopg(url))
    try:
        with engine.connect() as connection:
            member = text("SELECT nik FROM member WHERE household_id = :id AND family_relation <> :head LIMIT 1")
            nik = connection.scalar(member, {"id": households - 3, "head": FamilyRelation.HEAD.value})
            kk_of = text("SELECT no_kk FROM household WHERE id = :id")
            nik_no_kk = connection.scalar(kk_of, {"id": households - 3})
            no_kk = connection.scalar(kk_of, {"id": households * 3 // 4})
            name = connection.scalar(text("SELECT head_name FROM household WHERE id = :id"), {"id": households // 4})
            detailed = connection.scalar(
                text("SELECT min(p.household_id) FROM proposal AS p JOIN visit AS v ON v.proposal_id = p.id")
            )
    finally:
        engine.dispose()
    return Samples(str(nik), str(nik_no_kk), str(no_kk), str(name), int(detailed))


def page_list(found: Samples, tiers: Tiers, households: int) -> list[Page]:
    """Issue 11's table, each page as the official of its tier sees it (demo usernames are the role values)."""
    deep = f"?page={deep_page(households)}"
    identity = [found.no_kk, mask_identity_number(found.no_kk)]
    nik_identity = [found.nik_no_kk, mask_identity_number(found.nik_no_kk)]
    return [
        Page("household list p1, national", NATIONAL, HOUSEHOLDS, HOUSEHOLDS),
        Page(f"household list p1, province {tiers.province}", PROVINCE, HOUSEHOLDS, HOUSEHOLDS),
        Page(f"household list p1, regency {tiers.regency}", REGENCY, HOUSEHOLDS, HOUSEHOLDS),
        Page(f"household list p1, village {tiers.village}", VILLAGE, HOUSEHOLDS, HOUSEHOLDS),
        Page(f"household list p{deep_page(households)}, province", PROVINCE, HOUSEHOLDS + deep, HOUSEHOLDS + deep),
        Page(f"member list p1, regency {tiers.regency}", REGENCY, "/admin/member/list", HOUSEHOLDS),
        Page("member list p1, national", NATIONAL, "/admin/member/list", HOUSEHOLDS),
        Page(
            "NIK lookup (household list search), national",
            NATIONAL,
            "",
            expect=nik_identity,
            search=("household", found.nik),
        ),
        Page(
            "No. KK lookup (household list search), national",
            NATIONAL,
            "",
            expect=identity,
            search=("household", found.no_kk),
        ),
        Page(
            "name search (household list; vanilla: its search), national",
            NATIONAL,
            "",
            HOUSEHOLDS + "?" + urlencode({"search": found.name}),
            expect=[found.name],
            search=("household", found.name),
        ),
        Page(
            "head-name sort, national",
            NATIONAL,
            HOUSEHOLDS + "?sortBy=head_name&sort=asc",
            HOUSEHOLDS + "?sortBy=head_name&sort=asc",
        ),
        Page("proposal list p1, national", NATIONAL, "/admin/proposal/list"),
        Page(f"proposal list p1, regency {tiers.regency}", REGENCY, "/admin/proposal/list"),
        Page(
            "household details",
            NATIONAL,
            f"/admin/household/details/{found.household_id}",
            f"/admin/household/details/{found.household_id}",
        ),
        Page("audit list p1, national (admin)", ADMIN, "/admin/audit-entry/list"),
        Page("dashboard, national", NATIONAL, "/admin/dashboard"),
        Page(f"dashboard, province {tiers.province}", PROVINCE, "/admin/dashboard"),
    ]


def deep_page(households: int) -> int:
    """Page 5000 of the province's list, or its last page when the province has fewer (a small trial run)."""
    return max(1, min(DEEP_PAGE, households // 2 // PAGE_SIZE))


def _timed(browser: Browser, path: str, expect: list[str]) -> float:
    started = time.perf_counter()
    response = browser.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{browser.base}{path} answered {response.status_code}")
    if expect and not any(wanted in response.text for wanted in expect):
        raise RuntimeError(f"{browser.base}{path} does not show {expect[0]!r}")
    return elapsed


def time_pages(servers: Servers, found: Samples, tiers: Tiers, households: int, repeat: int) -> list[Page]:
    """Log in once per tier, resolve the searches, warm up, then `repeat` interleaved rounds."""
    pages = page_list(found, tiers, households)
    browsers = {user: Browser(servers.console).log_in(user) for user in {page.user for page in pages}}
    vanilla = Browser(servers.vanilla)
    try:
        for page in pages:
            if page.search is not None:
                page.path = browsers[page.user].search(*page.search)
        # One round: each page on the console, then at once its vanilla counterpart (browser, path, check, kept in).
        steps: list[tuple[Browser, str, list[str], list[float]]] = []
        for page in pages:
            steps.append((browsers[page.user], page.path, page.expect, page.project_ms))
            if page.vanilla is not None:
                steps.append((vanilla, page.vanilla, [], page.vanilla_ms))
        for browser, path, expect, _kept in steps:  # warm-up, not kept
            _timed(browser, path, expect)
        for _ in range(repeat):
            for browser, path, expect, kept in steps:
                kept.append(_timed(browser, path, expect))
    finally:
        for browser in [*browsers.values(), vanilla]:
            browser.close()
    return pages


def table(pages: list[Page]) -> str:
    """The figures as a Markdown table (medians, ratio project / vanilla where there is a counterpart)."""
    lines = ["| page | project ms | vanilla ms | ratio |", "|---|---:|---:|---:|"]
    for page in pages:
        project = statistics.median(page.project_ms)
        if page.vanilla_ms:
            vanilla = statistics.median(page.vanilla_ms)
            lines.append(f"| {page.label} | {project:.1f} | {vanilla:.1f} | {project / vanilla:.2f}x |")
        else:
            lines.append(f"| {page.label} | {project:.1f} | | |")
    return "\n".join(lines)
