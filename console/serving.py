"""What `run` and `seed-demo` do outside development, and the app role's grants from the command line.

The demo (13 accounts sharing a published password, 3,000 invented households) exists only under
ENVIRONMENT=development. Before issue 9, `make run` seeded it on any database without an `admin` user,
whatever ENVIRONMENT said: a production server started once against an empty database opened with
public logins. Outside development `run` now says that no demo was made and how to create the first admin.
"""

from __future__ import annotations

import sys

from console.settings import Settings

DEMO_REFUSED = (
    "Data demo hanya dibuat dengan ENVIRONMENT=development (sekarang: {environment}). Akun demo memakai kata "
    "sandi yang diterbitkan di README; jangan pernah membuatnya di server sungguhan."
)
NO_DEMO = "ENVIRONMENT={environment}: tidak ada data demo atau akun demo yang dibuat."
FIRST_ADMIN = (
    "Belum ada akun admin yang aktif. Buat admin pertama (kata sandi ditanyakan, tidak tampil di layar):\n"
    '  python -m console create-user --role admin --username NAMA_PENGGUNA --full-name "Nama Lengkap"'
)


def demo_allowed(settings: Settings) -> bool:
    return settings.environment == "development"


def print_production_start(settings: Settings) -> None:
    """Tell whoever started the server that there is no demo, and how to sign in the first time."""
    from sqlalchemy import select

    from console.database import make_engine, make_session_factory
    from models import Role, User

    engine = make_engine(settings)
    try:
        with make_session_factory(engine)() as session:
            has_admin = session.scalar(select(User.id).where(User.role == Role.ADMIN, User.is_active).limit(1))
    finally:
        engine.dispose()
    print(NO_DEMO.format(environment=settings.environment))
    if has_admin is None:
        print(FIRST_ADMIN)
    print(f"\nKonsol DTKS: http://{settings.host}:{settings.port}/admin/\n")


def grant_app_role_command(settings: Settings, role: str) -> int:
    """`grant-app-role ROLE`, run by the schema owner: the app role's grants, recomputed (database/roles.py)."""
    from console.database import make_engine
    from database.roles import AppRoleProblem, grant_app_role

    engine = make_engine(settings.model_copy(update={"database_url": settings.owner_database_url}))
    try:
        with engine.begin() as connection:
            statements = grant_app_role(connection, role)
    except AppRoleProblem as problem:
        print(problem, file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    for statement in statements:
        print(f"  {statement};")
    print(f"Hak akses peran {role} diperbarui ({len(statements)} perintah).")
    return 0
