"""docs/WORKFLOW.md is every state machine's table as it is in the code."""

from __future__ import annotations

from chain.workflow_doc import DOC_PATH, FLOWS, render
from models.workflow import TRANSITIONS


def test_the_workflow_document_matches_the_transition_tables() -> None:
    assert DOC_PATH.read_text(encoding="utf-8") == render(), "run: python -m console workflow-doc"


def test_the_document_names_every_transition() -> None:
    text = render()
    assert all(f"`{transition.action}`" in text for transition in TRANSITIONS)


def test_the_document_names_every_step_of_the_certificate_and_complaint_flows() -> None:
    text = render()
    for flow in FLOWS:
        assert f"## {flow.title}" in text
        assert all(f"`{step.action}` ({step.label})" in text for step in flow.steps)
        assert all(f"`{status.value}`" in text for status in flow.statuses)
