"""PostgreSQL: a decided proposal's guard compares its content columns, not two JSON copies of the row.

Revision ID: a7c9e1b3d5f7
Revises: e5a7c9d1f3b5
Create Date: 2026-12-03 09:50:00.000000

The rule of `finality_proposal` (alembic 3f1e2d4c5b6a) is unchanged: once past the village's open steps, a
proposal changes only by a transition (status, its time, the return reason, version, updated_at), its checklist
only while it is decided in the village, its author only to NULL once the user is gone, and a status only along
an arrow of the state machine. It compared `to_jsonb(NEW) - kept` with `to_jsonb(OLD) - kept`: two JSON copies
of the row per updated proposal, about 26 us each, so the SK Penetapan's UPDATE of 100,000 proposals spent 2.6 of
its 6.6 s in the trigger (docs/BENCHMARKS.md). It now compares the content columns themselves, the list SQLite's
trigger already uses (tests/models/test_finality_triggers.py holds both lists to the table): the JSON of the
requested changes as jsonb (equal values, whatever their spacing, as before), and `regency_code` through
`region_code` (a CHECK holds it to the region code's first five characters). Same messages, same SQLSTATE.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "a7c9e1b3d5f7"
down_revision: str | Sequence[str] | None = "e5a7c9d1f3b5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen from 3f1e2d4c5b6a (a migration never imports the models).
OPEN = ("draft", "in_musdes", "returned")
DECIDED = ("agreed", "visited", "verified")
ARROWS = (
    "draft>in_musdes", "in_musdes>agreed", "in_musdes>rejected_musdes", "agreed>visited", "agreed>verified",
    "visited>verified", "visited>not_eligible", "verified>submitted", "submitted>accepted", "submitted>returned",
    "returned>draft", "accepted>in_decree", "in_decree>accepted", "in_decree>ratified", "ratified>forwarded",
    "forwarded>received", "forwarded>rejected_ministry", "received>determined", "received>not_determined",
)  # fmt: skip
TRANSITION_COLUMNS = ("status", "status_changed_at", "return_reason", "version", "updated_at")
CHECKLIST = ("has_ktp", "has_kk", "has_sktm")
# Every other column but regency_code (held to region_code by its CHECK) and created_by_id (its own rule).
PROPOSAL_CONTENT = ("id", "kind", "household_id", "region_code", "reason", "removal_reason", "requested_changes",
                    "created_at")  # fmt: skip
AS_JSONB = ("requested_changes",)  # json has no equality; jsonb compares values
PROPOSAL_FIXED = "Usulan sudah final; hanya tindakan alur usulan yang mengubahnya [finality:proposal]"
PROPOSAL_KEPT = "Hanya usulan draf yang belum pernah diputuskan musyawarah dan tidak dalam SK yang dapat dihapus [finality:proposal-delete]"  # noqa: E501


def _list(values: Sequence[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _array(values: Sequence[str]) -> str:
    return f"ARRAY[{_list(values)}]"


def _raise(message: str) -> str:
    return f"RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = '{message}';"


def _row(record: str, columns: Sequence[str]) -> str:
    return "(" + ", ".join(f"{record}.{c}::jsonb" if c in AS_JSONB else f"{record}.{c}" for c in columns) + ")"


def _changed(columns: Sequence[str]) -> str:
    return f"{_row('NEW', columns)} IS DISTINCT FROM {_row('OLD', columns)}"


DELETE_RULE = f"""
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' OR EXISTS (SELECT 1 FROM decree_proposal WHERE proposal_id = OLD.id)
           OR EXISTS (SELECT 1 FROM meeting_decision d JOIN meeting m ON m.id = d.meeting_id
                      WHERE d.proposal_id = OLD.id AND m.finalised_at IS NOT NULL) THEN
            {_raise(PROPOSAL_KEPT)}
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status IN ({_list(OPEN)}) THEN RETURN NEW; END IF;"""
TRANSITION_RULE = f"""
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT (OLD.status || '>' || NEW.status = ANY ({_array(ARROWS)})) THEN {_raise(PROPOSAL_FIXED)} END IF;
    ELSIF (NEW.status_changed_at, NEW.return_reason) IS DISTINCT FROM (OLD.status_changed_at, OLD.return_reason) THEN
        {_raise(PROPOSAL_FIXED)}
    END IF;
    RETURN NEW;"""

BY_COLUMNS = f"""CREATE OR REPLACE FUNCTION finality_proposal() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    {DELETE_RULE}
    IF {_changed(PROPOSAL_CONTENT)}
       OR (OLD.status NOT IN ({_list(DECIDED)}) AND {_changed(CHECKLIST)})
       OR finality_actor_changed(OLD.created_by_id, NEW.created_by_id) THEN
        {_raise(PROPOSAL_FIXED)}
    END IF;
    {TRANSITION_RULE} END $$"""

# As 3f1e2d4c5b6a wrote it.
BY_JSON = f"""CREATE OR REPLACE FUNCTION finality_proposal() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE kept text[] := {_array((*TRANSITION_COLUMNS, "created_by_id"))}; BEGIN
    {DELETE_RULE}
    IF OLD.status IN ({_list(DECIDED)}) THEN kept := kept || {_array(CHECKLIST)}; END IF;
    IF (to_jsonb(NEW) - kept) IS DISTINCT FROM (to_jsonb(OLD) - kept)
       OR finality_actor_changed(OLD.created_by_id, NEW.created_by_id) THEN
        {_raise(PROPOSAL_FIXED)}
    END IF;
    {TRANSITION_RULE} END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(BY_COLUMNS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(BY_JSON)
