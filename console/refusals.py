"""The one place where the core's refusals (models/refusals.py) become HTTP answers.

NotFound is 404 and NotAllowed 403 (the app's error pages say them); Conflict (409) and Invalid (400) are
shown on the page the official acted from, with their message, by the view that called the core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
from starlette.exceptions import HTTPException

from models.refusals import Conflict, Invalid, NotAllowed, NotFound, Refusal

Result = TypeVar("Result")

STATUS: dict[type[Refusal], int] = {NotFound: 404, NotAllowed: 403, Conflict: 409, Invalid: 400}


def status_of(refusal: Refusal) -> int:
    """The HTTP status of a refusal: its nearest class in STATUS (a bare Refusal is a 400)."""
    for kind in type(refusal).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400


async def in_core(work: Callable[[], Result]) -> Result:
    """Run a core call in a worker thread; NotFound and NotAllowed leave as the app's 404 / 403 pages.

    Conflict and Invalid propagate for the view to show on its own page (with `status_of`).
    """
    try:
        return await anyio.to_thread.run_sync(work)
    except (NotFound, NotAllowed) as refusal:
        raise HTTPException(status_code=status_of(refusal)) from refusal
