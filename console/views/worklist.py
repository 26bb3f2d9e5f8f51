"""Kotak Kerja: each official's home page, what waits for their action (chain/worklist.py), and the menu's count.

`/admin/` opens it (`install_on` replaces sqladmin's empty index). It asks the dashboard's permission
(`dashboard, list`, every role): both show the user's own tier, nothing beyond their scope. Each row links to the
record's decision page, each step to its list filtered by the status, and "terlambat" to the late ones.

The menu's badge is the total of the counts alone (no rows read), kept per user for BADGE_SECONDS in this process
so a page does not count the queues on every request; the worklist page itself always counts afresh and renews it.
"""

from __future__ import annotations

import functools
import logging
import time
from datetime import UTC, datetime
from threading import Lock

import anyio
from sqladmin import Admin, BaseView, expose
from sqladmin.authentication import login_required
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import URL
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from chain import bulk_decisions, worklist
from chain.worklist import WorkItem, WorkKind, WorkStep
from console.authorization import actor_of, current_user, may
from console.refusals import in_core, status_of
from console.sqladmin_door import add_template_global, before_rendering, replace_route, session_maker_of
from console.views.steps import chosen_ids
from models.refusals import Refusal
from models.workflow import BY_ACTION

LOG = logging.getLogger(__name__)
BADGE_SECONDS = 60.0
WORKLIST_ACCESS = ("dashboard", "list")  # the dashboard's permission: every role has it

# The decision page of each kind of record: (route, path parameter); a membership opens the review page.
DECISION_PAGES: dict[WorkKind, tuple[str, str | None]] = {
    WorkKind.PROPOSAL: ("admin:view-proposal-workflow_page", "pk"),
    WorkKind.CERTIFICATE: ("admin:view-certificate-process", "pk"),
    WorkKind.COMPLAINT: ("admin:view-complaint-handle", "pk"),
    WorkKind.RESIDENT_REQUEST: ("admin:view-resident-request-process_page", "pk"),
    WorkKind.DECREE: ("admin:view-decree-annex_page", "pk"),
    WorkKind.MEMBERSHIP: ("admin:view-programme-review", None),
}
# The list of each kind, and the status filter's parameter where the list has one.
LISTS: dict[WorkKind, tuple[str, str | None]] = {
    WorkKind.PROPOSAL: ("proposal", "status"),
    WorkKind.CERTIFICATE: ("certificate", None),
    WorkKind.COMPLAINT: ("complaint", "status"),
    WorkKind.RESIDENT_REQUEST: ("resident-request", "status"),
    WorkKind.DECREE: ("decree", None),
    WorkKind.MEMBERSHIP: ("programme-membership", "status"),
}


def item_url(request: Request, item: WorkItem) -> str:
    route, parameter = DECISION_PAGES[item.kind]
    if parameter is None:
        return str(request.url_for(route))
    return str(request.url_for(route, **{parameter: item.record_id}))


def step_list_url(request: Request, step: WorkStep, *, late: bool = False) -> str:
    identity, parameter = LISTS[step.kind]
    url = URL(str(request.url_for("admin:list", identity=identity)))
    query = {parameter: step.status} if parameter else {}
    if late and step.kind is WorkKind.PROPOSAL:
        query["tenggat"] = "terlambat"
    return str(url.include_query_params(**query)) if query else str(url)


class _Badges:
    """The menu's count per user id, with the moment it was counted (this process only)."""

    def __init__(self) -> None:
        self._counts: dict[int, tuple[float, int]] = {}
        self._lock = Lock()

    def get(self, user_id: int) -> int | None:
        with self._lock:
            kept = self._counts.get(user_id)
        if kept is None or time.monotonic() - kept[0] > BADGE_SECONDS:
            return None
        return kept[1]

    def put(self, user_id: int, count: int) -> None:
        with self._lock:
            self._counts[user_id] = (time.monotonic(), count)

    def forget(self, user_id: int) -> None:
        with self._lock:
            self._counts.pop(user_id, None)


BADGES = _Badges()


class WorklistView(BaseView):
    """Kotak Kerja: the steps waiting for this user, each with its oldest records and their deadlines."""

    name = "Kotak Kerja"
    icon = "fa-solid fa-inbox"

    def is_accessible(self, request: Request) -> bool:
        return may(request, *WORKLIST_ACCESS)

    @expose("/worklist", methods=["GET"], identity="worklist")
    async def worklist_page(self, request: Request) -> Response:
        actor = actor_of(request)
        now = datetime.now(UTC)

        def load() -> worklist.Worklist:
            with session_maker_of(self)() as session:
                found = worklist.build(session, actor, now)
                session.expunge_all()
                return found

        found = await anyio.to_thread.run_sync(load)
        if actor.id is not None:
            BADGES.put(actor.id, found.total)
        batches = bulk_decisions.batch_actions_for(actor)
        context = {
            "worklist": found,
            "today": now.date(),
            "item_url": lambda item: item_url(request, item),
            "step_list_url": lambda step, late=False: step_list_url(request, step, late=late),
            "batch_for": lambda step: batch_for(step, batches),
        }
        return await self.templates.TemplateResponse(request, "worklist.html", context)


class WorklistBatchView(BaseView):
    """The worklist's batch decisions (POST only; a view of its own, so the menu's entry keeps the page's route)."""

    name = "Keputusan sekaligus"

    def is_visible(self, request: Request) -> bool:
        return False

    def is_accessible(self, request: Request) -> bool:
        return may(request, *WORKLIST_ACCESS)

    @expose("/worklist/batch", methods=["POST"], identity="worklist-batch")
    async def batch(self, request: Request) -> Response:
        """One arrow on the ticked proposals, each as if taken alone; the page says what went through and why not."""
        form = await request.form()
        action = str(form.get("action") or "")
        chosen = chosen_ids(form, "chosen")
        seen = {pk: _version(form.get(f"version-{pk}")) for pk in chosen}
        note = str(form.get("note") or "")
        actor = actor_of(request)
        maker = session_maker_of(self)
        try:
            outcome = await in_core(lambda: bulk_decisions.decide_each(maker, actor, action, seen, note=note))
        except Refusal as refusal:
            if status_of(refusal) in (403, 404):
                raise HTTPException(status_code=status_of(refusal)) from refusal
            context: dict[str, object] = {"outcome": None, "error": str(refusal)}
            return await self.templates.TemplateResponse(request, "worklist_batch.html", context, status_code=400)
        if actor.id is not None:
            BADGES.forget(actor.id)
        context = {"outcome": outcome, "error": "", "proposal_url": lambda pk: proposal_url(request, pk)}
        return await self.templates.TemplateResponse(request, "worklist_batch.html", context)


def _version(value: object) -> int:
    return int(str(value)) if str(value).isdigit() else -1


def proposal_url(request: Request, pk: int) -> str:
    return str(request.url_for(DECISION_PAGES[WorkKind.PROPOSAL][0], pk=pk))


def batch_for(step: WorkStep, actions: list[str]) -> list[tuple[str, str]]:
    """The batch arrows (action, label) this user may take from the step's status, for proposals only."""
    if step.kind is not WorkKind.PROPOSAL:
        return []
    arrows = (BY_ACTION[action] for action in actions)
    return [(arrow.action, arrow.label) for arrow in arrows if arrow.source.value == step.status]


BADGE_STATE = "waiting_badge"  # request.state: the menu's count, read before the page renders


async def count_waiting(admin: Admin, request: Request) -> None:
    """Leave the menu's count for this request's user on `request.state`: kept, else counted now (the counts
    alone) in a worker thread, before any template renders (console/sqladmin_door.before_rendering)."""
    user = current_user(request)
    if user is None or not user.is_active or hasattr(request.state, BADGE_STATE):
        return
    counted = BADGES.get(user.id)
    if counted is None:
        actor = actor_of(request)

        def count() -> int:
            with admin.session_maker() as session:
                return worklist.waiting_count(session, actor)

        try:
            counted = await anyio.to_thread.run_sync(count)
        except SQLAlchemyError:  # the menu's count is a convenience: a busy database leaves it out, never the page
            LOG.warning("worklist badge not counted", exc_info=True)
        else:
            BADGES.put(user.id, counted)
    setattr(request.state, BADGE_STATE, counted)


def waiting_badge(request: Request) -> int | None:
    """The menu's count as `count_waiting` left it (None: not counted, or nobody signed in)."""
    return getattr(request.state, BADGE_STATE, None)


@login_required  # as sqladmin's own index: a visitor without a session goes to the login page
async def _to_worklist(_admin: Admin, request: Request) -> RedirectResponse:
    return RedirectResponse(request.url_for("admin:view-worklist"), status_code=302)


def install_on(admin: Admin) -> None:
    """`/admin/` opens the worklist; every page counts the menu's number before it renders (`count_waiting`)."""
    home = functools.partial(_to_worklist, admin)
    replace_route(admin, "index", lambda old: Route(old.path, home, methods=["GET"], name=old.name))
    before_rendering(admin, functools.partial(count_waiting, admin))
    add_template_global(admin, "waiting_badge", waiting_badge)
    add_template_global(admin, "worklist_menu_name", WorklistView.name)
