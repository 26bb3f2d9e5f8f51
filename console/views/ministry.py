"""Model PMT: versioned, illustrative scoring weights and desil cut-offs (Pusdatin)."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any

import anyio
from sqladmin import expose
from sqladmin.flash import Flash
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from wtforms import validators

from chain.determination import NUMBER_TAKEN, DeterminationOutcome, determine
from chain.letters import Letter
from chain.nik_matching import forwarded, match_nik
from chain.pmt import RunOutcome, run_pmt
from chain.store import write_transaction
from console.authorization import actor_of
from console.forms import NumberListField, period_validator
from console.refusals import in_core
from console.sqladmin_door import ColumnLabels
from console.views.base import DtksModelView
from console.views.households import REQUIRED
from console.views.menu_links import MINISTRY_DESK_ACCESS
from console.views.steps import chosen_ids
from models import PmtModel, PmtWeight, RegisterMode
from models.refusals import Refusal
from models.region_codes import RegionLevel, is_code_of_level

ILLUSTRATIVE_NOTE = "Bobot ilustratif, bukan koefisien resmi."

PMT_LABELS: ColumnLabels = {
    "version": "Versi",
    "name": "Nama model",
    "region_code": "Wilayah (kosong = nasional)",
    "intercept": "Intersep",
    "desil_cutoffs": "Batas desil (9 angka naik)",
    "effective_period": "Berlaku mulai periode",
    "is_illustrative": "Ilustratif",
    "is_active": "Aktif",
    "weights": "Bobot",
    "created_at": "Dibuat",
}


def check_cutoffs(cutoffs: Any) -> list[float]:
    if not isinstance(cutoffs, list) or len(cutoffs) != 9:
        raise ValueError("Batas desil harus 9 angka dipisah koma, misalnya 10, 20, 30, 40, 50, 60, 70, 80, 90.")
    try:
        numbers = [float(value) for value in cutoffs]
    except (TypeError, ValueError) as error:
        raise ValueError("Batas desil harus berupa angka.") from error
    if not all(math.isfinite(number) for number in numbers):
        raise ValueError("Batas desil harus angka biasa (bukan NaN atau tak hingga).")
    if numbers != sorted(numbers) or len(set(numbers)) != 9:
        raise ValueError("Batas desil harus naik berurutan tanpa angka sama.")
    return numbers


class PmtModelView(DtksModelView, model=PmtModel):
    name = "Model PMT"
    icon = "fa-solid fa-scale-balanced"
    category = "Kementerian"

    column_list = [
        PmtModel.version,
        PmtModel.name,
        PmtModel.region_code,
        PmtModel.effective_period,
        PmtModel.is_illustrative,
        PmtModel.is_active,
    ]
    column_labels = PMT_LABELS
    form_overrides = {"desil_cutoffs": NumberListField}
    form_columns = [
        PmtModel.version,
        PmtModel.name,
        PmtModel.region_code,
        PmtModel.intercept,
        PmtModel.desil_cutoffs,
        PmtModel.effective_period,
        PmtModel.is_active,
    ]
    form_args = {
        "version": {"validators": [REQUIRED]},
        "name": {"validators": [REQUIRED], "description": ILLUSTRATIVE_NOTE},
        "effective_period": {
            "validators": [
                REQUIRED,
                period_validator("Periode TTTT-BB: bulan 01, 04, 07 atau 10."),
            ],
        },
    }

    async def on_model_change(self, data: dict[str, Any], model: Any, is_created: bool, request: Request) -> None:
        data["desil_cutoffs"] = check_cutoffs(data.get("desil_cutoffs"))
        region_code = (data.get("region_code") or "").strip()
        if region_code and not is_code_of_level(region_code, RegionLevel.REGENCY):
            raise ValueError("Wilayah model PMT: kosong (nasional) atau kode kabupaten/kota, misalnya 52.72.")
        data["region_code"] = region_code
        # Every model entered here is a simulation: never presented as official coefficients.
        data["is_illustrative"] = True

    # --- the ministry desk: NIK matching, the PMT run and the SK Penetapan (Pusdatin); the rules are chain/ ---

    @expose("/desk", methods=["GET"])
    async def ministry_desk(self, request: Request) -> Response:
        return await self._desk_response(request)

    @expose("/desk/match", methods=["POST"])
    async def ministry_match(self, request: Request) -> Response:
        form = await request.form()
        ids = None if form.get("all") else chosen_ids(form, "proposal")
        actor = actor_of(request)

        def step(session: Session) -> str:
            outcome = match_nik(session, actor, ids)
            return f"Padan NIK: {len(outcome.received)} diterima, {len(outcome.rejected)} ditolak."

        return await self._desk_step(request, step)

    @expose("/desk/run", methods=["POST"])
    async def ministry_run(self, request: Request) -> Response:
        form = await request.form()
        period, actor = str(form.get("period") or ""), actor_of(request)
        mode = request.app.state.settings.register_mode
        return await self._desk_step(request, lambda session: run_message(run_pmt(session, actor, period, mode=mode)))

    @expose("/desk/determine", methods=["POST"])
    async def ministry_determine(self, request: Request) -> Response:
        form = await request.form()
        typed = {name: str(form.get(name) or "") for name in ("number", "signer_name", "signer_title")}
        try:
            decree_date: date | None = date.fromisoformat(str(form.get("decree_date") or "").strip())
        except ValueError:
            decree_date = None
        period, letter = str(form.get("period") or ""), Letter(dated=decree_date, **typed)
        settings, actor = request.app.state.settings, actor_of(request)
        max_desil, mode = settings.determination_max_desil, settings.register_mode

        def step(session: Session) -> str:
            outcome = determine(session, actor, period, letter, max_desil=max_desil, mode=mode)
            return determination_message(outcome, letter, mode)

        return await self._desk_step(request, step, taken=NUMBER_TAKEN)

    async def _desk_step(self, request: Request, step: Callable[[Session], str], taken: str | None = None) -> Response:
        """One desk step in one transaction; a refused step is shown on the desk (409, as it always was)."""

        try:
            message = await in_core(lambda: write_transaction(self.session_maker, step, taken=taken))
        except Refusal as refusal:  # Conflict or Invalid (a period outside the quarters): the desk's own page
            return await self._desk_response(request, error=str(refusal), status_code=409)
        Flash.success(request, message)
        return RedirectResponse(request.url_for("admin:view-pmt-model-ministry_desk"), status_code=303)

    async def _desk_response(self, request: Request, error: str = "", status_code: int = 200) -> Response:
        if not MINISTRY_DESK_ACCESS.allows(request):
            raise HTTPException(status_code=403)
        actor = actor_of(request)

        def load() -> list[Any]:
            with self.session_maker() as session:
                return forwarded(session, actor)

        proposals = await anyio.to_thread.run_sync(load)
        context = {
            "proposals": proposals,
            "error": error,
            "note": ILLUSTRATIVE_NOTE,
            "max_desil": request.app.state.settings.determination_max_desil,
            "dtsen": request.app.state.settings.register_mode is RegisterMode.DTSEN,
        }
        return await self.templates.TemplateResponse(request, "ministry_desk.html", context, status_code=status_code)


def run_message(outcome: RunOutcome) -> str:
    """What the desk says after a PMT run."""
    message = f"PMT {outcome.period}: {outcome.scored} rumah tangga dinilai."
    if outcome.without_visit:
        message += f" Tanpa kunjungan verval (tidak dinilai): {len(outcome.without_visit)}."
    if outcome.without_model:
        message += f" Tanpa model PMT yang berlaku: {len(outcome.without_model)}."
    return message


def determination_message(outcome: DeterminationOutcome, letter: Letter, mode: RegisterMode) -> str:
    """What the desk says after the SK Penetapan."""
    message = (
        f"SK Penetapan {letter.number}: {len(outcome.determined)} ditetapkan, "
        f"{len(outcome.not_determined)} tidak ditetapkan."
    )
    if outcome.unscored:
        waiting = "Belum dinilai PMT" if mode is RegisterMode.DTKS else "Belum diperingkat BPS"
        message += f" {waiting} (tetap diterima): {len(outcome.unscored)}."
    return message


class PmtWeightView(DtksModelView, model=PmtWeight):
    name = "Bobot PMT"
    icon = "fa-solid fa-weight-hanging"
    category = "Kementerian"
    prefill_fields = {"model"}

    column_list = [PmtWeight.model, PmtWeight.variable, PmtWeight.choice, PmtWeight.weight]
    column_labels = {
        "model": "Model",
        "variable": "Variabel",
        "choice": "Pilihan",
        "weight": "Bobot",
    }
    form_columns = [PmtWeight.model, PmtWeight.variable, PmtWeight.choice, PmtWeight.weight]
    form_args = {
        "model": {"validators": [REQUIRED]},
        "variable": {"validators": [REQUIRED]},
        "choice": {"label": "Pilihan (kosong untuk variabel angka)"},
        "weight": {"validators": [validators.InputRequired(message="Bobot wajib diisi.")]},
    }
