"""The public page that says whether a printed Surat Keterangan is genuine: /verifikasi and /verifikasi/<code>.

No login: a bank clerk or a school scans the letter's QR (or types its code and number) and reads valid or not,
the letter number, its date, the issuing office and the name masked (chain/letter_verification.py decides what);
never a NIK, a No. KK or an address. An unknown code, or a number that is not the code's letter, answers 404 with
"tidak sah". The page reads only: GET, no session, no CSRF token; its answers are never cached.
"""

from __future__ import annotations

from pathlib import Path

import anyio
import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from chain.letter_verification import Verified, verify
from models.dates import long_date

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "public"), autoescape=True
)
MOST_TYPED = 80  # a code and a letter number are far shorter; longer input is not looked up


def verify_url(base: str, code: str) -> str:
    """The address a letter's QR holds: `base` (settings.public_url, else the request's own root) + the code."""
    return f"{base.rstrip('/')}/verifikasi/{code}"


async def verification_page(request: Request) -> Response:
    code = str(request.path_params.get("code") or request.query_params.get("kode") or "")[:MOST_TYPED]
    number = str(request.query_params.get("nomor") or "")[:MOST_TYPED]
    found: Verified | None = None
    if code:
        factory = request.app.state.session_factory

        def look_up() -> Verified | None:
            with factory() as session:
                return verify(session, code, number)

        found = await anyio.to_thread.run_sync(look_up)
    signed_on = long_date(found.signed_on) if found is not None and found.signed_on else ""
    page = _TEMPLATES.get_template("verification.html")
    html = page.render(code=code, number=number, found=found, asked=bool(code), signed_on=signed_on)
    status = 200 if found is not None or not code else 404
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
