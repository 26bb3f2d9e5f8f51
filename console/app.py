"""The application factory: Starlette + sqladmin, built from settings (nothing connects at import)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqladmin import Admin, ModelView
from sqladmin.i18n import I18nConfig
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from console import audit_events
from console.access_log import drop_query_strings_from_access_log
from console.auth import LoginBackend, install_on
from console.authorization import CasbinAuthorization
from console.database import make_engine, make_session_factory
from console.health import healthz, readyz
from console.hosts import AllowedHostsMiddleware
from console.i18n import LANGUAGES, install_indonesian
from console.identifiers import install_row_id_convertor
from console.load_shedding import DatabaseBusyMiddleware, LoadSheddingMiddleware
from console.local_time import local_day, local_time, zone_name
from console.log_format import install_log_format
from console.log_privacy import install_log_masking
from console.metrics import ConsoleMetrics, metrics_page, record_request
from console.request_context import RequestContextMiddleware
from console.request_log import RequestLogMiddleware
from console.route_paths import remember_route_paths
from console.security_headers import SecurityHeadersMiddleware
from console.settings import Settings
from console.sqladmin_door import add_template_global, install_sync_rendering, install_templates, sub_application
from console.verification import verification_page
from console.views import register_views
from console.views.imports import BnbaImportView
from console.views.ranking import RankingView
from console.views.visits import pmt_variable_words
from policies.rules import PolicyStore

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
TITLE = "Konsol DTKS"


async def _to_console(_request: Request) -> RedirectResponse:
    return RedirectResponse("/admin/")


async def _favicon(_request: Request) -> FileResponse:
    """Browsers ask /favicon.ico of every site: the console's icon, not a 404 on every page."""
    return FileResponse(
        STATIC_DIR / "favicon.ico", media_type="image/x-icon", headers={"Cache-Control": "max-age=86400"}
    )


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    install_log_masking()  # no NIK or No. KK in any log record, whichever server runs the app
    install_log_format(settings)  # LOG_FORMAT, and a handler for the app's own lines (console/log_format.py)
    engine = make_engine(settings)
    session_factory = make_session_factory(engine)
    install_indonesian()
    drop_query_strings_from_access_log()  # whichever server loads the app (console/access_log.py)
    install_row_id_convertor()  # before the views build their routes: `{pk:int}` takes at most 18 digits

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        drop_query_strings_from_access_log()  # again, in case the server set its logging up after the factory
        install_log_format(settings)
        yield
        engine.dispose()

    app = Starlette(
        routes=[
            Route("/", _to_console),
            Route("/favicon.ico", _favicon),
            Route("/healthz", healthz, methods=["GET"]),  # monitoring: the process answers (console/health.py)
            Route("/readyz", readyz, methods=["GET"]),  # monitoring: database, schema, rules and uploads ready
            Route("/verifikasi", verification_page, methods=["GET"]),  # public: is a printed letter genuine
            Route("/verifikasi/{code}", verification_page, methods=["GET"]),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
            # monitoring: Prometheus figures, only with METRICS_ENABLED and its bearer token (console/metrics.py)
            *([Route("/metrics", metrics_page, methods=["GET"])] if settings.metrics_enabled else []),
        ],
        # Outermost first: every request has its id and its log line (refused and shed ones too); a Host not
        # in ALLOWED_HOSTS is refused before anything builds a URL from it; a request beyond
        # MAX_REQUESTS_IN_FLIGHT is shed (503, with the security headers) before any work.
        # Inside /admin: a busy database answers 503, then LoginBackend's server-side session and CSRF check.
        middleware=[
            Middleware(RequestContextMiddleware),
            Middleware(
                RequestLogMiddleware,
                slow_ms=settings.slow_request_ms,
                observe=record_request if settings.metrics_enabled else None,
            ),
            Middleware(AllowedHostsMiddleware, allowed_hosts=settings.allowed_hosts),
            Middleware(SecurityHeadersMiddleware, production=settings.environment == "production"),
            Middleware(LoadSheddingMiddleware, max_in_flight=settings.max_requests_in_flight),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = session_factory
    app.state.metrics = ConsoleMetrics(app, engine) if settings.metrics_enabled else None
    admin = Admin(
        app,
        session_maker=session_factory,
        base_url="/admin",
        title=TITLE,
        favicon_url="/static/favicon.png",
        middlewares=[Middleware(DatabaseBusyMiddleware)],  # outside the session middleware, which reads the database
        templates_dir=str(TEMPLATES_DIR),
        authentication_backend=LoginBackend(settings, session_factory),
        authorization_backend=CasbinAuthorization(PolicyStore(), session_factory),
        # The browser's Accept-Language is ignored on purpose: offices run English-language browsers, and
        # the console must open in Bahasa Indonesia unless the user picks English in the menu (cookie).
        i18n_config=I18nConfig(
            default_locale=settings.default_locale, language_header_name=None, language_switcher=LANGUAGES
        ),
    )
    install_templates(admin)  # sqladmin's templates with the finer blocks ours override (console/sqladmin_door.py)
    add_template_global(admin, "local_time", local_time)  # stored UTC times in the reader's zone
    add_template_global(admin, "local_day", local_day)
    add_template_global(admin, "zone_name", zone_name)
    add_template_global(admin, "pmt_words", pmt_variable_words)  # a PMT contribution's variable in words
    register_views(admin)
    admin.add_view(BnbaImportView)  # Impor BNBA (console/views/imports.py), in the Alur Usulan menu
    admin.add_view(RankingView)  # Hasil Pemeringkatan (console/views/ranking.py), in the Kementerian menu
    # The list pages render without Jinja's async mode: their rows are worked out before (views/base.py).
    install_sync_rendering(admin, {view.list_template for view in admin.views if isinstance(view, ModelView)})
    install_on(admin)
    audit_events.install_on(admin, session_factory)  # refusals and opened records into the audit trail
    app.state.admin = admin
    sub_application(admin).state.settings = settings  # views see the admin sub-application as request.app
    remember_route_paths(app)  # last: every route is in place (console/route_paths.py)
    return app
