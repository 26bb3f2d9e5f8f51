"""The casbin rules: seeded from policies/policy.csv into the database, read back into an enforcer.

Casbin answers role x resource x action only (DESIGN section 2). A database trigger moves
policy_state.version on any change to policy_rule (see the migration), so every process reloads.
Decisions are cached per triple: casbin scans its rules in Python on every call, and sqladmin asks
several times per list row.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from pathlib import Path

import casbin
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.policy import PolicyRule, PolicyState

MODEL_PATH = Path(__file__).with_name("model.conf")
SEED_PATH = Path(__file__).with_name("policy.csv")
logger = logging.getLogger(__name__)

Rule = tuple[str, str, str]


def read_seed(path: Path = SEED_PATH) -> list[Rule]:
    """The `p, role, resource, action` lines of the seed file."""
    rules = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = [part.strip() for part in line.split(",")]
        if len(parts) == 4 and parts[0] == "p":
            rules.append((parts[1], parts[2], parts[3]))
    return rules


def seed_rules_if_empty(session: Session) -> int:
    """Fill policy_rule from the seed file when it holds no rule; returns how many were added."""
    if session.scalar(select(func.count()).select_from(PolicyRule)):
        return 0
    rules = read_seed()
    session.add_all(PolicyRule(subject=s, resource=r, action=a) for s, r, a in rules)
    return len(rules)


def missing_seed_rules(session: Session) -> list[Rule]:
    """Seed rules the database does not hold: rules a newer release added, or rules an admin removed."""
    held = {tuple(row) for row in session.execute(select(PolicyRule.subject, PolicyRule.resource, PolicyRule.action))}
    return [rule for rule in dict.fromkeys(read_seed()) if rule not in held]


def add_missing_seed_rules(session: Session) -> list[Rule]:
    """The upgrade path for a database seeded by an older release: add the seed rules it lacks, keep the rest.

    Rules an admin added stay; rules an admin removed come back, so the command lists what it adds
    (`sync-policies --dry-run` shows it first). The caller commits.
    """
    missing = missing_seed_rules(session)
    session.add_all(PolicyRule(subject=s, resource=r, action=a) for s, r, a in missing)
    return missing


class Decisions:
    """An enforcer over one set of rules, with its answers remembered."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._enforcer = casbin.Enforcer(str(MODEL_PATH))
        self._enforcer.add_policies([list(rule) for rule in rules])
        self._cache: dict[Rule, bool] = {}

    def allows(self, role: str, resource: str, action: str) -> bool:
        if not role or not resource or not action:
            return False
        key = (role, resource, action)
        if key not in self._cache:
            self._cache[key] = bool(self._enforcer.enforce(role, resource, action))
        return self._cache[key]


class DenyAll(Decisions):
    """What a process holds when its policy could not be loaded: nothing is allowed."""

    def __init__(self) -> None:
        self._cache = {}

    def allows(self, role: str, resource: str, action: str) -> bool:
        return False


class PolicyStore:
    """The process's current decisions, reloaded when the database's policy version moves."""

    def __init__(self) -> None:
        self.decisions: Decisions = DenyAll()
        self.version: int | None = None
        self._lock = threading.Lock()

    def refresh(self, session: Session) -> None:
        """Cheap when nothing changed (one small query); on any failure the store denies everything."""
        try:
            version = session.scalar(select(PolicyState.version).where(PolicyState.id == 1))
            if version is not None and version == self.version:
                return
            rules = session.execute(select(PolicyRule.subject, PolicyRule.resource, PolicyRule.action)).all()
            decisions = Decisions((subject, resource, action) for subject, resource, action in rules)
        except Exception:
            logger.exception("casbin policy could not be loaded; denying every request until it can")
            with self._lock:
                self.decisions, self.version = DenyAll(), None
            return
        with self._lock:
            self.decisions, self.version = decisions, version

    def allows(self, role: str, resource: str, action: str) -> bool:
        return self.decisions.allows(role, resource, action)
