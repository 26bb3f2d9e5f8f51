"""Access logs without query strings: they may carry personal data (ASVS 5.0 14.2.1, 16.2.5).

The console itself puts no NIK in a URL (console/search.py), but a hand-typed or old bookmarked
`?search=3201...` would otherwise be written to the log verbatim. The request line is kept, cut at `?`.

The app owns the filter: `create_app` installs it when it is built and again at start-up (lifespan), so it
holds whichever server loads the app (`make run`, `uvicorn --factory console.app:create_app`, gunicorn with
uvicorn's worker) and after the server has configured its logging. A filter sits on a logger, not on a
handler, so a server replacing its handlers keeps it.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping

# uvicorn (also under gunicorn's UvicornWorker) and gunicorn's own access logger.
ACCESS_LOGGERS = ("uvicorn.access", "gunicorn.access")
_PATH_ARGUMENT = 2  # uvicorn logs '%s - "%s %s HTTP/%s" %d' % (client, method, path_with_query, version, status)


class DropQueryStrings(logging.Filter):
    """Rewrites each access-log record so its path ends before the query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        arguments = record.args
        if isinstance(arguments, tuple) and len(arguments) > _PATH_ARGUMENT:
            path = arguments[_PATH_ARGUMENT]
            if isinstance(path, str) and "?" in path:
                record.args = (*arguments[:_PATH_ARGUMENT], path.split("?", 1)[0], *arguments[_PATH_ARGUMENT + 1 :])
        elif isinstance(arguments, MutableMapping):
            _drop_from_gunicorn_atoms(arguments)
        return True


def _drop_from_gunicorn_atoms(atoms: MutableMapping[str, object]) -> None:
    """gunicorn logs a dict of atoms: `r` the request line, `q` the query string (access_log_format)."""
    line = atoms.get("r")
    if isinstance(line, str) and "?" in line:
        method, _, rest = line.partition(" ")
        target, _, protocol = rest.partition(" ")
        atoms["r"] = " ".join(part for part in (method, target.split("?", 1)[0], protocol) if part)
    if "q" in atoms:
        atoms["q"] = ""


def drop_query_strings_from_access_log() -> None:
    """Install the filter on the servers' access loggers (idempotent: once per logger)."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, DropQueryStrings) for existing in logger.filters):
            logger.addFilter(DropQueryStrings())
