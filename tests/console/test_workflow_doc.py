"""docs/WORKFLOW.md is the transition table as it is in the code."""

from __future__ import annotations

from console.workflow_doc import DOC_PATH, render
from models.workflow import TRANSITIONS


def test_the_workflow_document_matches_the_transition_table() -> None:
    assert DOC_PATH.read_text(encoding="utf-8") == render(), "run: python -m console workflow-doc"


def test_the_document_names_every_transition() -> None:
    text = render()
    assert all(f"`{transition.action}`" in text for transition in TRANSITIONS)
