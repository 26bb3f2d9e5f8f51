"""The certificate register and the complaint register: one row per request / complaint, in the user's scope."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from models.certificate import Certificate
from models.complaint import Complaint
from models.identity import mask_identity_number
from policies.scope import Scope
from reports.bnba_export import RegionNames, streamed
from reports.xlsx import Column, ExportFile, Kind, safe_file_name, write_table

CERTIFICATE_COLUMNS = (
    Column("NO", Kind.NUMBER, 6),
    Column("TANGGAL PERMOHONAN", Kind.DATETIME, 17),
    Column("KODE WILAYAH", Kind.DIGITS, 10),
    Column("KABUPATEN/KOTA", Kind.TEXT, 20),
    Column("NIK DIMOHON", Kind.DIGITS, 19),
    Column("NAMA PEMOHON", Kind.TEXT, 26),
    Column("KEPERLUAN", Kind.TEXT, 26),
    Column("HASIL", Kind.TEXT, 18),
    Column("NOMOR SURAT", Kind.TEXT, 24),
    Column("TAHAP", Kind.TEXT, 26),
    Column("SELESAI", Kind.DATETIME, 17),
    Column("LAMA LAYANAN (MENIT)", Kind.NUMBER, 12),
)

COMPLAINT_COLUMNS = (
    Column("NO", Kind.NUMBER, 6),
    Column("TANGGAL", Kind.DATETIME, 17),
    Column("KODE WILAYAH", Kind.DIGITS, 16),
    Column("WILAYAH", Kind.TEXT, 22),
    Column("SALURAN", Kind.TEXT, 18),
    Column("NAMA PENGADU", Kind.TEXT, 24),
    Column("KONTAK", Kind.TEXT, 18),
    Column("NIK", Kind.DIGITS, 19),
    Column("KATEGORI", Kind.TEXT, 26),
    Column("URAIAN", Kind.TEXT, 40),
    Column("STATUS", Kind.TEXT, 20),
    Column("TANGGAPAN", Kind.TEXT, 40),
    Column("SELESAI", Kind.DATETIME, 17),
)


def certificate_statement(scope: Scope) -> Select[*tuple[Any, ...]]:
    return (
        select(
            Certificate.requested_at,
            Certificate.region_code,
            Certificate.requested_nik,
            Certificate.applicant_name,
            Certificate.purpose,
            Certificate.result,
            Certificate.letter_number,
            Certificate.step,
            Certificate.completed_at,
        )
        .where(scope.condition(Certificate.region_code))
        .order_by(Certificate.requested_at, Certificate.id)
    )


def _certificate_rows(rows: Iterable[Sequence[Any]], full_identity: bool) -> Iterator[list[Any]]:
    names = RegionNames()
    for number, (asked, code, nik, applicant, purpose, result, letter, step, done) in enumerate(rows, start=1):
        minutes = round((done - asked).total_seconds() / 60, 1) if done and asked else None
        nik = nik if full_identity else mask_identity_number(nik)
        yield [number, asked, code, names(code)[1], nik, applicant, purpose, result, letter, step, done, minutes]


def build_certificate_register(
    session: Session, scope: Scope, *, full_identity: bool = True, sheet_rows: int | None = None
) -> ExportFile:
    """Register Surat Keterangan Terdaftar DTKS: every request, found or not."""
    where = scope.code or ""
    title = ["REGISTER SURAT KETERANGAN TERDAFTAR DTKS", f"WILAYAH: {where or 'Nasional'}", _printed_on()]
    filename = f"Register_Surat_Keterangan_{safe_file_name(where, 'nasional')}_{date.today():%d-%m-%Y}.xlsx"
    rows = _certificate_rows(streamed(session, certificate_statement(scope)), full_identity)
    return write_table(filename, "Register", CERTIFICATE_COLUMNS, rows, title=title, sheet_rows=sheet_rows)


def complaint_statement(scope: Scope) -> Select[*tuple[Any, ...]]:
    return (
        select(
            Complaint.created_at,
            Complaint.region_code,
            Complaint.channel,
            Complaint.complainant_name,
            Complaint.complainant_contact,
            Complaint.nik,
            Complaint.category,
            Complaint.description,
            Complaint.status,
            Complaint.response,
            Complaint.resolved_at,
        )
        .where(scope.condition(Complaint.region_code))
        .order_by(Complaint.created_at, Complaint.id)
    )


def _complaint_rows(rows: Iterable[Sequence[Any]], full_identity: bool) -> Iterator[list[Any]]:
    names = RegionNames()
    for number, (at, code, channel, name, contact, nik, category, text, status, answer, done) in enumerate(rows, 1):
        nik = nik if full_identity else mask_identity_number(nik)
        place = next((part for part in reversed(names(code)) if part), "")
        yield [number, at, code, place, channel, name, contact, nik, category, text, status, answer, done]


def build_complaint_register(
    session: Session, scope: Scope, *, full_identity: bool = True, sheet_rows: int | None = None
) -> ExportFile:
    """Register pengaduan: every complaint in the scope with its handling."""
    where = scope.code or ""
    title = ["REGISTER PENGADUAN DTKS", f"WILAYAH: {where or 'Nasional'}", _printed_on()]
    filename = f"Register_Pengaduan_{safe_file_name(where, 'nasional')}_{date.today():%d-%m-%Y}.xlsx"
    rows = _complaint_rows(streamed(session, complaint_statement(scope)), full_identity)
    return write_table(filename, "Register", COMPLAINT_COLUMNS, rows, title=title, sheet_rows=sheet_rows)


def _printed_on() -> str:
    return f"DICETAK: {date.today():%d-%m-%Y}"
