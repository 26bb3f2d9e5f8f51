"""Each route's path worked out once per process: `url_for(name, **params)` is memoised on the app's router.

Starlette finds a route's path by asking every route in turn, each refusing by raising NoMatchFound: a list
page asks about 70 times (the stylesheets and scripts, every menu entry, the page's own links), some 25
routes deep inside the admin's mount. The routes of a built app never change, and the same name with the
same parameters always gives the same path, so the answer is kept (most recently used, bounded). The host
and root path are not part of it: `request.url_for` adds them per request, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import URLPath

REMEMBERED_PATHS = 4096


def remember_route_paths(app: Starlette) -> None:
    """Memoise `app.router.url_path_for` (call once, after every route is in place)."""
    resolve: Callable[..., URLPath] = app.router.url_path_for

    @lru_cache(maxsize=REMEMBERED_PATHS)
    def remembered(name: str, params: tuple[tuple[str, Hashable], ...]) -> URLPath:
        return resolve(name, **dict(params))

    def url_path_for(name: str, /, **path_params: Any) -> URLPath:
        try:
            key = tuple(sorted(path_params.items()))
            hash(key)
        except TypeError:  # a parameter that cannot be a key: asked afresh
            return resolve(name, **path_params)
        return remembered(name, key)

    app.router.url_path_for = url_path_for  # type: ignore[method-assign]
