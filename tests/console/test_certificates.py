"""The certificate desk over HTTP: NIK lookup by POST, numbering per regency and year, paraf chain, letter."""

from __future__ import annotations

import threading

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from chain.actor import Actor
from chain.certificates import ADVICE_NOT_REGISTERED, NUMBER_TAKEN, request_certificate
from chain.store import write_transaction
from models import AuditAction, AuditEntry, Certificate, CertificateResult, CertificateStep, Household, Role, User
from models.household import DtksStatus
from policies.rules import PolicyStore
from tests.console_client import ConsoleClient, client_logged_in_as
from tests.factories import make_detached_users, make_household

VILLAGE = "52.72.01.1001"  # Kota Bima
REGENCY = "52.72"
OTHER_VILLAGE = "73.02.01.1001"  # Bulukumba


class UrlRecorder(ConsoleClient):
    """A client that remembers every URL it requested (the NIK must never be in one)."""

    __test__ = False

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.urls: list[str] = []

    def request(self, method: str, url: object, *args: object, **kwargs: object):  # noqa: ANN201
        self.urls.append(str(url))
        response = super().request(method, url, *args, **kwargs)
        self.urls.extend(str(r.url) for r in response.history)
        self.urls.append(str(response.url))
        return response


def _client_as(app: object, session: Session, role: Role, scope: str | None, name: str) -> UrlRecorder:
    return client_logged_in_as(app, session, role, scope, name, client_class=UrlRecorder)


def _registered(session: Session, village: str = VILLAGE, **fields: object) -> Household:
    household = make_household(
        session, region_code=village, dtks_status=DtksStatus.REGISTERED, period="2026-07", desil=2, **fields
    )
    session.commit()
    return household


def _ask(client: ConsoleClient, nik: str, name: str = "Pemohon Uji"):  # noqa: ANN202
    return client.post(
        "/admin/certificate/desk",
        data={"nik": nik, "applicant_name": name, "purpose": "Beasiswa KIP Kuliah"},
        follow_redirects=False,
    )


def _certificates(session: Session) -> list[Certificate]:
    session.expire_all()
    return list(session.scalars(select(Certificate).order_by(Certificate.id)))


def test_a_registered_nik_gets_the_next_letter_number_of_the_regency(app: object, db_session: Session) -> None:
    first, second = _registered(db_session), _registered(db_session)
    desk = _client_as(app, db_session, Role.PETUGAS_LAYANAN, REGENCY, "layanan_terdaftar")
    assert "certificate-desk-link" in desk.get("/admin/certificate/list").text
    assert desk.get("/admin/certificate/desk").status_code == 200

    response = _ask(desk, first.members[0].nik)
    assert response.status_code == 303
    page = desk.get(response.headers["location"])
    assert "Terdaftar di DTKS" in page.text and "474/001/DINSOS/" in page.text
    assert _ask(desk, second.members[0].nik).status_code == 303

    stored = _certificates(db_session)
    year = stored[0].requested_at.year
    assert [c.letter_number for c in stored] == [f"474/001/DINSOS/{year}", f"474/002/DINSOS/{year}"]
    assert all(c.result == CertificateResult.REGISTERED and c.step == CertificateStep.REQUESTED for c in stored)
    assert stored[0].household_id == first.id and stored[0].region_code == REGENCY
    lookups = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == AuditAction.LOOKUP, AuditEntry.object_type == "certificate")
    ).all()
    assert len(lookups) == 2 and all(first.members[0].nik not in entry.message for entry in lookups)
    assert not any(first.members[0].nik in url or second.members[0].nik in url for url in desk.urls)
    desk.__exit__(None, None, None)


def test_a_nik_not_registered_is_still_recorded_with_the_advice(app: object, db_session: Session) -> None:
    household = make_household(db_session, region_code=VILLAGE)  # belum terdaftar
    db_session.commit()
    desk = _client_as(app, db_session, Role.PETUGAS_LAYANAN, REGENCY, "layanan_tidak")

    response = _ask(desk, household.members[0].nik)
    assert response.status_code == 303
    page = desk.get(response.headers["location"])
    assert "operator SIKS-NG" in page.text and "Tidak terdaftar" in page.text

    [stored] = _certificates(db_session)
    assert stored.result == CertificateResult.NOT_REGISTERED and stored.step == CertificateStep.CLOSED
    assert stored.letter_number is None and stored.sequence is None and stored.notes == ADVICE_NOT_REGISTERED
    desk.__exit__(None, None, None)


def test_an_invalid_nik_is_refused_in_indonesian_and_nothing_is_stored(app: object, db_session: Session) -> None:
    desk = _client_as(app, db_session, Role.PETUGAS_LAYANAN, REGENCY, "layanan_salah")
    response = _ask(desk, "12345")
    assert response.status_code == 422 and "NIK tidak sah" in response.text
    assert _certificates(db_session) == []
    desk.__exit__(None, None, None)


def test_a_nik_of_another_regency_reads_as_not_found(app: object, db_session: Session) -> None:
    elsewhere = _registered(db_session, village=OTHER_VILLAGE)
    desk = _client_as(app, db_session, Role.PETUGAS_LAYANAN, REGENCY, "layanan_luar")
    response = _ask(desk, elsewhere.members[0].nik)
    page = desk.get(response.headers["location"])
    assert "operator SIKS-NG" in page.text and elsewhere.address not in page.text
    [stored] = _certificates(db_session)
    assert stored.result == CertificateResult.NOT_REGISTERED and stored.household_id is None
    desk.__exit__(None, None, None)


def test_other_roles_may_not_use_the_desk(app: object, db_session: Session) -> None:
    household = _registered(db_session)
    kabid = _client_as(app, db_session, Role.KABID, REGENCY, "kabid_meja")
    assert "certificate-desk-link" not in kabid.get("/admin/certificate/list").text
    assert kabid.get("/admin/certificate/desk").status_code == 403
    assert _ask(kabid, household.members[0].nik).status_code == 403
    assert _certificates(db_session) == []
    kabid.__exit__(None, None, None)


def test_the_paraf_chain_runs_in_order_and_the_letter_is_printable_after_signing(
    app: object, db_session: Session
) -> None:
    household = _registered(db_session)
    nik = household.members[0].nik
    desk = _client_as(app, db_session, Role.PETUGAS_LAYANAN, REGENCY, "layanan_rantai")
    _ask(desk, nik)
    [certificate] = _certificates(db_session)
    base = f"/admin/certificate/process/{certificate.id}"
    penyuluh = _client_as(app, db_session, Role.PENYULUH, REGENCY, "penyuluh_rantai")
    kabid = _client_as(app, db_session, Role.KABID, REGENCY, "kabid_rantai")
    sekretaris = _client_as(app, db_session, Role.SEKRETARIS, REGENCY, "sekretaris_rantai")
    kadis = _client_as(app, db_session, Role.KEPALA_DINAS, REGENCY, "kadis_rantai")

    assert desk.get(f"/admin/certificate/letter/{certificate.id}", follow_redirects=False).status_code == 303
    refused = kabid.post(f"{base}/paraf_kabid", follow_redirects=False)  # penyuluh has not initialled yet
    assert refused.status_code == 409 and "berurutan" in refused.text
    assert kabid.post(f"{base}/paraf_penyuluh", follow_redirects=False).status_code == 403  # wrong role

    assert penyuluh.post(f"{base}/paraf_penyuluh", follow_redirects=False).status_code == 303
    again = penyuluh.post(f"{base}/paraf_penyuluh", follow_redirects=False)
    assert again.status_code == 409 and "paraf kedua" in again.text
    assert kabid.post(f"{base}/paraf_kabid", follow_redirects=False).status_code == 303
    assert sekretaris.post(f"{base}/paraf_sekretaris", follow_redirects=False).status_code == 303
    assert kadis.post(f"{base}/sign", follow_redirects=False).status_code == 303

    db_session.expire_all()
    stored = db_session.get(Certificate, certificate.id)
    assert stored.step == CertificateStep.SIGNED and stored.completed_at is not None
    assert [a.step for a in stored.approvals] == [
        CertificateStep.PARAF_PENYULUH,
        CertificateStep.PARAF_KABID,
        CertificateStep.PARAF_SEKRETARIS,
        CertificateStep.SIGNED,
    ]
    assert [a.user_name for a in stored.approvals][-1] == "Pengguna Uji kadis_rantai"
    process = desk.get(base)
    assert "Tepat waktu" in process.text and "Cetak surat keterangan" in process.text

    letter = desk.get(f"/admin/certificate/letter/{certificate.id}")
    assert letter.status_code == 200
    for expected in (
        stored.letter_number,
        nik,
        household.no_kk,
        household.address,
        "2026-07",
        "Pengguna Uji kadis_rantai",
    ):
        assert expected in letter.text
    assert "/static/certificate-print.css" in letter.text and "<script" not in letter.text
    assert "@media print" in desk.get("/static/certificate-print.css").text
    masked = penyuluh.get(f"/admin/certificate/letter/{certificate.id}")  # no full-NIK right
    assert masked.status_code == 200 and nik not in masked.text and nik[:4] in masked.text

    outsider = _client_as(app, db_session, Role.PETUGAS_LAYANAN, "73.02", "layanan_bulukumba")
    assert outsider.get(f"/admin/certificate/letter/{certificate.id}").status_code == 404
    assert outsider.get(base).status_code == 404
    for client in (desk, penyuluh, kabid, sekretaris, kadis, outsider):
        assert not any(nik in url for url in client.urls)
        client.__exit__(None, None, None)


def test_a_late_request_is_marked_terlambat(app: object, db_session: Session) -> None:
    from datetime import timedelta

    household = _registered(db_session)
    desk = _client_as(app, db_session, Role.PETUGAS_LAYANAN, REGENCY, "layanan_lambat")
    _ask(desk, household.members[0].nik)
    [certificate] = _certificates(db_session)
    certificate.requested_at = certificate.requested_at - timedelta(minutes=40)
    db_session.commit()
    assert "Terlambat" in desk.get(f"/admin/certificate/process/{certificate.id}").text
    desk.__exit__(None, None, None)


def test_concurrent_requests_get_distinct_consecutive_numbers(
    session_factory: sessionmaker[Session], policy_store: PolicyStore, db_session: Session
) -> None:
    """Desk officers asking at once: every registered request gets its own number, none lost."""
    officers = make_detached_users(db_session, Role.PETUGAS_LAYANAN, REGENCY, "meja", 4)
    niks = [_registered(db_session).members[0].nik for _ in officers]
    barrier = threading.Barrier(len(officers))
    failures: list[BaseException] = []

    def ask(officer: User, nik: str) -> None:
        actor = Actor.of(officer, policy_store.allows)  # as the desk's request builds it

        def record(session: Session) -> object:
            return request_certificate(session, actor, nik=nik, applicant_name="Pemohon", purpose="")

        barrier.wait()
        try:
            write_transaction(session_factory, record, attempts=2, taken=NUMBER_TAKEN)  # what the desk's view runs
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=ask, args=pair) for pair in zip(officers, niks, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(c.sequence for c in _certificates(db_session)) == [1, 2, 3, 4]
