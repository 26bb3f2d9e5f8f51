"""The live NIK / No. KK check behind the forms: `POST /admin/identity-check` answers `{errors, warnings}`.

console/static/dtks.js calls it as the official types into a field marked `data-identity-check` (the
member form's NIK, the new-household form's head NIK and the household's No. KK) and shows the answer
under the field, so an unknown kecamatan is seen before saving (codes change when regions split: a
warning, not a refusal). The save checks again with the same validator and flashes the same warnings.

- POST only, with the CSRF token like every POST (console/csrf.py): the number never travels in a URL.
- For users who may create or edit members or households (casbin); others get 403, a logged-out browser
  the login redirect.
- The answer comes from models.identity alone: no row is read, so a registered NIK and an unregistered one
  get the same answer (no existence oracle). Nobody's record is shown, so nothing is audited
  (console/audit_events.py records who saw which records).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from sqladmin import BaseView, expose
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from console.authorization import may
from models.identity import IdentityCheck, check_nik, check_no_kk

CHECKS: dict[str, Callable[[str], IdentityCheck]] = {"nik": check_nik, "no_kk": check_no_kk}


class IdentityCheckView(BaseView):
    """The check endpoint; not a page, never in the menu."""

    name = "Cek NIK / No. KK"
    rights: ClassVar[tuple[tuple[str, str], ...]] = tuple(
        (resource, action) for resource in ("member", "household") for action in ("create", "edit")
    )

    def is_visible(self, request: Request) -> bool:
        return False

    def is_accessible(self, request: Request) -> bool:
        return any(may(request, resource, action) for resource, action in self.rights)

    @expose("/identity-check", methods=["POST"], identity="identity-check")
    async def identity_check(self, request: Request) -> Response:
        form = await request.form()
        check = CHECKS.get(str(form.get("kind") or ""))
        if check is None:
            return _answer(IdentityCheck(["Jenis nomor tidak dikenal (nik atau no_kk)."]), status_code=400)
        return _answer(check(str(form.get("number") or "")))


def _answer(result: IdentityCheck, status_code: int = 200) -> JSONResponse:
    return JSONResponse({"errors": result.errors, "warnings": result.warnings}, status_code=status_code)
