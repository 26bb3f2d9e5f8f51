"""The doorway into sqladmin holds: each internal it reaches has the shape we rely on, and nobody else reaches one.

A failure here after an sqladmin upgrade names the function of console/sqladmin_door.py whose internal moved;
README.md, "Upgrading sqladmin", says what to do next.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import anyio
import pytest
import sqladmin.application
import sqladmin.i18n
from jinja2 import Environment, nodes
from sqladmin import Admin, BaseView, ModelView, expose
from sqladmin._menu import CategoryMenu, ItemMenu, Menu
from sqladmin._types import _UNSET, SimpleColumnFilter
from sqladmin.ajax import QueryAjaxModelLoader
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import sessionmaker
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from console import sqladmin_door
from console.views.filters import ChoiceFilter, LookupFilter, OverdueFilter, RegionFilter
from console.views.households import HouseholdView
from models import DtksStatus, Household, Region

CONSOLE = Path(sqladmin_door.__file__).parent
DOOR = Path(sqladmin_door.__file__)
TEMPLATES = CONSOLE / "templates"

# What only the door may write, with the door function that does it instead.
FORBIDDEN_OUTSIDE_DOOR = {
    r"\bsqladmin\._\w+": "a private sqladmin module (MenuEntry, apply_list_filters)",
    r"\._admin_ref\b": "admin_of",
    r"\._menu\b": "add_to_menu / the `sqladmin_menu` template global",
    r"\._form_ajax_refs\b": "replace_ajax_lookups",
    r"\._form_create_rules\b": "is_create_rules",
    r"\._validate_form_class\b": "drop_fields_outside_rules",
    r"\._stmt_by_identifier\b": "IdentifierCheck",
    r"\._build_url_for\b": "row_url",
    r"\.router\.routes\b": "replace_route",
    r"\.exception_handlers\b": "wrap_http_exception_handler",
    r"\btemplates\.env\b": "add_template_global",
    r"\bsqladmin\.i18n\.(translations|SUPPORTED_LOCALES|get_locale)\b": "register_locale / active_locale",
    r"\badmin\.admin\b": "sub_application",
    r"\._(cached_fields|cached_fields_order_by|prepare_where_clauses|run_query)\b": "lookup_* / run_view_query",
    r"\._(list_relations|export_prop_names|column_labels|list_formatters|call_formatter)\b": "the list helpers",
    r"\._(exposed|identity)\b": "exposed_identities",
    r"\bModelViewMeta\b": "PluralIsName",
}


def _console_python_files() -> list[Path]:
    return [path for path in sorted(CONSOLE.rglob("*.py")) if path != DOOR]


@pytest.mark.parametrize(("pattern", "door_function"), sorted(FORBIDDEN_OUTSIDE_DOOR.items()))
def test_no_module_but_the_door_reaches_into_sqladmin(pattern: str, door_function: str) -> None:
    found = [
        f"{path.relative_to(CONSOLE.parent)}:{number}: {line.strip()}"
        for path in _console_python_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(pattern, line)
    ]
    assert not found, f"use console.sqladmin_door ({door_function}) instead of:\n" + "\n".join(found)


def test_no_template_of_ours_reaches_a_private_attribute() -> None:
    found = [
        f"{path.relative_to(CONSOLE.parent)}:{number}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\b\w+\._[a-z]\w*", line)
    ]
    assert not found, "use the door's template globals (menu_of, row_url, delete_url) instead of:\n" + "\n".join(found)


def test_the_door_is_what_the_console_imports_sqladmin_internals_from() -> None:
    assert "sqladmin._" in DOOR.read_text(encoding="utf-8")  # the scan above would be vacuous otherwise


# --- contract: the Admin ------------------------------------------------------------------------------


@pytest.fixture
def bare_admin() -> Admin:
    return Admin(Starlette(), session_maker=sessionmaker(), base_url="/admin")


class _Page(BaseView):
    name = "Halaman uji"

    @expose("/halaman-uji", methods=["GET"], identity="halaman-uji")
    async def page(self, request: object) -> None:  # pragma: no cover - never called
        return None


def test_admin_of_reaches_the_admin_a_view_was_added_to(bare_admin: Admin) -> None:
    bare_admin.add_view(_Page)
    view = next(view for view in bare_admin.views if isinstance(view, _Page))
    assert sqladmin_door.admin_of(view) is bare_admin, "admin_of: BaseView._admin_ref is gone"


def test_session_maker_of_is_the_sync_sessionmaker_the_admin_was_built_with(bare_admin: Admin) -> None:
    bare_admin.add_view(_Page)
    view = next(view for view in bare_admin.views if isinstance(view, _Page))
    assert sqladmin_door.session_maker_of(view) is bare_admin.session_maker, "session_maker_of: Admin.session_maker"


def test_session_maker_of_refuses_an_async_sessionmaker() -> None:
    admin = Admin(Starlette(), session_maker=async_sessionmaker(), base_url="/admin")
    admin.add_view(_Page)
    view = next(view for view in admin.views if isinstance(view, _Page))
    with pytest.raises(TypeError, match="sync sessionmaker"):
        sqladmin_door.session_maker_of(view)


def test_sub_application_is_the_mounted_starlette_app(bare_admin: Admin) -> None:
    assert isinstance(sqladmin_door.sub_application(bare_admin), Starlette), "sub_application: Admin.admin"


def test_add_to_menu_merges_an_entry_into_its_category(bare_admin: Admin) -> None:
    assert isinstance(bare_admin._menu, Menu), "add_to_menu: Admin._menu is no longer a sqladmin._menu.Menu"
    entry = ItemMenu(name="Tautan")
    sqladmin_door.add_to_menu(bare_admin, "Kategori", entry)
    sqladmin_door.add_to_menu(bare_admin, "Kategori", ItemMenu(name="Tautan kedua"))
    categories = [item for item in bare_admin._menu.items if isinstance(item, CategoryMenu)]
    assert [category.name for category in categories] == ["Kategori"], "add_to_menu: Menu.add no longer merges"
    assert categories[0].children[0] is entry
    assert sqladmin_door.MenuEntry is ItemMenu, "MenuEntry: sqladmin._menu.ItemMenu"
    macros = (sqladmin_door.SQLADMIN_TEMPLATES / "_macros.html").read_text(encoding="utf-8")
    assert 'item.type_ == "View"' in macros, "MenuEntry: the menu macros no longer render type_ 'View' (PageLink)"


@pytest.mark.parametrize("name", ["logout", "details"])
def test_replace_route_swaps_the_named_route(bare_admin: Admin, name: str) -> None:
    old = next(route for route in bare_admin.admin.router.routes if getattr(route, "name", None) == name)
    sqladmin_door.replace_route(bare_admin, name, lambda route: Route(route.path, endpoint=route.endpoint, name=name))
    new = next(route for route in bare_admin.admin.router.routes if getattr(route, "name", None) == name)
    assert new is not old and isinstance(new, Route), f"replace_route: sqladmin has no Route {name!r}"


def test_replace_route_refuses_a_route_sqladmin_does_not_have(bare_admin: Admin) -> None:
    with pytest.raises(LookupError, match="replace_route"):
        sqladmin_door.replace_route(bare_admin, "tidak-ada", lambda route: route)


def test_wrap_http_exception_handler_wraps_sqladmins_handler(bare_admin: Admin) -> None:
    original = bare_admin.admin.exception_handlers[HTTPException]
    sqladmin_door.wrap_http_exception_handler(bare_admin, lambda handler: (handler, "wrapped"))  # type: ignore[arg-type,return-value]
    assert bare_admin.admin.exception_handlers[HTTPException] == (original, "wrapped"), (
        "wrap_http_exception_handler: Admin.admin.exception_handlers has no HTTPException handler"
    )


def test_add_template_global_reaches_the_environment_templates_render_in(bare_admin: Admin) -> None:
    sqladmin_door.add_template_global(bare_admin, "sapaan", "halo")
    assert isinstance(bare_admin.templates.env, Environment), "add_template_global: Jinja2Templates.env"
    assert bare_admin.templates.env.from_string("{{ sapaan }}").render() == "halo"


def test_register_locale_makes_a_code_sqladmin_can_activate() -> None:
    assert isinstance(sqladmin.i18n.SUPPORTED_LOCALES, list), "register_locale: SUPPORTED_LOCALES is not a list"
    assert isinstance(sqladmin.i18n.translations, dict), "register_locale: sqladmin.i18n.translations"
    previous = sqladmin.i18n.get_locale()
    try:
        sqladmin.i18n.set_locale(sqladmin.i18n.SUPPORTED_LOCALES[0])
        assert sqladmin.i18n.get_locale() == sqladmin_door.active_locale(), "active_locale: i18n.get_locale"
    finally:
        sqladmin.i18n.set_locale(previous)


def test_exposed_identities_reads_the_expose_decorators_marks() -> None:
    assert sqladmin_door.exposed_identities(_Page) == ["halaman-uji"], "exposed_identities: expose's _identity"


def test_the_application_logger_is_the_one_sqladmin_logs_refusals_to() -> None:
    assert sqladmin.application.logger.name == sqladmin_door.APPLICATION_LOGGER, "APPLICATION_LOGGER"
    assert "logger.exception" in inspect.getsource(sqladmin.application), "APPLICATION_LOGGER: no logger.exception"


# --- contract: a ModelView's and an ajax loader's private attributes ------------------------------------------


def test_a_view_that_names_no_plural_has_its_name_as_the_plural() -> None:
    class English(ModelView, model=Region):
        name = "Wilayah uji"

    class Unnamed(ModelView, model=Region, metaclass=sqladmin_door.PluralIsName):
        name = "Wilayah uji"

    class Named(ModelView, model=Region, metaclass=sqladmin_door.PluralIsName):
        name = "Wilayah uji"
        name_plural = "Daftar wilayah uji"

    assert English.name_plural == "Wilayah ujis", "PluralIsName: ModelViewMeta no longer appends 's' (still needed?)"
    assert Unnamed.name_plural == "Wilayah uji", "PluralIsName: ModelViewMeta.__new__ sets name_plural elsewhere now"
    assert Named.name_plural == "Daftar wilayah uji"


def test_the_column_labels_alias_is_the_type_sqladmin_gives_the_option() -> None:
    assert ModelView.__annotations__["column_labels"] == "ClassVar[dict[MODEL_ATTR, str]]", "ColumnLabels"


@pytest.mark.parametrize(
    "column_filter",
    [
        RegionFilter(Household.region_code),
        ChoiceFilter.for_enum(Household.dtks_status, DtksStatus, "Status DTKS"),
        OverdueFilter(sessionmaker),
    ],
    ids=["region", "choice", "overdue"],
)
def test_our_list_filters_are_what_sqladmins_filter_protocol_says(column_filter: LookupFilter) -> None:
    assert isinstance(column_filter, SimpleColumnFilter), "the filter lacks a member of sqladmin's SimpleColumnFilter"
    assert column_filter.default_value is _UNSET is sqladmin_door.NO_DEFAULT_VALUE, "NO_DEFAULT_VALUE: _UNSET"
    source = inspect.getsource(ModelView.list)
    assert 'getattr(filter_, "default_value", _UNSET)' in source, "NO_DEFAULT_VALUE: ModelView.list reads it otherwise"


@pytest.fixture
def household_view() -> HouseholdView:
    return HouseholdView()


def test_a_views_ajax_lookups_can_be_replaced(household_view: HouseholdView) -> None:
    assert household_view._form_ajax_refs, "replace_ajax_lookups: ModelView._form_ajax_refs is empty or gone"
    seen: list[QueryAjaxModelLoader] = []
    sqladmin_door.replace_ajax_lookups(household_view, lambda loader: seen.append(loader) or loader)  # type: ignore[func-returns-value]
    assert seen and all(isinstance(loader, QueryAjaxModelLoader) for loader in seen), "replace_ajax_lookups"


def test_the_create_rules_are_what_sqladmin_scaffolds_the_create_form_with(household_view: HouseholdView) -> None:
    assert sqladmin_door.is_create_rules(household_view, household_view._form_create_rules), "is_create_rules"
    source = inspect.getsource(sqladmin.application.Admin.create)
    assert "scaffold_form(model_view._form_create_rules)" in source, "is_create_rules: Admin.create changed"


def test_drop_fields_outside_rules_removes_unnamed_fields(household_view: HouseholdView) -> None:
    from wtforms import Form, StringField

    form = type("Uji", (Form,), {"kept": StringField(), "dropped": StringField()})
    sqladmin_door.drop_fields_outside_rules(household_view, ["kept"], form)
    assert hasattr(form, "kept") and not hasattr(form, "dropped"), "drop_fields_outside_rules: _validate_form_class"


@pytest.mark.parametrize(
    ("attribute", "kind"),
    [
        ("_list_relations", list),
        ("_export_prop_names", list),
        ("_column_labels", dict),
        ("_list_formatters", dict),
        ("_list_formatter_accepts_request", dict),
    ],
)
def test_the_list_attributes_the_export_reads_exist(household_view: HouseholdView, attribute: str, kind: type) -> None:
    assert isinstance(getattr(household_view, attribute, None), kind), f"ModelView.{attribute} (list helpers)"


@pytest.mark.parametrize(
    ("method", "parameters"),
    [
        ("_call_formatter", ["formatter", "obj", "prop", "request", "accepts_request"]),
        ("_build_url_for", ["name", "request", "obj"]),
        ("_stmt_by_identifier", ["identifier"]),
        ("_run_query", ["stmt"]),
        ("_validate_form_class", ["ruleset", "form_class"]),
        ("_url_for_delete", ["request", "obj"]),
    ],
)
def test_the_private_model_view_methods_keep_their_signatures(method: str, parameters: list[str]) -> None:
    signature = inspect.signature(getattr(ModelView, method))
    assert list(signature.parameters)[1:] == parameters, f"ModelView.{method} changed (console/sqladmin_door.py)"


@pytest.mark.parametrize("lookup", ["details_query", "form_edit_query", "get_object_for_delete"])
def test_every_row_lookup_goes_through_the_identifier_check(household_view: HouseholdView, lookup: str) -> None:
    request = Request({"type": "http", "path_params": {"pk": "abc"}, "query_string": b"", "headers": []})
    with pytest.raises(HTTPException) as refused:
        if lookup == "get_object_for_delete":
            anyio.run(household_view.get_object_for_delete, "abc")
        else:
            getattr(household_view, lookup)(request)
    assert refused.value.status_code == 404, f"IdentifierCheck: {lookup} no longer uses _stmt_by_identifier"


def test_the_list_filter_loop_is_the_one_sqladmins_list_runs() -> None:
    source = inspect.getsource(ModelView.list)
    for piece in ("get_filters()", "parameter_name", "has_operator", '_op"', "get_filtered_query"):
        assert piece in source, f"apply_list_filters: ModelView.list no longer uses {piece}"


def test_the_list_counts_its_own_statement_wrapped_as_the_door_unwraps_it() -> None:
    source = inspect.getsource(ModelView.list)
    assert "self.count(" in source and "select(func.count()).select_from(stmt.subquery())" in source, (
        "listed_statement: ModelView.list no longer counts select(func.count()).select_from(stmt.subquery())"
    )
    listed = select(Household).where(Household.desil == 1).order_by(Household.id.desc())
    assert sqladmin_door.listed_statement(select(func.count()).select_from(listed.subquery())) is listed
    assert sqladmin_door.listed_statement(select(func.count()).select_from(Household)) is None


@pytest.mark.parametrize(
    "attribute", ["_cached_fields", "_cached_fields_order_by", "_prepare_where_clauses", "model_admin"]
)
def test_an_ajax_loader_has_what_the_literal_lookup_reads(household_view: HouseholdView, attribute: str) -> None:
    loader = next(iter(household_view._form_ajax_refs.values()))
    assert hasattr(loader, attribute), f"QueryAjaxModelLoader.{attribute} is gone (lookup_* in sqladmin_door)"


# --- contract: the templates we extend -----------------------------------------------------------------------


def _blocks(source: str) -> set[str]:
    return {block.name for block in Environment().parse(source).find_all(nodes.Block)}


def _our_overrides() -> list[tuple[str, str, str]]:
    """(our template, the sqladmin template it extends, a block it overrides) for every sqladmin parent."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        tree = Environment().parse(path.read_text(encoding="utf-8"))
        parent = next(iter(tree.find_all(nodes.Extends)), None)
        if parent is None or not isinstance(parent.template, nodes.Const):
            continue
        name = str(parent.template.value).removeprefix("sqladmin_original/").removeprefix("sqladmin/")
        if not (sqladmin_door.SQLADMIN_TEMPLATES / name).exists():
            continue  # extends one of ours
        top_level = [node.name for node in tree.body if isinstance(node, nodes.Block)]
        found += [(str(path.relative_to(TEMPLATES)), name, block) for block in top_level]
    return found


@pytest.mark.parametrize(("ours", "original", "block"), _our_overrides())
def test_every_block_we_override_exists_in_sqladmins_template(ours: str, original: str, block: str) -> None:
    source = (sqladmin_door.SQLADMIN_TEMPLATES / original).read_text(encoding="utf-8")
    assert block in _blocks(source) or _ancestor_has(original, block), (
        f"{ours} overrides block {block!r}, which sqladmin's {original} no longer has (SQLADMIN_TEMPLATES)"
    )


def _ancestor_has(original: str, block: str) -> bool:
    source = (sqladmin_door.SQLADMIN_TEMPLATES / original).read_text(encoding="utf-8")
    parent = next(iter(Environment().parse(source).find_all(nodes.Extends)), None)
    if parent is None or not isinstance(parent.template, nodes.Const):
        return False
    name = str(parent.template.value).removeprefix("sqladmin/")
    text = (sqladmin_door.SQLADMIN_TEMPLATES / name).read_text(encoding="utf-8")
    return block in _blocks(text) or _ancestor_has(name, block)


def test_sqladmin_serves_its_originals_under_the_prefix_our_templates_extend(bare_admin: Admin) -> None:
    template = bare_admin.templates.env.get_template("sqladmin_original/base.html")
    assert Path(template.filename or "").resolve() == (sqladmin_door.SQLADMIN_TEMPLATES / "base.html").resolve()


def test_the_inline_script_templates_exist() -> None:
    for path in sqladmin_door.original_templates(["flash.html"]):
        assert "<script>" in path.read_text(encoding="utf-8"), "original_templates: flash.html has no inline script"


@pytest.mark.parametrize("carve", sqladmin_door.CARVES, ids=lambda carve: f"{carve.template}:{carve.block}")
def test_every_carved_block_finds_the_lines_it_was_cut_from(carve: sqladmin_door.Carve) -> None:
    source = sqladmin_door.carved_source(carve.template)  # raises, naming the block, when the lines changed
    assert f"{{% block {carve.block} scoped %}}" in source
    Environment().parse(source)  # still a well-formed template


@pytest.mark.parametrize("carve", sqladmin_door.CARVES, ids=lambda carve: f"{carve.template}:{carve.block}")
def test_every_carved_block_is_overridden_by_our_template_of_that_name(carve: sqladmin_door.Carve) -> None:
    ours = (TEMPLATES / "sqladmin" / carve.template).read_text(encoding="utf-8")
    assert f'{{% extends "{sqladmin_door.CARVED_PREFIX}/{carve.template}" %}}' in ours
    assert carve.block in _blocks(ours), f"CARVES: {carve.block} is carved but nothing overrides it"


def test_a_changed_fragment_is_refused_with_the_blocks_name(monkeypatch: pytest.MonkeyPatch) -> None:
    moved = sqladmin_door.Carve("list.html", "dtks_search", "{% if model_view.column_searchable_list %}", 13, "0" * 16)
    monkeypatch.setattr(sqladmin_door, "CARVES", (moved,))
    with pytest.raises(ValueError, match="dtks_search"):
        sqladmin_door.carved_source("list.html")


def test_install_templates_serves_the_carved_originals_and_the_door_helpers(bare_admin: Admin) -> None:
    sqladmin_door.install_templates(bare_admin)
    env = bare_admin.templates.env
    assert "dtks_search" in env.get_template(f"{sqladmin_door.CARVED_PREFIX}/list.html").blocks
    assert env.get_template("sqladmin_original/list.html").filename == env.get_template("sqladmin/list.html").filename
    assert {"menu_of", "row_url", "delete_url"} <= set(env.globals)
    assert sqladmin_door.menu_of(bare_admin) is bare_admin._menu, "menu_of: Admin._menu"


@pytest.mark.parametrize("route", ["admin:details", "admin:edit"])
@pytest.mark.parametrize("row_id", [1, 42, 987654321012345678])
def test_row_urls_resolved_once_are_the_urls_sqladmin_builds(bare_admin: Admin, route: str, row_id: int) -> None:
    bare_admin.add_view(HouseholdView)
    view = next(view for view in bare_admin.views if isinstance(view, HouseholdView))
    app = bare_admin.app  # the application the admin is mounted in: its routes are named "admin:..."
    scope = {
        "type": "http",
        "app": app,
        "router": app.router,
        "scheme": "http",
        "root_path": "",
        "server": ("kantor.example", 80),
        "path": "/admin/household/list",
        "headers": [],
        "query_string": b"",
    }
    row = Household(id=row_id)
    ours = [str(view._build_url_for(route, Request(scope), row)) for _ in range(2)]  # the second from the memo
    assert ours == [str(ModelView._build_url_for(view, route, Request(scope), row))] * 2, "RowUrlsOnce._build_url_for"
    assert "dtks.resolved_routes" in scope, "RowUrlsOnce: the route was not kept for the request"
    delete = ModelView._url_for_delete(view, Request(scope), row)
    assert view._url_for_delete(Request(scope), row) == delete, "RowUrlsOnce._url_for_delete"
