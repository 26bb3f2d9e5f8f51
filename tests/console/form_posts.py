"""Posting sqladmin forms as a browser does, reading back what the page said, and a small seeded register.

sqladmin 0.32 answers a saved form with 302, a refused one with 400 and the form again (field errors in
`invalid-feedback`, refusals from `on_model_change` or the database in `alert alert-danger`). Its delete
route (DELETE /admin/<identity>/delete?pks=<pk>) answers 200 with the list URL as plain text; a refusal
travels in that URL's `error` parameter. A decided row's edit form and delete answer 409 with a page that says
why (the finality rule, console/views/base.py).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

from httpx2 import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from models import Base, Meeting, MeetingKind, Region, User
from tests.factories import DEFAULT_VILLAGE, kecamatan_of, make_household, make_pmt_model, next_nik, next_no_kk

SAVE = {"save": "Simpan"}
OTHER_VILLAGE = "73.02.01.1001"  # Matekko, Kecamatan Gantarang, Kabupaten Bulukumba
NEIGHBOUR_VILLAGE = "52.72.01.1002"  # Nae, in the same kecamatan as DEFAULT_VILLAGE
SQL_OR_DRIVER_TEXT = ("INSERT", "UNIQUE constraint", "psycopg", "sqlite3", "Traceback", "[SQL:")
SCRIPT = "<script>alert(1)</script>"
TENS = [float(step * 10) for step in range(1, 10)]  # nine desil cut-offs: 10, 20, ... 90
HEAD_BORN = date(1980, 2, 2)  # the birth date of household_form's head
DECREE_FORM = {
    "kind": "pengesahan_kabupaten",
    "number": "400.9/12/Dinsos/2026",
    "decree_date": "2026-04-01",
    "region_code": "52.72",
    "signer_name": "H. Muhammad Lutfi",
    "signer_title": "Wali Kota Bima",
    "period": "",
}

_REFUSED_PAGE = re.compile(r'<p class="empty-title">(.*?)</p>', re.S)
_FIELD_ERROR = re.compile(r'<div class="invalid-feedback">(.*?)</div>', re.S)
_ALERT = re.compile(r'<div class="alert alert-danger" role="alert">(.*?)</div>', re.S)


def create(client: TestClient, identity: str, fields: dict[str, str]) -> Response:
    return client.post(f"/admin/{identity}/create", data={**fields, **SAVE}, follow_redirects=False)


def edit(client: TestClient, identity: str, pk: object, fields: dict[str, str]) -> Response:
    return client.post(f"/admin/{identity}/edit/{pk}", data={**fields, **SAVE}, follow_redirects=False)


def delete(client: TestClient, identity: str, pk: object) -> Response:
    return client.delete(f"/admin/{identity}/delete", params={"pks": str(pk)})


def household_form(*, head_kecamatan: str = kecamatan_of(DEFAULT_VILLAGE), **changes: str) -> dict[str, str]:
    """The new-household form: a new No. KK in DEFAULT_VILLAGE, its head a married man born HEAD_BORN whose NIK
    names `head_kecamatan`."""
    return {
        "region": DEFAULT_VILLAGE,
        "no_kk": next_no_kk(kecamatan_of(DEFAULT_VILLAGE)),
        "address": "Jl. Soekarno-Hatta No. 1",
        "head_nik": next_nik(head_kecamatan, HEAD_BORN, is_female=False),
        "head_name": "Kepala Uji",
        "head_sex": "L",
        "head_birth_date": HEAD_BORN.isoformat(),
        "head_marital_status": "kawin",
        "head_education": "sd",
        **changes,
    }


def member_form(household_id: int, nik: str, born: date, **changes: str) -> dict[str, str]:
    """The member form: a son at school of household `household_id`, born `born` (his NIK must agree)."""
    return {
        "household": str(household_id),
        "nik": nik,
        "name": "Muhammad Rizki",
        "sex": "L",
        "birth_place": "Bima",
        "birth_date": born.isoformat(),
        "family_relation": "anak",
        "mother_name": "Nurhasanah",
        "marital_status": "belum_kawin",
        "occupation": "Pelajar",
        "education": "sd",
        "disability": "tidak_ada",
        **changes,
    }


def user_form(user: User, **changes: str | None) -> dict[str, str]:
    """The user edit form as its page fills it for `user`, no new password, with `changes` (None unticks or
    leaves a field out)."""
    form = {
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role.value,
        "scope_region": user.scope_region_code or "",
        "is_active": "y" if user.is_active else None,
        "password": "",
    }
    return {name: value for name, value in (form | changes).items() if value is not None}


def refusal_messages(response: Response) -> list[str]:
    """Every field error and refusal the page shows, unescaped, whitespace collapsed."""
    found = _FIELD_ERROR.findall(response.text) + _ALERT.findall(response.text)
    return [" ".join(html.unescape(message).split()) for message in found]


def refusal_text(response: Response) -> str:
    return " | ".join(refusal_messages(response))


def delete_refusal(response: Response) -> str | None:
    """The message of a refused delete (the `error` of the list URL sqladmin answers), None when deleted."""
    assert response.status_code == 200, response.status_code
    errors = parse_qs(urlsplit(response.text).query).get("error")
    return errors[0] if errors else None


def fixed_refusal(response: Response) -> str:
    """The message of a request the finality rule refused: a 409 page saying why (console/views/base.py)."""
    assert response.status_code == 409, f"expected the finality refusal (409), got {response.status_code}"
    found = _REFUSED_PAGE.search(response.text)
    assert found is not None, "the 409 page shows no message"
    return " ".join(html.unescape(found.group(1)).split())


def row_counts(session: Session) -> dict[str, int]:
    """Rows per table (the region reference excluded), read fresh."""
    session.expire_all()
    return {
        table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in Base.metadata.sorted_tables
        if table.name != Region.__tablename__
    }


def newest(session: Session, model: type[Any]) -> Any:
    """The most recently inserted row of `model`, read fresh."""
    session.expire_all()
    return session.scalars(select(model).order_by(model.id.desc()).limit(1)).first()


def saved_row(response: Response, session: Session, model: type[Any]) -> Any:
    """The row a save stored (the newest of `model`, read fresh); a refused save fails with what the page said."""
    assert response.status_code == 302, refusal_text(response)
    return newest(session, model)


@dataclass(frozen=True)
class Seed:
    """Ids and values of a small committed register the forms can refer to."""

    household_id: int
    household_region: str
    household_no_kk: str
    head_id: int
    head_nik: str
    spouse_id: int
    other_household_id: int
    other_household_region: str
    meeting_id: int
    pmt_model_id: int
    admin_id: int


def seed_register(session: Session) -> Seed:
    """Two households (Kota Bima and Bulukumba), a Musdes and a PMT model; the admin must exist already."""
    household = make_household(session, members=2)
    other = make_household(session, region_code=OTHER_VILLAGE, members=1)
    meeting = Meeting(
        kind=MeetingKind.MUSDES, region_code=household.region_code, held_on=date(2026, 1, 12), place="Balai Desa"
    )
    session.add(meeting)
    pmt_model = make_pmt_model(session, name="Model uji", weights=(), intercept=0.0, desil_cutoffs=TENS)
    admin_id = session.scalars(select(User.id).where(User.username == "admin_uji")).one()
    seed = Seed(
        household_id=household.id,
        household_region=household.region_code,
        household_no_kk=household.no_kk,
        head_id=household.members[0].id,
        head_nik=household.members[0].nik,
        spouse_id=household.members[1].id,
        other_household_id=other.id,
        other_household_region=other.region_code,
        meeting_id=meeting.id,
        pmt_model_id=pmt_model.id,
        admin_id=admin_id,
    )
    session.commit()
    return seed
