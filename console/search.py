"""Search by POST: the term (often a NIK) never travels in a URL (ASVS 4.0.3 8.3.1 / 5.0 14.2.1).

sqladmin searches with `GET list?search=<term>`, which puts a NIK in access logs, browser history and the
Referer of every link on the results page. Here the search box POSTs the term (with the CSRF token) to
`/admin/<view>/search`; the term is kept in the server-side session under a short random key and the
browser is sent to `list?search=<key>`. The list resolves the key back to the term; the search box shows
the term from the session. A key that is unknown to this session (another user's link, an ended
session) searches nothing and lists the rows unfiltered.

Every substring search in the console goes through `contains`: `%`, `_` and the escape character in a term
match themselves (unescaped, `%` alone matched every row in the user's scope). A term longer than
MAX_TERM_LENGTH is refused with a message, never cut.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any, ClassVar
from urllib.parse import urlencode

from sqladmin import expose
from sqladmin.ajax import QueryAjaxModelLoader
from sqladmin.flash import Flash
from sqlalchemy import ColumnElement, Select, String, cast, or_, select
from starlette.datastructures import URL
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import RedirectResponse, Response

from console.sqladmin_door import lookup_fields, lookup_order, lookup_where, run_view_query

SESSION_KEY = "searches"
QUERY_PARAMETER = "search"
FORM_FIELD = "term"
MAX_TERM_LENGTH = 100
KEPT_SEARCHES = 20
# List parameters that never survive a new search (the page number refers to the old result).
_DROPPED = {QUERY_PARAMETER, "page", "error"}
LIKE_ESCAPE = "/"  # not a backslash: PostgreSQL and SQLite read "/" the same way in any string setting


def escape_like(term: str) -> str:
    """`term` as a LIKE pattern that matches itself: the escape character, `%` and `_` escaped."""
    for special in (LIKE_ESCAPE, "%", "_"):
        term = term.replace(special, LIKE_ESCAPE + special)
    return term


def contains(column: Any, term: str) -> ColumnElement[bool]:
    """`column` contains `term` literally, ignoring case (one ILIKE parameter, so trigram indexes still serve it)."""
    return column.ilike(f"%{escape_like(term)}%", escape=LIKE_ESCAPE)


class LiteralLookup(QueryAjaxModelLoader):
    """sqladmin's ajax picker lookup, but the typed term matches literally (its own ILIKE takes `%` and `_`)."""

    @classmethod
    def replacing(cls, loader: QueryAjaxModelLoader) -> LiteralLookup:
        options = {"fields": loader.fields, "where": loader.where, "order_by": loader.order_by, "limit": loader.limit}
        return cls(loader.name, loader.model, loader.model_admin, **options)

    async def get_list(self, request: Request, term: str) -> list[Any]:
        stmt: Select[Any] = select(self.model).where(
            or_(*(contains(cast(field, String), term) for field in lookup_fields(self)))
        )
        if self.where is not None:
            stmt = stmt.where(*await lookup_where(self, request, term))
        order = lookup_order(self)
        if order:
            stmt = stmt.order_by(*order)
        return await run_view_query(self.model_admin, stmt.limit(self.limit))


def remember_search(connection: HTTPConnection, identity: str, term: str) -> str:
    """Store `term` in the session for the view `identity`; return the key that stands for it in URLs."""
    searches: dict[str, dict[str, str]] = connection.session.setdefault(SESSION_KEY, {})
    wanted = {"view": identity, "term": term}
    # 12 URL-safe characters: never mistakable for (or able to contain) a 16-digit NIK.
    key = next((key for key, search in searches.items() if search == wanted), None) or secrets.token_urlsafe(9)
    searches.pop(key, None)
    searches[key] = wanted  # most recent last
    for old_key in list(searches)[:-KEPT_SEARCHES]:
        del searches[old_key]
    return key


def searched_term(connection: HTTPConnection, identity: str) -> str:
    """The term behind this request's `?search=<key>`, if the key belongs to this session and view."""
    key = connection.query_params.get(QUERY_PARAMETER, "")
    search = connection.scope.get("session", {}).get(SESSION_KEY, {}).get(key)
    if not isinstance(search, dict) or search.get("view") != identity:
        return ""
    return str(search.get("term", ""))


def _with_search(request: Request, term: str) -> Request:
    """A copy of the request whose `search` query parameter is the term itself (only sqladmin's list sees it)."""
    params = [(name, value) for name, value in request.query_params.multi_items() if name != QUERY_PARAMETER]
    if term:
        params.append((QUERY_PARAMETER, term))
    scope = {**request.scope, "query_string": urlencode(params).encode("latin-1")}
    return Request(scope, request.receive)


class SearchByPost:
    """Mixin for ModelViews: the POST search route, and the list reading the term from the session."""

    search_auto_submit: ClassVar[bool] = False  # sqladmin's type-ahead would send every keystroke

    identity: ClassVar[str]
    column_searchable_list: ClassVar[Sequence[Any]]

    @expose("/search", methods=["POST"])
    async def search_post(self, request: Request) -> Response:
        if not self.column_searchable_list or not await self.check_can_list(request):  # type: ignore[attr-defined]
            raise HTTPException(status_code=404)
        form = await request.form()
        term = " ".join(str(form.get(FORM_FIELD) or "").split())
        # Filters and sorting of the list the search was made on come along in the form's action URL.
        params = [(name, value) for name, value in request.query_params.multi_items() if name not in _DROPPED]
        if len(term) > MAX_TERM_LENGTH:
            # Refused, not cut: a cut term would search for something the official did not type.
            Flash.error(request, f"Kata pencarian paling banyak {MAX_TERM_LENGTH} karakter; terisi {len(term)}.")
        elif term:
            params.append((QUERY_PARAMETER, remember_search(request, self.identity, term)))
        url = URL(str(request.url_for("admin:list", identity=self.identity))).replace(query=urlencode(params))
        return RedirectResponse(url, status_code=303)

    async def list(self, request: Request) -> Any:
        return await super().list(_with_search(request, searched_term(request, self.identity)))  # type: ignore[misc]

    async def list_context(self, request: Request) -> dict[str, Any]:
        context = await super().list_context(request)  # type: ignore[misc]
        return {**context, "search_term": searched_term(request, self.identity)}
