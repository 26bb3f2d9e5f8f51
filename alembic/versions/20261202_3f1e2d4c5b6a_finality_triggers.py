"""Finality in the database: triggers refuse changes to decided records (defence in depth, models/finality.py).

Revision ID: 3f1e2d4c5b6a
Revises: 5eed9a11c0de
Create Date: 2026-11-24 09:00:00.000000

The ORM guard (models/finality_guard.py) refuses these writes for every session; the triggers refuse the same
UPDATEs, DELETEs and child INSERTs from plain SQL, as the audit trail's append-only triggers do. Frozen here
(a migration never imports the models); tests/models/test_finality_triggers.py checks these lists against the
rule. Actor columns (ON DELETE SET NULL) may become NULL only once their user is gone. A parent written by the
current transaction itself (`xmin` is ours: a decree signed or inserted signed, a meeting finalised, a proposal
seeded in its final state) still takes its children until the transaction commits; a parent written inside a
savepoint counts as fixed (the app uses none).

SQLite gets the rules that need no such "this transaction" test: UPDATE and DELETE of proposals, visits
(confirmed), decrees, annex rows, meetings, participants and decisions. Child INSERTs and the period tables are
left to the ORM guard there.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "3f1e2d4c5b6a"
down_revision: str | Sequence[str] | None = "5eed9a11c0de"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = ("draft", "in_musdes", "returned")
DECIDED = ("agreed", "visited", "verified")
VISIT_OPEN = ("draft", "in_musdes", "agreed", "visited", "returned")
ARROWS = (
    "draft>in_musdes", "in_musdes>agreed", "in_musdes>rejected_musdes", "agreed>visited", "agreed>verified",
    "visited>verified", "visited>not_eligible", "verified>submitted", "submitted>accepted", "submitted>returned",
    "returned>draft", "accepted>in_decree", "in_decree>accepted", "in_decree>ratified", "ratified>forwarded",
    "forwarded>received", "forwarded>rejected_ministry", "received>determined", "received>not_determined",
)  # fmt: skip
TRANSITION_COLUMNS = ("status", "status_changed_at", "return_reason", "version", "updated_at")
CHECKLIST = ("has_ktp", "has_kk", "has_sktm")
# Every other column, for SQLite (which cannot compare whole rows): as the tables stand at this revision.
PROPOSAL_CONTENT = ("id", "kind", "household_id", "region_code", "reason", "removal_reason", "requested_changes",
                    "created_at")  # fmt: skip
VISIT_CONTENT = (
    "id", "household_id", "proposal_id", "region_code", "enumerator_name", "visited_on", "tenure", "floor_area_m2",
    "room_count", "floor_material", "wall_material", "wall_condition", "roof_material", "roof_condition",
    "drinking_water", "lighting", "power_rating", "cooking_fuel", "toilet_facility", "toilet_type", "sewage",
    "assets", "livestock", "programme_cards", "notes", "result", "confirmed_at", "created_at",
)  # fmt: skip
MEETING_CONTENT = ("id", "kind", "region_code", "held_on", "place", "ba_number", "ba_file_path", "ba_file_sha256",
                   "notes", "finalised_at", "created_at")  # fmt: skip
DETERMINATION = "penetapan_kementerian"

# The messages carry a marker console/errors.py turns into the rule's own Indonesian message.
PROPOSAL_FIXED = "Usulan sudah final; hanya tindakan alur usulan yang mengubahnya [finality:proposal]"
PROPOSAL_KEPT = "Hanya usulan draf yang belum pernah diputuskan musyawarah dan tidak dalam SK yang dapat dihapus [finality:proposal-delete]"  # noqa: E501
VISIT_FIXED = "Kunjungan verval sudah final (dikonfirmasi TKSK atau usulannya melewati verval) [finality:visit]"
DECREE_FIXED = "SK yang sudah ditandatangani beserta lampirannya tidak dapat diubah [finality:decree]"
MEETING_FIXED = "Musyawarah yang sudah difinalkan tidak dapat diubah [finality:meeting]"
PERIOD_FIXED = "Periode ini sudah ditetapkan dengan SK Penetapan [finality:period]"


def _list(values: Sequence[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _array(values: Sequence[str]) -> str:
    return f"ARRAY[{_list(values)}]"


def _raise(message: str) -> str:
    return f"RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = '{message}';"


def _function(name: str, body: str, declare: str = "") -> str:
    return f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ {declare} BEGIN {body} END $$"


_HELPERS = [
    # Whether a row version was written by this transaction (not inside a savepoint).
    "CREATE FUNCTION finality_written_here(xid) RETURNS boolean LANGUAGE sql VOLATILE AS "
    "$$ SELECT $1 = pg_current_xact_id()::xid $$",
    # An actor column may only become NULL, and only once its user is gone (ON DELETE SET NULL).
    "CREATE FUNCTION finality_actor_changed(integer, integer) RETURNS boolean LANGUAGE sql AS "
    "$$ SELECT $1 IS DISTINCT FROM $2 AND ($2 IS NOT NULL OR EXISTS (SELECT 1 FROM user_account WHERE id = $1)) $$",
    # Parameters are read as $1: a parameter named like a column would lose to the column.
    "CREATE FUNCTION finality_closed_for_visits(integer) RETURNS boolean LANGUAGE sql AS "
    f"$$ SELECT EXISTS (SELECT 1 FROM proposal p WHERE p.id = $1 AND p.status NOT IN ({_list(VISIT_OPEN)}) "
    "AND NOT finality_written_here(p.xmin)) $$",
    "CREATE FUNCTION finality_meeting_final(integer) RETURNS boolean LANGUAGE sql AS "
    "$$ SELECT EXISTS (SELECT 1 FROM meeting m WHERE m.id = $1 AND m.finalised_at IS NOT NULL "
    "AND NOT finality_written_here(m.xmin)) $$",
    "CREATE FUNCTION finality_decree_signed(integer) RETURNS boolean LANGUAGE sql AS "
    "$$ SELECT EXISTS (SELECT 1 FROM decree d WHERE d.id = $1 AND d.signed_at IS NOT NULL "
    "AND NOT finality_written_here(d.xmin)) $$",
    "CREATE FUNCTION finality_period_determined(text) RETURNS boolean LANGUAGE sql AS "
    f"$$ SELECT EXISTS (SELECT 1 FROM decree d WHERE d.kind = '{DETERMINATION}' AND d.period = $1 "
    "AND d.signed_at IS NOT NULL AND NOT finality_written_here(d.xmin)) $$",
]

_PROPOSAL = _function(
    "finality_proposal",
    declare=f"DECLARE kept text[] := {_array((*TRANSITION_COLUMNS, 'created_by_id'))};",
    body=f"""
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' OR EXISTS (SELECT 1 FROM decree_proposal WHERE proposal_id = OLD.id)
           OR EXISTS (SELECT 1 FROM meeting_decision d JOIN meeting m ON m.id = d.meeting_id
                      WHERE d.proposal_id = OLD.id AND m.finalised_at IS NOT NULL) THEN
            {_raise(PROPOSAL_KEPT)}
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status IN ({_list(OPEN)}) THEN RETURN NEW; END IF;
    IF OLD.status IN ({_list(DECIDED)}) THEN kept := kept || {_array(CHECKLIST)}; END IF;
    IF (to_jsonb(NEW) - kept) IS DISTINCT FROM (to_jsonb(OLD) - kept)
       OR finality_actor_changed(OLD.created_by_id, NEW.created_by_id) THEN
        {_raise(PROPOSAL_FIXED)}
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        IF NOT (OLD.status || '>' || NEW.status = ANY ({_array(ARROWS)})) THEN {_raise(PROPOSAL_FIXED)} END IF;
    ELSIF (NEW.status_changed_at, NEW.return_reason) IS DISTINCT FROM (OLD.status_changed_at, OLD.return_reason) THEN
        {_raise(PROPOSAL_FIXED)}
    END IF;
    RETURN NEW;""",
)

_VISIT = _function(
    "finality_visit",
    declare="DECLARE kept text[] := ARRAY['updated_at', 'enumerator_id', 'confirmed_by_id'];",
    body=f"""
    IF TG_OP <> 'INSERT' AND (OLD.result <> 'menunggu' OR OLD.confirmed_at IS NOT NULL
                              OR finality_closed_for_visits(OLD.proposal_id)) THEN
        IF TG_OP = 'DELETE' OR (to_jsonb(NEW) - kept) IS DISTINCT FROM (to_jsonb(OLD) - kept)
           OR finality_actor_changed(OLD.enumerator_id, NEW.enumerator_id)
           OR finality_actor_changed(OLD.confirmed_by_id, NEW.confirmed_by_id) THEN
            {_raise(VISIT_FIXED)}
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    IF (TG_OP = 'INSERT' OR NEW.proposal_id IS DISTINCT FROM OLD.proposal_id)
       AND finality_closed_for_visits(NEW.proposal_id) THEN
        {_raise(VISIT_FIXED)}
    END IF;
    RETURN NEW;""",
)

_DECREE = _function("finality_decree", f"{_raise(DECREE_FIXED)}")

_ANNEX = _function(
    "finality_annex",
    f"""
    IF TG_OP <> 'INSERT' AND finality_decree_signed(OLD.decree_id) THEN {_raise(DECREE_FIXED)} END IF;
    IF TG_OP <> 'DELETE' AND finality_decree_signed(NEW.decree_id) THEN {_raise(DECREE_FIXED)} END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;""",
)

_MEETING = _function(
    "finality_meeting",
    declare="DECLARE kept text[] := ARRAY['updated_at', 'finalised_by_id'];",
    body=f"""
    IF TG_OP = 'DELETE' OR (to_jsonb(NEW) - kept) IS DISTINCT FROM (to_jsonb(OLD) - kept)
       OR finality_actor_changed(OLD.finalised_by_id, NEW.finalised_by_id) THEN
        {_raise(MEETING_FIXED)}
    END IF;
    RETURN NEW;""",
)

_MEETING_CHILD = _function(
    "finality_meeting_child",
    f"""
    IF TG_OP <> 'INSERT' AND finality_meeting_final(OLD.meeting_id) THEN {_raise(MEETING_FIXED)} END IF;
    IF TG_OP <> 'DELETE' AND finality_meeting_final(NEW.meeting_id) THEN {_raise(MEETING_FIXED)} END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;""",
)

# Statement-level with transition tables: a bulk load of a period's rows costs one check per period, not per row.
_PERIOD_ROWS = _function(
    "finality_period_rows",
    declare="DECLARE fixed text;",
    body=f"""
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT p INTO fixed FROM (SELECT DISTINCT period AS p FROM old_rows) s WHERE finality_period_determined(p);
    END IF;
    IF fixed IS NULL AND TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT p INTO fixed FROM (SELECT DISTINCT period AS p FROM new_rows) s WHERE finality_period_determined(p);
    END IF;
    IF fixed IS NOT NULL THEN {_raise(PERIOD_FIXED)} END IF;
    RETURN NULL;""",
)


def _row_trigger(table: str, events: str, function: str, when: str = "") -> str:
    condition = f" WHEN ({when})" if when else ""
    return (
        f"CREATE TRIGGER {function}_{table} BEFORE {events} ON {table} FOR EACH ROW{condition} "
        f"EXECUTE FUNCTION {function}()"
    )


def _period_triggers(table: str) -> list[str]:
    references = {"insert": "NEW TABLE AS new_rows", "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                  "delete": "OLD TABLE AS old_rows"}  # fmt: skip
    return [
        f"CREATE TRIGGER finality_period_rows_{table}_{event} AFTER {event.upper()} ON {table} "
        f"REFERENCING {reference} FOR EACH STATEMENT EXECUTE FUNCTION finality_period_rows()"
        for event, reference in references.items()
    ]


POSTGRESQL = [
    *_HELPERS,
    _PROPOSAL,
    _VISIT,
    _DECREE,
    _ANNEX,
    _MEETING,
    _MEETING_CHILD,
    _PERIOD_ROWS,
    _row_trigger("proposal", "UPDATE OR DELETE", "finality_proposal"),
    _row_trigger("visit", "INSERT OR UPDATE OR DELETE", "finality_visit"),
    _row_trigger("decree", "UPDATE OR DELETE", "finality_decree", "OLD.signed_at IS NOT NULL"),
    _row_trigger("decree_proposal", "INSERT OR UPDATE OR DELETE", "finality_annex"),
    _row_trigger("meeting", "UPDATE OR DELETE", "finality_meeting", "OLD.finalised_at IS NOT NULL"),
    _row_trigger("meeting_participant", "INSERT OR UPDATE OR DELETE", "finality_meeting_child"),
    _row_trigger("meeting_decision", "INSERT OR UPDATE OR DELETE", "finality_meeting_child"),
    *_period_triggers("pmt_result"),
    *_period_triggers("household_period"),
]
DROP_POSTGRESQL = [
    *(
        f"DROP TRIGGER {name} ON {table}"
        for name, table in (
            ("finality_proposal_proposal", "proposal"),
            ("finality_visit_visit", "visit"),
            ("finality_decree_decree", "decree"),
            ("finality_annex_decree_proposal", "decree_proposal"),
            ("finality_meeting_meeting", "meeting"),
            ("finality_meeting_child_meeting_participant", "meeting_participant"),
            ("finality_meeting_child_meeting_decision", "meeting_decision"),
            *(
                (f"finality_period_rows_{t}_{e}", t)
                for t in ("pmt_result", "household_period")
                for e in ("insert", "update", "delete")
            ),
        )
    ),  # fmt: skip
    *(
        f"DROP FUNCTION {name}"
        for name in (
            "finality_proposal()",
            "finality_visit()",
            "finality_decree()",
            "finality_annex()",
            "finality_meeting()",
            "finality_meeting_child()",
            "finality_period_rows()",
            "finality_period_determined(text)",
            "finality_decree_signed(integer)",
            "finality_meeting_final(integer)",
            "finality_closed_for_visits(integer)",
            "finality_actor_changed(integer, integer)",
            "finality_written_here(xid)",
        )
    ),  # fmt: skip
]


# --- SQLite: RAISE(ABORT) triggers over explicit column lists ------------------------------------------


def _changed(columns: Sequence[str]) -> str:
    return " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in columns)


def _sqlite_actor_changed(column: str) -> str:
    return (
        f"(NEW.{column} IS NOT OLD.{column} AND (NEW.{column} IS NOT NULL "
        f"OR EXISTS (SELECT 1 FROM user_account WHERE id = OLD.{column})))"
    )


def _sqlite(name: str, event: str, table: str, when: str, message: str) -> str:
    return f"CREATE TRIGGER {name} BEFORE {event} ON {table} WHEN {when} BEGIN SELECT RAISE(ABORT, '{message}'); END"


_MEETING_FINAL_SQLITE = "EXISTS (SELECT 1 FROM meeting WHERE id = OLD.meeting_id AND finalised_at IS NOT NULL)"
_SIGNED_SQLITE = "EXISTS (SELECT 1 FROM decree WHERE id = {side}.decree_id AND signed_at IS NOT NULL)"
SQLITE = [
    _sqlite(
        "finality_proposal_update", "UPDATE", "proposal",
        f"OLD.status NOT IN ({_list(OPEN)}) AND ({_changed(PROPOSAL_CONTENT)} "
        f"OR (OLD.status NOT IN ({_list(DECIDED)}) AND ({_changed(CHECKLIST)})) "
        f"OR {_sqlite_actor_changed('created_by_id')} "
        f"OR (NEW.status IS NOT OLD.status AND OLD.status || '>' || NEW.status NOT IN ({_list(ARROWS)})) "
        f"OR (NEW.status IS OLD.status AND ({_changed(('status_changed_at', 'return_reason'))})))",
        PROPOSAL_FIXED,
    ),
    _sqlite(
        "finality_proposal_delete", "DELETE", "proposal",
        "OLD.status <> 'draft' OR EXISTS (SELECT 1 FROM decree_proposal WHERE proposal_id = OLD.id) "
        "OR EXISTS (SELECT 1 FROM meeting_decision d JOIN meeting m ON m.id = d.meeting_id "
        "WHERE d.proposal_id = OLD.id AND m.finalised_at IS NOT NULL)",
        PROPOSAL_KEPT,
    ),
    _sqlite(
        "finality_visit_update", "UPDATE", "visit",
        f"(OLD.result <> 'menunggu' OR OLD.confirmed_at IS NOT NULL) AND ({_changed(VISIT_CONTENT)} "
        f"OR {_sqlite_actor_changed('enumerator_id')} OR {_sqlite_actor_changed('confirmed_by_id')})",
        VISIT_FIXED,
    ),
    _sqlite("finality_visit_delete", "DELETE", "visit",
            "OLD.result <> 'menunggu' OR OLD.confirmed_at IS NOT NULL", VISIT_FIXED),
    _sqlite("finality_decree_update", "UPDATE", "decree", "OLD.signed_at IS NOT NULL", DECREE_FIXED),
    _sqlite("finality_decree_delete", "DELETE", "decree", "OLD.signed_at IS NOT NULL", DECREE_FIXED),
    _sqlite("finality_annex_update", "UPDATE", "decree_proposal",
            f"{_SIGNED_SQLITE.format(side='OLD')} OR {_SIGNED_SQLITE.format(side='NEW')}", DECREE_FIXED),
    _sqlite("finality_annex_delete", "DELETE", "decree_proposal", _SIGNED_SQLITE.format(side="OLD"), DECREE_FIXED),
    _sqlite(
        "finality_meeting_update", "UPDATE", "meeting",
        f"OLD.finalised_at IS NOT NULL AND ({_changed(MEETING_CONTENT)} OR {_sqlite_actor_changed('finalised_by_id')})",
        MEETING_FIXED,
    ),
    _sqlite("finality_meeting_delete", "DELETE", "meeting", "OLD.finalised_at IS NOT NULL", MEETING_FIXED),
    *(
        _sqlite(f"finality_{table}_{event.lower()}", event, table, _MEETING_FINAL_SQLITE, MEETING_FIXED)
        for table in ("meeting_participant", "meeting_decision")
        for event in ("UPDATE", "DELETE")
    ),
]  # fmt: skip


def _sqlite_names() -> list[str]:
    return [statement.split()[2] for statement in SQLITE]


def upgrade() -> None:
    """Upgrade schema."""
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL if dialect == "postgresql" else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    """Downgrade schema."""
    dialect = op.get_bind().dialect.name
    drops = DROP_POSTGRESQL if dialect == "postgresql" else [f"DROP TRIGGER {name}" for name in _sqlite_names()]
    for statement in drops:
        op.execute(statement)
