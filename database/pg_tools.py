"""PostgreSQL's own client tools for backup and restore: `pg_dump` and `pg_restore`, run on a SQLAlchemy URL.

The URL's password goes in PGPASSWORD, never on a command line (where `ps` shows it to every user of the machine).
The tools on the PATH must be at least the server's major version (`pg_dump` refuses a newer server itself: the
message says so, ToolFailed carries it).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import make_url

__all__ = ["ToolFailed", "dump", "restore_dump"]


class ToolFailed(Exception):
    """pg_dump or pg_restore failed; the message carries its own first lines."""


def dump(url: str, target: Path, *, snapshot: str) -> None:
    """`pg_dump` in its custom format into `target`, reading the exported `snapshot` (pg_export_snapshot)."""
    _on_database(url, ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"])


def restore_dump(url: str, dump_file: Path) -> None:
    """`pg_restore` of a custom-format dump in one transaction, every object owned by the URL's user, no grants.

    An extension's comment may only be set by the extension's owner: left out, so that a pg_trgm a DBA created
    first does not stop the restore (the migration creates it with `IF NOT EXISTS`, so does the dump).
    """
    contents = _run(["pg_restore", "--list", str(dump_file)]).splitlines()
    kept = [line for line in contents if " COMMENT " not in line or " EXTENSION " not in line]
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as listing:
        listing.write("\n".join(kept) + "\n")
    try:
        options = ["--no-owner", "--no-acl", "--exit-on-error", "--single-transaction", f"--use-list={listing.name}"]
        _on_database(url, ["pg_restore", *options, str(dump_file)])
    finally:
        Path(listing.name).unlink()


def _on_database(url: str, arguments: list[str]) -> str:
    """Run a tool on the URL's database: libpq's form of the URL, without the password (in PGPASSWORD)."""
    parsed = make_url(url)
    environment = dict(os.environ)
    if parsed.password is not None:
        environment["PGPASSWORD"] = str(parsed.password)
    dsn = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return _run([*arguments, f"--dbname={dsn}"], environment)


def _run(arguments: list[str], environment: dict[str, str] | None = None) -> str:
    """The tool's output, or ToolFailed with the first lines it wrote on stderr."""
    try:
        done = subprocess.run(arguments, env=environment, capture_output=True, text=True)
    except FileNotFoundError:
        raise ToolFailed(f"{arguments[0]} tidak ditemukan; pasang postgresql-client versi server.") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()][:3]
        raise ToolFailed(f"{arguments[0]} gagal: " + " / ".join(lines))
    return done.stdout
