"""What each kind of proposal carries: a removal names its reason, only an update keeps requested changes."""

from __future__ import annotations

from typing import Any

import pytest

from models.proposal import REMOVAL_NEEDS_REASON, ProposalKind, RemovalReason, fields_of_kind

CHANGES = {"address": "Jl. Baru 1"}


@pytest.mark.parametrize(
    ("entered", "kept"),
    [
        (
            {"kind": ProposalKind.REMOVE, "removal_reason": RemovalReason.DIED, "requested_changes": CHANGES},
            {"kind": ProposalKind.REMOVE, "removal_reason": RemovalReason.DIED, "requested_changes": {}},
        ),
        (
            {"kind": ProposalKind.UPDATE, "removal_reason": RemovalReason.DIED, "requested_changes": CHANGES},
            {"kind": ProposalKind.UPDATE, "removal_reason": None, "requested_changes": CHANGES},
        ),
        (
            {"kind": ProposalKind.NEW, "removal_reason": None, "requested_changes": CHANGES},
            {"kind": ProposalKind.NEW, "removal_reason": None, "requested_changes": {}},
        ),
    ],
    ids=["a-removal-keeps-its-reason-only", "an-update-keeps-its-changes-only", "a-new-family-keeps-neither"],
)
def test_a_proposal_keeps_only_what_its_kind_carries(entered: dict[str, Any], kept: dict[str, Any]) -> None:
    fields_of_kind(entered)
    assert entered == kept


def test_a_removal_without_a_reason_is_refused_with_the_officials_message() -> None:
    with pytest.raises(ValueError, match=REMOVAL_NEEDS_REASON):
        fields_of_kind({"kind": ProposalKind.REMOVE, "removal_reason": None})
