"""Every row a ministry batch step wrote, normalised so two runs of the same step on the same data compare equal.

Rows created by the run get surrogate ids from sequences (PostgreSQL's do not roll back), and times are the
run's own: both are replaced by what identifies the row (a result by its household and period, a history row by
its proposal and target status, ...) and by "<now>". Everything else is compared as stored, the audit trail's
snapshots included.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Base

TABLES = (
    "pmt_result", "household", "household_period", "proposal", "proposal_history", "decree", "decree_proposal",
    "decree_annex_row", "audit_entry",
)  # fmt: skip
NOW = "<now>"
# How a row created by the run is named instead of its id.
NAMES: dict[str, Callable[[dict[str, Any]], str]] = {
    "pmt_result": lambda row: f"pmt:{row['household_id']}:{row['period']}",
    "proposal_history": lambda row: f"history:{row['proposal_id']}:{row['to_status']}",
    "household_period": lambda row: f"standing:{row['household_id']}:{row['period']}",
    "decree": lambda row: f"decree:{row['number']}",
    "decree_annex_row": lambda row: f"annex:{row['position']}",  # one decree per run
}


def high_water(session: Session) -> dict[str, int]:
    """The highest id of each table before a run: rows above it are the run's own."""
    marks = {}
    for name in TABLES:
        table = Base.metadata.tables[name]
        if "id" in table.c:
            marks[name] = session.scalar(select(table.c.id).order_by(table.c.id.desc()).limit(1)) or 0
    return marks


def _is_new_time(value: Any, since: datetime) -> bool:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)) >= since
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and value[10:11] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return False
        return _is_new_time(moment, since)
    return False


class Effects:
    """The normalised rows of a run, table by table, and the rank order of its PMT results."""

    def __init__(self, session: Session, marks: dict[str, int], since: datetime) -> None:
        self.since, self.names = since, {}
        tables = Base.metadata.tables
        raw = {name: [dict(row) for row in session.execute(select(tables[name])).mappings()] for name in TABLES}
        for name, rows in raw.items():
            for row in rows:
                if name in NAMES and row["id"] > marks.get(name, 0):
                    self.names[(name, row["id"])] = NAMES[name](row)
        self.ranked = [
            row["household_id"]
            for row in sorted(raw["pmt_result"], key=lambda row: row["id"])
            if row["id"] > marks["pmt_result"]
        ]
        self.tables = {name: sorted(self._row(name, row) for row in rows) for name, rows in raw.items()}
        new_audit = [row for row in raw["audit_entry"] if row["id"] > marks["audit_entry"]]
        self.tables["audit_entry"] = sorted(self._audit(row) for row in new_audit)

    def _ref(self, table: str, value: Any) -> Any:
        return self.names.get((table, value), value)

    def _value(self, key: str, value: Any) -> Any:
        if _is_new_time(value, self.since):
            return NOW
        if key == "decree_id":
            return self._ref("decree", value)
        return value

    def _row(self, name: str, row: dict[str, Any]) -> str:
        values = {key: self._value(key, value) for key, value in row.items()}
        if "id" in values:
            values["id"] = self._ref(name, values["id"])
        return json.dumps(values, default=str, sort_keys=True)

    def _snapshot(self, table: str, document: Any) -> Any:
        if isinstance(document, str):
            document = json.loads(document)
        if not isinstance(document, dict):
            return document
        values = {key: self._value(key, value) for key, value in document.items()}
        if "id" in values:
            values["id"] = self._ref(table, values["id"])
        return values

    def _audit(self, row: dict[str, Any]) -> str:
        table = row["object_type"]
        object_id = int(row["object_id"]) if row["object_id"].isdigit() else row["object_id"]
        values = {
            "actor": (row["actor_id"], row["actor_name"], row["ip"]),
            "action": row["action"],
            "object": (table, str(self._ref(table, object_id))),
            "region_code": row["region_code"],
            "before": self._snapshot(table, row["before"]),
            "after": self._snapshot(table, row["after"]),
            "message": row["message"],
        }
        return json.dumps(values, default=str, sort_keys=True)
