"""Uvicorn's access log without query strings: they may carry personal data (ASVS 5.0 14.2.1, 16.2.5).

The console itself puts no NIK in a URL (console/search.py), but a hand-typed or old bookmarked
`?search=3201...` would otherwise be written to the log verbatim. The request line is kept, cut at `?`.
"""

from __future__ import annotations

import logging

ACCESS_LOGGER = "uvicorn.access"
_PATH_ARGUMENT = 2  # uvicorn logs '%s - "%s %s HTTP/%s" %d' % (client, method, path_with_query, version, status)


class DropQueryStrings(logging.Filter):
    """Rewrites each access-log record so its path ends before the query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        arguments = record.args
        if isinstance(arguments, tuple) and len(arguments) > _PATH_ARGUMENT:
            path = arguments[_PATH_ARGUMENT]
            if isinstance(path, str) and "?" in path:
                record.args = (*arguments[:_PATH_ARGUMENT], path.split("?", 1)[0], *arguments[_PATH_ARGUMENT + 1 :])
        return True


def drop_query_strings_from_access_log() -> None:
    """Install the filter on uvicorn's access logger (after uvicorn.Config has configured logging)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, DropQueryStrings) for existing in logger.filters):
        logger.addFilter(DropQueryStrings())
