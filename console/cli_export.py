"""`python -m console export roster|recap`: the console's roster and recap, written to a folder and audited."""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from chain.exports import PERIOD_INVALID, audit_export, empty_message, refuse_empty, rows_text
from chain.store import begin_write, commit_or_conflict
from console.cli_errors import CommandRefused
from console.database import make_engine, make_session_factory
from console.progress import progress
from console.settings import Settings
from models import Region
from models.periods import is_period
from models.region_codes import is_region_code
from policies.scope import Scope
from reports.bnba_export import build_roster
from reports.recap import build_recap
from reports.xlsx import ExportFile


def export_command(settings: Settings, args: argparse.Namespace) -> int:
    """Write a roster or recap .xlsx for a region to a folder (same functions as the console), audited.

    Refused with a message and exit 2, writing nothing: a malformed or unknown region, a malformed period, a
    folder that does not exist, and a region and period with no household (no empty file is left behind).
    """
    region, period, folder = _export_arguments(args)
    what = "Daftar DTKS" if args.kind == "roster" else "Rekap DTKS"
    engine = make_engine(settings)
    sessions = make_session_factory(engine)
    try:
        with sessions() as session:
            if region and session.get(Region, region) is None:
                raise CommandRefused(f"Wilayah {region} tidak ada di tabel wilayah; periksa kodenya (load-regions?).")
            scope = Scope(region or None)
            with progress("Menulis ekspor", unit="baris") as report:
                report(0, 0)
                if args.kind == "roster":
                    # The roster's rows are counted first (one count query), so the bar shows how far it is
                    # while the rows stream; it moves after every batch the workbook writes.
                    export = build_roster(session, scope, period=period, progress=report, count_first=True)
                else:
                    # The recap is one sheet of tallies: it is done when its query is, so the bar just closes.
                    export = build_recap(session, scope, period=period)
                    report(export.rows, export.rows)
        try:
            counted = "keluarga terdaftar DTKS" if args.kind == "roster" else "keluarga"
            refuse_empty(export, empty_message(what, region, period, counted=counted))  # NotFound: exit 2
            with sessions() as session:
                begin_write(session)
                where = {"object_id": region, "region": region}
                audit_export(session, export, what=f"{what} (CLI)", object_type="household", **where)
                commit_or_conflict(session)
            target = _deliver(export, folder)
        finally:
            export.discard()  # after a refusal or a failure: no file left in the temporary folder either
    finally:
        engine.dispose()
    print(f"Ditulis: {target} ({rows_text(export)})")
    return 0


def _export_arguments(args: argparse.Namespace) -> tuple[str, str | None, Path]:
    """The region, period and folder of `export`, checked before anything is read or written."""
    region, period, folder = args.region.strip(), args.period.strip() or None, Path(args.out)
    if region and not is_region_code(region):
        raise CommandRefused(f"Kode wilayah {region} tidak valid (bertitik, misalnya 52.72).")
    if period and not is_period(period):
        raise CommandRefused(PERIOD_INVALID)
    if not folder.is_dir():
        raise CommandRefused(f"Folder tujuan {folder} tidak ada; buat dulu (mkdir -p {folder}) atau pilih --out lain.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CommandRefused(f"Folder tujuan {folder} tidak dapat ditulisi; pilih --out lain.")
    return region, period, folder


def _deliver(export: ExportFile, folder: Path) -> Path:
    """Move the finished workbook into `folder` under its own name."""
    target = folder / export.filename
    try:
        shutil.move(export.path, target)
    except OSError as error:
        target.unlink(missing_ok=True)  # a partial copy across file systems is no file either
        raise CommandRefused(f"Tidak dapat menulis {target}: {error.strerror or error}.") from error
    return target
