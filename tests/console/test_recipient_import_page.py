"""Impor Daftar Penerima over HTTP: the district uploads a programme's recipient list with its CSRF token and is told
what it did; a broken list is refused whole with every row error; readers see no form and cannot post one."""

from __future__ import annotations

import re

from httpx2 import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Household, ProgrammeMembership, Role
from reports.interchange import RECIPIENTS
from tests.console_client import ConsoleClient, log_in_as_new_user
from tests.factories import make_household
from tests.ranking_files import ranking_bytes

PAGE = "/admin/programme-membership/recipients"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _list(*families: tuple[Household, str]) -> bytes:
    rows = [{"NO KK": family.no_kk, "PROGRAM": programme, "STATUS": "aktif"} for family, programme in families]
    return ranking_bytes(rows, headers=RECIPIENTS.headers)


def _upload(client: ConsoleClient, period: str, data: bytes) -> Response:
    token = _FORM_TOKEN.search(client.get(PAGE).text)
    assert token is not None, "the import form carries its CSRF token"
    return client.post(
        PAGE, data={"csrf_token": token.group(1), "period": period}, files={"sheet": ("kpm.xlsx", data, XLSX)}
    )


def _members(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(ProgrammeMembership)) or 0


def test_the_district_imports_a_recipient_list_and_a_broken_one_changes_nothing(
    client: ConsoleClient, db_session: Session
) -> None:
    family, other = make_household(db_session), make_household(db_session)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")
    assert 'id="recipient-import-link"' in client.get("/admin/programme-membership/list").text

    broken = _upload(client, "2026-10", _list((family, "PKH"), (other, "Bansos Tidak Ada")))
    assert broken.status_code == 400 and 'id="recipient-errors"' in broken.text
    assert "Bansos Tidak Ada" in broken.text and 'data-row="3"' in broken.text
    assert _members(db_session) == 0

    done = _upload(client, "2026-10", _list((family, "PKH"), (other, "SEMBAKO")))
    assert done.status_code == 200 and "2 baru" in done.text
    assert _members(db_session) == 2
    again = _upload(client, "2026-10", _list((family, "PKH"), (other, "SEMBAKO")))
    assert again.status_code == 200 and "0 baru, 0 berubah status, 2 tetap" in again.text
    assert _members(db_session) == 2

    quarter = _upload(client, "2026-11", _list((family, "KIP")))
    assert quarter.status_code == 400 and _members(db_session) == 2


def test_a_reader_has_no_import(client: ConsoleClient, db_session: Session) -> None:
    family = make_household(db_session)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.KABID, "52.72")
    assert 'id="recipient-import-link"' not in client.get("/admin/programme-membership/list").text
    assert client.get(PAGE).status_code == 403
    posted = client.post(PAGE, data={"period": "2026-10"}, files={"sheet": ("kpm.xlsx", _list((family, "PKH")), XLSX)})
    assert posted.status_code in (400, 403) and _members(db_session) == 0
