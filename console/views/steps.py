"""The generic half of a workflow page: call the core, answer a refusal on the page, else flash and redirect.

A view with a workflow page over one record (a proposal, a meeting, a decree) mixes `WorkflowSteps` in,
names the page's route and renders it in `step_page`; each of its POST routes then only reads its form and
says which core function to call. The core runs in a worker thread (`in_core`) with the request's actor,
in a transaction this module opens (`begin_write`) and commits (`commit_or_conflict`). NotFound and
NotAllowed leave as the 404 / 403 pages; a Conflict or an Invalid shows the page again with its message and
its status (409 / 400); success flashes the step's message and redirects to the page (303).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from sqladmin.flash import Flash
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from chain.actor import Actor
from chain.proposals import CHANGED_UNDER_YOU
from chain.store import write_transaction
from console import uploads
from console.authorization import actor_of
from console.refusals import in_core, status_of
from models.refusals import Refusal

Result = TypeVar("Result")
Work = Callable[[Session, Actor], Result]


def chosen_ids(form: Any, name: str) -> list[int]:
    """The record ids ticked in a form's multi-value field (anything not a number is no choice)."""
    return [int(value) for value in form.getlist(name) if str(value).isdigit()]


def require_before_reading(request: Request, *permissions: tuple[str, str]) -> None:
    """403 before a large multipart body is read, for an actor who may not send it at all (the core asks again)."""
    try:
        actor_of(request).require(*permissions)
    except Refusal as refusal:
        raise HTTPException(status_code=status_of(refusal)) from refusal


class WorkflowSteps:
    """Mixin of a ModelView whose workflow page takes steps on one record (the `pk` of its routes)."""

    step_route: ClassVar[str]  # the page's named route, e.g. "admin:view-meeting-musdes_page"
    step_changed: ClassVar[str] = CHANGED_UNDER_YOU  # what a lost race says (the proposal's own words)
    step_taken: ClassVar[str | None] = None  # what a unique value already used says, if the steps set one
    session_maker: ClassVar[Any]  # ModelView's, typed there as sync or async; DtksModelView declares it sync

    async def step_page(self, request: Request, pk: int, error: str = "", status_code: int = 200) -> Response:
        """The workflow page of record `pk`, with a refusal's message and status when a step was refused."""
        raise NotImplementedError

    async def core_read(self, request: Request, work: Work[Result]) -> Result:
        """A read of the core for a page: its own session, the request's actor, nothing committed."""
        actor = actor_of(request)

        def read() -> Result:
            with self.session_maker() as session:
                return work(session, actor)

        return await in_core(read)

    async def core_write(self, request: Request, work: Work[Result]) -> Result:
        """A step of the core in one transaction: begun for writing, committed or said as a Conflict."""
        actor = actor_of(request)

        def step(session: Session) -> Result:
            return work(session, actor)

        changed, taken = self.step_changed, self.step_taken
        return await in_core(lambda: write_transaction(self.session_maker, step, changed=changed, taken=taken))

    async def stored_file(self, request: Request, find: Callable[[Session, Actor, int], tuple[str, str]]) -> Response:
        """A stored scan of the page's record: `find` gives its path and download name once the core answered
        for the actor (permission and scope, as the details page), then the file goes out as an attachment."""
        pk: int = request.path_params["pk"]
        path, name = await self.core_read(request, lambda session, actor: find(session, actor, pk))
        return uploads.download(request.app.state.settings, path, name)

    async def take_step(self, request: Request, step: Callable[[Session, Actor, int], str]) -> Response:
        """Run `step` on the page's record; it returns the message flashed once it is committed."""
        pk: int = request.path_params["pk"]
        try:
            message = await self.core_write(request, lambda session, actor: step(session, actor, pk))
        except Refusal as refusal:
            return await self.step_page(request, pk, str(refusal), status_of(refusal))
        Flash.success(request, message)
        return RedirectResponse(request.url_for(self.step_route, pk=pk), status_code=303)
