"""`python -m console upgrade`: the one command after installing a new release (README, "Upgrading to a new release").

Runs the migrations as the schema owner (MIGRATION_DATABASE_URL, else DATABASE_URL), grants the app's PostgreSQL
role as `migrate` does, then adds the seed items new in this release (database/seed_sync.py): never one an
administrator removed, never over one an administrator edited (step targets, access rules; office profiles have no
seed). It prints what it did, in Indonesian; a second run says there is nothing to do.
"""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from alembic import command
from console.settings import Settings
from database.engine import make_engine
from database.seed_sync import SeedSync, sync_seed
from policies.rules import seed_rules_if_empty


def upgrade_command(settings: Settings) -> int:
    from console.cli import _alembic_config, _session

    owner = settings.model_copy(update={"database_url": settings.owner_database_url})
    config = _alembic_config(settings)
    script = ScriptDirectory.from_config(config)
    before, head = current_revision(owner.database_url), script.get_current_head()
    pending = [] if before == head else list(reversed(list(script.iterate_revisions(head, before or "base"))))
    command.upgrade(config, "head")
    with _session(owner) as session:
        seeded = seed_rules_if_empty(session)  # as `migrate`: a table emptied by hand is filled whole again
        result = sync_seed(session)
        session.commit()
    if not pending and not seeded and not result.changed:
        print(f"Tidak ada yang perlu dilakukan: basis data sudah pada revisi {head} dan data bawaan sudah sinkron.")
        return 0
    print(f"Revisi basis data: {before or '(kosong)'} -> {head}")
    print(f"Migrasi dijalankan: {len(pending)}")
    for revision in pending:
        print(f"  {revision.revision}  {(revision.doc or '').strip().splitlines()[0]}")
    if seeded:
        print(f"Tabel aturan akses kosong: diisi {seeded} aturan dari policies/policy.csv.")
    _print_sync(result)
    if config.attributes["app_role"]:
        print(f"Hak akses peran aplikasi {config.attributes['app_role']} diperbarui.")
    return 0


def current_revision(database_url: str) -> str | None:
    """The revision the database is at (None: no schema yet)."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def _print_sync(result: SeedSync) -> None:
    print(f"Aturan akses baru ditambahkan: {len(result.rules_added)}")
    for role, resource, action in result.rules_added:
        print(f"  {role}, {resource}, {action}")
    if result.rules_left_out:
        print(f"Aturan akses bawaan yang sudah dihapus admin, tidak ditambahkan kembali: {len(result.rules_left_out)}")
        for role, resource, action in result.rules_left_out:
            print(f"  {role}, {resource}, {action}")
        print("  (sync-policies --dry-run menampilkan semua aturan bawaan yang tidak ada di basis data)")
    kept = len(result.targets_edited)
    print(f"Target langkah ditambahkan: {len(result.targets_added)} (dipertahankan: {kept} diubah admin)")
    for status in result.targets_added:
        print(f"  {status}")
    if result.targets_left_out:
        print(
            f"Target langkah yang sudah dihapus admin, tidak ditambahkan kembali: {', '.join(result.targets_left_out)}"
        )
