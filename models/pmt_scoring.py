"""Pure PMT scoring: a household's answers and a model's weights -> score, contributions, desil, ranking.

No database and no request: the callers (chain/pmt.py) load the rows and store the results. The
weights are a simulation ("Bobot ilustratif, bukan koefisien resmi"); higher score = better off,
desil 1 = poorest.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from models.visit import CODED_ANSWERS

ILLUSTRATIVE_LABEL = "Bobot ilustratif, bukan koefisien resmi"
INTERCEPT = "intercept"


@dataclass(frozen=True)
class ScoringModel:
    """What scoring needs of a PmtModel: the intercept, (variable, choice) -> weight, nine cut-offs."""

    intercept: float
    weights: Mapping[tuple[str, str], float]
    cutoffs: Sequence[float]
    model_id: int | None = None


@dataclass(frozen=True)
class Score:
    score: float
    contributions: dict[str, float] = field(default_factory=dict)


def _text(value: Any) -> str:
    return str(value.value if isinstance(value, Enum) else value)


def score_answers(model: ScoringModel, answers: Mapping[str, Any]) -> Score:
    """Score answers: {variable: choice | number | list of choices}; contributions add up to the score.

    A categorical answer adds the weight of (variable, choice); a list (assets) adds the weight of each
    listed choice; a number adds weight(variable, "") * value. The score is computed as the sum of the
    stored (rounded) contributions, so they add up to it exactly.
    """
    contributions: dict[str, float] = {INTERCEPT: round(float(model.intercept), 6)}
    for variable in sorted(answers):
        value = answers[variable]
        if value is None:
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            for choice in sorted({_text(item) for item in value}):
                weight = model.weights.get((variable, choice))
                if weight:
                    contributions[f"{variable}={choice}"] = round(float(weight), 6)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            weight = model.weights.get((variable, ""))
            if weight:
                contributions[variable] = round(float(weight) * float(value), 6)
        else:
            choice = _text(value)
            weight = model.weights.get((variable, choice))
            if weight:
                contributions[f"{variable}={choice}"] = round(float(weight), 6)
    return Score(sum(contributions.values()), contributions)


def desil_of(score: float, cutoffs: Sequence[float]) -> int:
    """Desil 1..10: a score below cut-off k (1-based) is in desil k; at or above the ninth, desil 10."""
    return min(bisect_right(list(cutoffs), score) + 1, 10)


def rank(scores: Iterable[tuple[int, float]]) -> list[int]:
    """Household ids from poorest to best off; ties broken by household id (deterministic)."""
    return [household_id for household_id, _ in sorted(scores, key=lambda item: (item[1], item[0]))]


def visit_answers(visit: Any, household_size: int) -> dict[str, Any]:
    """The instrument answers of a visit as scoring variables (enum columns, assets, numbers)."""
    answers: dict[str, Any] = {}
    for name in CODED_ANSWERS:
        value = getattr(visit, name, None)
        if value is not None:
            answers[name] = _text(value)
    for name in ("floor_area_m2", "room_count"):
        value = getattr(visit, name, None)
        if value is not None:
            answers[name] = value
    answers["assets"] = list(getattr(visit, "assets", None) or [])
    answers["programme_cards"] = list(getattr(visit, "programme_cards", None) or [])
    for kind, count in (getattr(visit, "livestock", None) or {}).items():
        if isinstance(count, (int, float)) and not isinstance(count, bool):
            answers[f"livestock_{kind}"] = count
    answers["household_size"] = household_size
    return answers


def choose_model(models: Iterable[Any], regency_code: str, period: str) -> Any | None:
    """The active regency override for the household's regency, else the active national model.

    Among candidates in effect (effective_period <= period), the latest effective period wins, then the
    highest id.
    """
    in_effect = [m for m in models if m.is_active and m.effective_period <= period]

    def latest(candidates: list[Any]) -> Any | None:
        return max(candidates, key=lambda m: (m.effective_period, m.id or 0)) if candidates else None

    return latest([m for m in in_effect if m.region_code and m.region_code == regency_code]) or latest(
        [m for m in in_effect if not m.region_code]
    )
