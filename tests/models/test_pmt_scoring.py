"""Pure PMT scoring: contributions add up to the score, ranking is deterministic, cut-offs are honoured."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from models.pmt_scoring import ScoringModel, choose_model, desil_of, rank, score_answers

CUTOFFS = [12.85, 13.0, 13.12, 13.24, 13.36, 13.48, 13.62, 13.8, 14.05]
CHOICES = ["tanah", "bambu", "keramik", "kayu_bakar", "gas_besar"]
finite = st.floats(min_value=-100, max_value=100, allow_nan=False, allow_infinity=False)


@st.composite
def models_and_answers(draw: st.DrawFn) -> tuple[ScoringModel, dict[str, object]]:
    weights = draw(
        st.dictionaries(st.tuples(st.sampled_from(["floor_material", "assets"]), st.sampled_from(CHOICES)), finite)
    )
    weights[("household_size", "")] = draw(finite)
    model = ScoringModel(draw(finite), weights, CUTOFFS)
    answers = {
        "floor_material": draw(st.sampled_from(CHOICES)),
        "assets": draw(st.lists(st.sampled_from(CHOICES), max_size=5)),
        "household_size": draw(st.integers(min_value=1, max_value=20)),
    }
    return model, answers


@given(models_and_answers())
def test_contributions_add_up_to_the_score(case: tuple[ScoringModel, dict[str, object]]) -> None:
    model, answers = case
    result = score_answers(model, answers)
    assert sum(result.contributions.values()) == result.score
    assert result.contributions["intercept"] == round(model.intercept, 6)


def test_a_known_household_scores_as_the_weights_say() -> None:
    model = ScoringModel(
        13.35, {("floor_material", "tanah"): -0.14, ("assets", "mobil"): 0.3, ("household_size", ""): -0.06}, CUTOFFS
    )
    result = score_answers(model, {"floor_material": "tanah", "assets": ["mobil", "tv"], "household_size": 4})
    assert result.contributions == {
        "intercept": 13.35,
        "floor_material=tanah": -0.14,
        "assets=mobil": 0.3,
        "household_size": -0.24,
    }
    assert abs(result.score - 13.27) < 1e-9


@given(finite)
def test_desil_honours_the_cutoffs(score: float) -> None:
    desil = desil_of(score, CUTOFFS)
    assert 1 <= desil <= 10
    if desil < 10:
        assert score < CUTOFFS[desil - 1]
    if desil > 1:
        assert score >= CUTOFFS[desil - 2]


def test_desil_edges() -> None:
    assert desil_of(12.0, CUTOFFS) == 1
    assert desil_of(12.85, CUTOFFS) == 2
    assert desil_of(14.05, CUTOFFS) == 10


@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=10_000), st.sampled_from([1.0, 2.0, 3.0])),
        unique_by=lambda x: x[0],
    )
)
def test_ranking_is_deterministic_and_breaks_ties_by_id(scores: list[tuple[int, float]]) -> None:
    ranked = rank(scores)
    assert ranked == rank(list(reversed(scores)))
    by_id = dict(scores)
    for before, after in zip(ranked, ranked[1:], strict=False):
        assert (by_id[before], before) < (by_id[after], after)


def test_a_regency_override_wins_over_the_national_model() -> None:
    national = SimpleNamespace(id=1, region_code="", is_active=True, effective_period="2026-01")
    override = SimpleNamespace(id=2, region_code="52.72", is_active=True, effective_period="2026-04")
    inactive = SimpleNamespace(id=3, region_code="52.71", is_active=False, effective_period="2026-01")
    later = SimpleNamespace(id=4, region_code="", is_active=True, effective_period="2027-01")
    models = [national, override, inactive, later]
    assert choose_model(models, "52.72", "2026-10") is override
    assert choose_model(models, "52.71", "2026-10") is national
    assert choose_model(models, "52.72", "2026-01") is national
    assert choose_model(models, "52.71", "2025-10") is None
