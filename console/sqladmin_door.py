"""The one doorway into sqladmin's internals: every use of a private name, route or global goes through here.

sqladmin (pinned in pyproject.toml) gives no public hook for a few things the console needs: the views'
admin, the menu, the routes and the exception handler of its sub-application, its locale tables, and some
private attributes of `ModelView` and `QueryAjaxModelLoader`. Each use is one small function below whose
docstring names the internal it reaches and why; tests/console/test_sqladmin_door.py holds a contract test
per function against the installed sqladmin, and a scan that fails when any other module of console/ uses
one of these internals. The door also says once where sqladmin's types are narrower than what the console
hands it or gets back (`ColumnLabels`, `NO_DEFAULT_VALUE`, `session_maker_of`), holds the one change to its
ModelView metaclass (`PluralIsName`), and renders the list pages without Jinja's async mode, their rows worked
out first as sqladmin's list.html would (`list_cells`, `install_sync_rendering`). Upgrading sqladmin: README.md,
"Upgrading sqladmin".
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlencode

import sqladmin
import sqladmin.helpers
import sqladmin.i18n
import sqlalchemy
from babel.support import Translations
from jinja2 import BaseLoader, ChoiceLoader, Environment, PrefixLoader, TemplateNotFound
from jinja2.runtime import Context
from sqladmin import Admin, BaseView, ModelView
from sqladmin._menu import CategoryMenu, ItemMenu
from sqladmin._types import _UNSET, MODEL_ATTR, OperationColumnFilter, SimpleColumnFilter
from sqladmin.ajax import QueryAjaxModelLoader
from sqladmin.models import ModelViewMeta
from sqladmin.templating import _TemplateResponse
from sqlalchemy import Select
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.datastructures import URL
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route
from wtforms import Form  # WTForms ships no stubs

from database.paging import DEEP_OFFSET, keyed_page

ExceptionHandler = Callable[[Request, Exception], Any]

MenuEntry = ItemMenu
"""sqladmin's menu entry class (private module `sqladmin._menu`), the base of our `PageLink`s."""

SQLADMIN_TEMPLATES = Path(sqladmin.__file__).parent / "templates" / "sqladmin"
"""Where sqladmin's own templates lie (our templates extend them as "sqladmin_original/<name>")."""

APPLICATION_LOGGER = "sqladmin.application"
"""The logger sqladmin writes `logger.exception(...)` to for every create/edit/delete it refuses on the form."""


# --- the Admin --------------------------------------------------------------------------------------


def admin_of(view: BaseView | ModelView) -> Admin:
    """The Admin a view was added to: `view._admin_ref`, set by `Admin.add_view` (no public accessor)."""
    return cast(Admin, view._admin_ref)


def session_maker_of(view: BaseView | ModelView) -> sessionmaker[Session]:
    """The sessionmaker of a view's Admin: sqladmin types it as sync or async, the console's is sync (app.py)."""
    maker = admin_of(view).session_maker
    if not isinstance(maker, sessionmaker):
        raise TypeError("the console's Admin runs on a sync sessionmaker (console/app.py)")
    return maker


def sub_application(admin: Admin) -> Starlette:
    """The Starlette app sqladmin mounts at its base URL (`admin.admin`): its state is what views see as request.app."""
    return admin.admin


def add_to_menu(admin: Admin, category: str, entry: ItemMenu) -> None:
    """Append `entry` under `category` in `admin._menu` (sqladmin's menu lists views only; it merges by name)."""
    menu = CategoryMenu(name=category)
    menu.add_child(entry)
    admin._menu.add(menu)


def replace_route(admin: Admin, name: str, replacement: Callable[[Route], Route]) -> None:
    """Swap the route `name` of sqladmin's router (`admin.admin.router.routes`) for `replacement(old)`.

    Raises LookupError when sqladmin has no such route: a silent miss would leave e.g. GET /logout in place.
    """
    routes = admin.admin.router.routes
    for index, route in enumerate(routes):
        if isinstance(route, Route) and route.name == name:
            routes[index] = replacement(route)
            return
    raise LookupError(f"sqladmin has no route named {name!r} (console/sqladmin_door.py: replace_route)")


def wrap_http_exception_handler(admin: Admin, wrapper: Callable[[ExceptionHandler], ExceptionHandler]) -> None:
    """Wrap the HTTPException handler sqladmin sets on its sub-application (`admin.admin.exception_handlers`)."""
    handlers = admin.admin.exception_handlers
    handlers[HTTPException] = wrapper(handlers[HTTPException])


def add_template_global(admin: Admin, name: str, value: Any) -> None:
    """Make `value` a global of every template (`admin.templates.env`, sqladmin's Jinja2 environment)."""
    admin.templates.env.globals[name] = value


def register_locale(code: str, catalogue: Translations) -> None:
    """Make `code` a locale sqladmin can activate: its module tables `translations` and `SUPPORTED_LOCALES`.

    Must run before the Admin is built. `SUPPORTED_LOCALES` is a list in sqladmin: no duplicates on a second call.
    """
    sqladmin.i18n.translations[code] = catalogue
    if code not in sqladmin.i18n.SUPPORTED_LOCALES:
        sqladmin.i18n.SUPPORTED_LOCALES.append(code)


def active_locale() -> str:
    """The locale of this request, as sqladmin's LocaleMiddleware set it (`sqladmin.i18n.get_locale`)."""
    return sqladmin.i18n.get_locale()


def exposed_identities(view_class: type[BaseView]) -> list[str]:
    """The identities of a view class's `@expose` routes (the decorator's `_exposed` / `_identity` marks)."""
    return [func._identity for func in vars(view_class).values() if hasattr(func, "_exposed")]


# --- a ModelView's class and private attributes ---------------------------------------------------------

ColumnLabels = dict[MODEL_ATTR, str]
"""A view's `column_labels` as sqladmin types it: keyed by property name or attribute (a dict[str, str] is not one)."""


class PluralIsName(ModelViewMeta):
    """sqladmin's ModelView metaclass, but a view that names no `name_plural` has its `name` as the plural.

    `ModelViewMeta.__new__` sets `name_plural` to `name + "s"` when the class body gives none (English); an
    Indonesian noun does not inflect ("Keluarga", "Pengguna"), so a view says its plural only when it differs.
    """

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any], **kwargs: Any) -> PluralIsName:
        view_class = super().__new__(mcs, name, bases, attrs, **kwargs)
        if kwargs.get("model") is not None and "name_plural" not in attrs:
            view_class.name_plural = view_class.name
        return view_class


def replace_ajax_lookups(view: ModelView, replacing: Callable[[QueryAjaxModelLoader], QueryAjaxModelLoader]) -> None:
    """Swap each ajax picker loader of a view (`view._form_ajax_refs`, built from `form_ajax_refs` at init)."""
    for name, loader in view._form_ajax_refs.items():
        view._form_ajax_refs[name] = replacing(loader)


def is_create_rules(view: ModelView, rules: Any) -> bool:
    """Whether `scaffold_form(rules)` is building the create form: sqladmin passes `view._form_create_rules`."""
    return rules is view._form_create_rules


def drop_fields_outside_rules(view: ModelView, rules: list[Any] | None, form: type[Form]) -> None:
    """Remove from `form` the fields `rules` does not name (`view._validate_form_class`, as scaffold_form does)."""
    view._validate_form_class(rules or [], form)


def row_url(view: ModelView, route: str, request: Request, row: Any) -> URL:
    """The URL of `route` ("admin:details", "admin:edit") for `row` (`view._build_url_for`)."""
    return view._build_url_for(route, request, row)


def list_relations(view: ModelView) -> list[Any]:
    """The relationships the list loads with selectinload (`view._list_relations`)."""
    return list(view._list_relations)


def export_columns(view: ModelView) -> list[str]:
    """The property names sqladmin's export writes (`view._export_prop_names`, from `column_export_list`)."""
    return list(view._export_prop_names)


def column_label(view: ModelView, prop: str) -> str:
    """The label of `prop` (`view._column_labels`, `column_labels` keyed by property name)."""
    return str(view._column_labels.get(prop, prop))


def list_formatted(view: ModelView, row: Any, prop: str, request: Request) -> tuple[bool, Any]:
    """(whether the list has a formatter for `prop`, its output): `_list_formatters` and `_call_formatter`."""
    formatter = view._list_formatters.get(prop)
    if formatter is None:
        return False, None
    accepts_request = view._list_formatter_accepts_request.get(prop, False)
    return True, view._call_formatter(formatter, row, prop, request, accepts_request)


NO_DEFAULT_VALUE: Any = _UNSET
"""The `default_value` of a list filter that has none (`sqladmin._types._UNSET`).

sqladmin's filter protocols declare `default_value` as a member, but `ModelView.list` reads it with
`getattr(filter, "default_value", _UNSET)`: a filter without one is applied only when the query string sets it.
Our filters declare it as this value, so they are what the protocol says and behave as they would without it.
"""


async def apply_list_filters(view: ModelView, stmt: Select[Any], request: Request) -> Select[Any]:
    """`stmt` narrowed by the view's filters as the list's query string sets them (the loop of `ModelView.list`).

    Filters with operators take `<name>_op`; the two filter kinds are typed in the private `sqladmin._types`.
    """
    for column_filter in view.get_filters():
        value = request.query_params.get(column_filter.parameter_name)
        if not value:
            continue
        if getattr(column_filter, "has_operator", False):
            operation = request.query_params.get(f"{column_filter.parameter_name}_op")
            if operation:
                operation_filter = cast(OperationColumnFilter, column_filter)
                stmt = await operation_filter.get_filtered_query(stmt, operation, value, view.model)
        else:
            stmt = await cast(SimpleColumnFilter, column_filter).get_filtered_query(stmt, value, view.model)
    return stmt


def listed_statement(count: Select[Any]) -> Select[Any] | None:
    """The list's own statement inside the count sqladmin's `ModelView.list` asks for
    (`select(func.count()).select_from(<list statement>.subquery())`); None for any other shape."""
    froms = count.get_final_froms()
    inner = getattr(froms[0], "element", None) if len(froms) == 1 else None
    return inner if isinstance(inner, Select) else None


class IdentifierCheck:
    """ModelView mixin: `check_identifier` runs before every details, edit and delete lookup.

    sqladmin builds each of them in the private `ModelView._stmt_by_identifier`; this is its only override.
    """

    def check_identifier(self, identifier: str) -> None:
        """Raise (e.g. HTTPException 404) for an identifier that can name no row."""

    def _stmt_by_identifier(self, identifier: str) -> Select[Any]:
        self.check_identifier(identifier)
        return cast(Select[Any], super()._stmt_by_identifier(identifier))  # type: ignore[misc]


class RowUrlsOnce:
    """ModelView mixin: a list page resolves each row link's route once, not once per row.

    sqladmin's list builds up to three URLs per row through `request.url_for`, which walks the application's
    routes each time (about a seventh of a list page's rendering). The private `_build_url_for` and
    `_url_for_delete` are overridden: a route is resolved once per request with a placeholder id, and each
    row's integer id takes the placeholder's place. Any other identifier goes through sqladmin as before.
    """

    _PLACEHOLDER = "917253846102938475"  # 18 digits, the widest id the row-id convertor admits (console/identifiers.py)

    def _resolved_once(self, request: Request, name: str, **params: Any) -> str:
        resolved: dict[tuple[str, str], str] = request.scope.setdefault("dtks.resolved_routes", {})
        key = (name, str(sorted(params.items())))
        if key not in resolved:
            resolved[key] = str(request.url_for(name, **params))
        return resolved[key]

    def _build_url_for(self, name: str, request: Request, obj: Any) -> URL:
        identifier = sqladmin.helpers.get_object_identifier(obj)
        if not isinstance(identifier, int):
            return cast(URL, super()._build_url_for(name, request, obj))  # type: ignore[misc]
        identity = cast(ModelView, self)._identity_for_object(obj)
        pattern = self._resolved_once(request, name, identity=identity, pk=int(self._PLACEHOLDER))
        return URL(pattern.replace(self._PLACEHOLDER, str(identifier), 1))

    def _url_for_delete(self, request: Request, obj: Any) -> str:
        identity = cast(ModelView, self)._identity_for_object(obj)
        query = urlencode({"pks": sqladmin.helpers.get_object_identifier(obj)})
        return self._resolved_once(request, "admin:delete", identity=identity) + "?" + query


class DeepPagesByKey:
    """ModelView mixin: a deep page of the list is found by its primary keys first (database/paging.py).

    sqladmin applies the page's LIMIT and OFFSET inside `ModelView.list` and hands the statement to the private
    `_run_query`; this is its only override. Statements without a deep OFFSET (shallow pages, exports, pickers)
    pass unchanged, as do models whose primary key has several columns. Contract: tests/console/test_deep_pages.py.
    """

    deep_page_from = DEEP_OFFSET

    async def _run_query(self, stmt: Any) -> Any:
        keys: tuple[Any, ...] = tuple(sqlalchemy.inspect(cast(ModelView, self).model).primary_key)
        if isinstance(stmt, Select) and len(keys) == 1:
            stmt = keyed_page(stmt, keys[0], self.deep_page_from)
        return await super()._run_query(stmt)  # type: ignore[misc]


# --- a list page's rows, worked out before the page renders ------------------------------------------------


@dataclass(frozen=True)
class ListedCell:
    """One cell of a list row as sqladmin's list.html shows it: the formatted value, a link to the related
    row's details for a to-one relation, or the linked entries of a to-many relation."""

    text: Any
    href: str | None = None
    entries: tuple[tuple[str | None, Any], ...] | None = None


async def list_cells(view: ModelView, request: Request, row: Any) -> list[ListedCell]:
    """`row`'s cells in the list's column order, decided as sqladmin's list.html decides them (its private
    `_list_prop_names`, `_relation_names`, `_non_link_related_fields`, `_url_for_details_with_prop` and
    `_build_url_for`), with `get_list_value` awaited here instead of from the template."""
    cells = []
    for name in view._list_prop_names:
        value, formatted = await view.get_list_value(row, name, request)
        linked = name not in view._non_link_related_fields
        if name not in view._relation_names:
            cells.append(ListedCell(formatted))
        elif isinstance(value, list | set):
            entries = tuple(
                (str(view._build_url_for("admin:details", request, entry)) if linked else None, text)
                for entry, text in zip(value, formatted, strict=False)
            )
            cells.append(ListedCell(formatted, entries=entries))
        else:
            href = str(view._url_for_details_with_prop(request, row, name)) if linked else None
            cells.append(ListedCell(formatted, href=href))
    return cells


class SyncOnlyContext(Context):
    """A template context for rendering without async mode that still takes sqladmin's `async def` checks.

    Many of sqladmin's methods are coroutines only so that an async engine could load relations in them
    (`check_can_create`, `check_can_export`, ...); with the console's sync sessions they finish without ever
    waiting. Such a coroutine is run to its end here. One that waits (for a thread, a lock, the database) is
    refused with a TypeError: work it out before the template renders (as `list` does for the rows).
    """

    def call(self, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        result = super().call(obj, *args, **kwargs)
        if not inspect.iscoroutine(result):
            if inspect.isawaitable(result):
                raise TypeError(f"{obj!r} returned an awaitable a template rendered without async cannot wait for")
            return result
        try:
            result.send(None)
        except StopIteration as finished:
            return finished.value
        result.close()
        raise TypeError(f"{obj!r} waits: work it out before a template rendered without async runs")


SYNC_TEMPLATES_CACHE = 200


def install_sync_rendering(admin: Admin, names: Iterable[str]) -> None:
    """Render the templates `names` without Jinja's async mode (call after `install_templates`).

    sqladmin's environment is async (`enable_async=True`): every call and loop of every template goes through
    an awaitable wrapper, which is most of a list page's rendering. A list page whose async work is done before
    it renders (its rows: `list_cells` and the view's own row facts) renders in a synchronous overlay of the
    same environment: same loader, globals, filters and extensions, its own cache of compiled templates
    (`Environment.overlay`). Its context runs an `async def` that never waits and refuses one that does
    (SyncOnlyContext). sqladmin's
    `Jinja2Templates.TemplateResponse` and its private `_TemplateResponse` are wrapped for these names only.
    """
    templates = admin.templates
    synchronous = templates.env.overlay(enable_async=False, cache_size=SYNC_TEMPLATES_CACHE)
    synchronous.context_class = SyncOnlyContext
    sync_names = frozenset(names)
    rendered_async = templates.TemplateResponse

    async def template_response(
        request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
    ) -> Any:
        if name not in sync_names:
            return await rendered_async(request, name, context, status_code)
        await prepared(templates, request)  # the wrapped renderer above is skipped for these
        context = context or {}
        context.setdefault("request", request)
        template = synchronous.get_template(name)
        return _TemplateResponse(template, template.render(context), context, status_code=status_code)

    templates.TemplateResponse = template_response  # type: ignore[method-assign]


PREPARATIONS = "_dtks_before_rendering"  # on sqladmin's Jinja2Templates: what runs before every render


def before_rendering(admin: Admin, prepare: Callable[[Request], Awaitable[None]]) -> None:
    """Await `prepare(request)` before any template of `admin` renders, in async or sync mode, whichever of this
    and `install_sync_rendering` is called first.

    What every page's frame shows from the database (the menu's worklist count) is read here, in a worker thread of
    `prepare`'s choosing, and left on `request.state`: a template never waits on the database, and the templates
    rendered without async mode can show it too.
    """
    templates = admin.templates
    preparations: list[Callable[[Request], Awaitable[None]]] | None = getattr(templates, PREPARATIONS, None)
    if preparations is not None:
        preparations.append(prepare)
        return
    setattr(templates, PREPARATIONS, [prepare])
    render = templates.TemplateResponse

    async def template_response(
        request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
    ) -> Any:
        await prepared(templates, request)
        return await render(request, name, context, status_code)

    templates.TemplateResponse = template_response  # type: ignore[method-assign]


async def prepared(templates: Any, request: Request) -> None:
    """Run the preparations `before_rendering` registered (once per request each: they mark `request.state`)."""
    for prepare in getattr(templates, PREPARATIONS, ()):
        await prepare(request)


# --- an ajax picker's private attributes ------------------------------------------------------------------


def lookup_fields(loader: QueryAjaxModelLoader) -> list[Any]:
    """The columns an ajax picker searches (`loader._cached_fields`, resolved from `fields` at init)."""
    return list(loader._cached_fields)


def lookup_order(loader: QueryAjaxModelLoader) -> list[Any]:
    """The picker's ORDER BY columns (`loader._cached_fields_order_by`), empty for none."""
    return list(loader._cached_fields_order_by or [])


async def lookup_where(loader: QueryAjaxModelLoader, request: Request, term: str) -> list[Any]:
    """The picker's `where` clauses for this request and term (`loader._prepare_where_clauses`)."""
    return list(await loader._prepare_where_clauses(request, term))


async def run_view_query(view: ModelView, stmt: Select[Any]) -> list[Any]:
    """Run `stmt` through the view's session, sync or async (`view._run_query`), as sqladmin's lookups do."""
    return cast(list[Any], await view._run_query(stmt))


def original_templates(names: Iterable[str]) -> list[Path]:
    """Paths of sqladmin's own templates `names` (e.g. "flash.html"), for reading what they render."""
    return [SQLADMIN_TEMPLATES / name for name in names]


# --- sqladmin's templates, with named blocks where sqladmin has none ------------------------------------------

CARVED_PREFIX = "sqladmin_carved"
"""Our templates extend "sqladmin_carved/<name>": sqladmin's original, plus the blocks of CARVES."""


@dataclass(frozen=True)
class Carve:
    """Lines of sqladmin's `template`, wrapped in `{% block <block> scoped %}` so one of ours can override them.

    sqladmin's list, details and layout put what we change in the middle of a large block (`content`, `body`);
    a finer block lets our template replace the few lines that differ instead of copying the whole page.
    The `size` lines start at the one line reading `first` (once in the template, spaces aside), and
    their SHA-256 starts with `digest`: when an upgrade changes them, the page refuses to render (and the
    contract test fails) instead of our override silently replacing markup that is no longer what we copied.
    """

    template: str
    block: str
    first: str
    size: int
    digest: str


CARVES = (
    Carve("base.html", "dtks_html_open", '<html lang="en">', 1, "876b0aade9c7ab4f"),
    Carve(
        "layout.html",
        "dtks_menu",
        "{{ display_menu(admin._menu, request) }}",
        1,
        "55de4b5e6637d5ee",
    ),
    Carve(
        "layout.html",
        "dtks_logout",
        '<a href="{{ request.url_for(\'admin:logout\') }}" class="btn btn-secondary btn-icon m-2 px-2">',
        4,
        "cfa20df207704a05",
    ),
    Carve(
        "list.html",
        "dtks_export",
        "{% if model_view.can_export and model_view.check_can_export(request) %}",
        24,
        "0cfca2423f301593",
    ),
    Carve("list.html", "dtks_search", "{% if model_view.column_searchable_list %}", 13, "8c5550f6ed4bd42a"),
    Carve("list.html", "dtks_rows", "{% for row in pagination.rows %}", 64, "6b71e7ecd4602568"),
    Carve(
        "details.html",
        "dtks_details_top",
        '<div class="card-body border-bottom py-3">',
        1,
        "d9ffbafaecaaebd7",
    ),
    Carve(
        "details.html",
        "dtks_edit_delete",
        "{% if model_view.check_can_delete(request, model) %}",
        16,
        "3ac89817cf972870",
    ),
)


class CarvingLoader(BaseLoader):
    """sqladmin's own templates with the CARVES wrapped in blocks (the rest as shipped)."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = SQLADMIN_TEMPLATES / template
        if not path.is_file():
            raise TemplateNotFound(template)
        return carved_source(template), str(path), lambda: True


def carved_source(template: str) -> str:
    """sqladmin's `template` with each of its CARVES wrapped in a scoped block; ValueError when one moved."""
    lines = (SQLADMIN_TEMPLATES / template).read_text(encoding="utf-8").split("\n")
    for carve in (carve for carve in CARVES if carve.template == template):
        stripped = [line.strip() for line in lines]
        starts = [index for index, line in enumerate(stripped) if line == carve.first]
        fragment = "\n".join(lines[starts[0] : starts[0] + carve.size]) if len(starts) == 1 else ""
        if not fragment or not hashlib.sha256(fragment.encode()).hexdigest().startswith(carve.digest):
            raise ValueError(
                f"sqladmin's {template} changed the lines of block {carve.block!r} "
                "(console/sqladmin_door.py: CARVES); see README.md, Upgrading sqladmin"
            )
        carved = [f"{{% block {carve.block} scoped %}}", *lines[starts[0] : starts[0] + carve.size], "{% endblock %}"]
        lines[starts[0] : starts[0] + carve.size] = carved
    return "\n".join(lines)


def install_templates(admin: Admin) -> None:
    """Serve the carved originals under CARVED_PREFIX, and give templates the door's helpers.

    sqladmin's environment already has a ChoiceLoader (ours first, then its own); ours goes in front of it.
    """
    env = admin.templates.env
    env.loader = ChoiceLoader([PrefixLoader({CARVED_PREFIX: CarvingLoader()}), cast(BaseLoader, env.loader)])
    env.globals["menu_of"] = menu_of
    env.globals["page_language"] = active_locale
    env.globals["row_url"] = row_url
    env.globals["delete_url"] = delete_url


def menu_of(admin: Admin) -> Any:
    """sqladmin's menu of an Admin (`admin._menu`), for our menu macro (console/templates/dtks_menu.html)."""
    return admin._menu


def delete_url(view: ModelView, request: Request, row: Any) -> str:
    """The URL the delete modal sends a row's DELETE to (`view._url_for_delete`)."""
    return str(view._url_for_delete(request, row))
