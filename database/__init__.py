"""The database without the web: where it is, how to connect to it, and what the app's own role may do there.

alembic/env.py builds on this package alone, so a migration never imports the console (its settings, its
session factory, its audit hooks); the console builds its engine and settings on it too, so both read the
same URLs the same way. Nothing here imports `console`, `chain` or the web stack.

- `settings.py`: DATABASE_URL and MIGRATION_DATABASE_URL from the environment and `.env` (the embedded
  SQLite file when both are empty), and the owner's URL migrations run on.
- `engine.py`: a bare engine for a URL (SQLite's pragmas, no statement values in error texts); no session
  hooks, which belong to the session factory (chain/write_path.py).
- `roles.py`: the app's PostgreSQL role and the grants recomputed after each upgrade.
"""
