"""What an upgrade adds of the shipped seed, and what it leaves as an administrator made it.

The seed is the access rules of policies/policy.csv and the step targets' defaults below. `seed_record`
(models/seed.py) names every seed item once offered to this database. A sync adds the seed items with no record
(new in this release) unless the database already holds them, and records them; a recorded item the database lacks
was removed by an administrator and is left out; an item the database holds is never changed, so an edited step
target keeps its days and basis. Office profiles and signers have no seed: a sync never reads nor writes them.
No HTTP, no argparse: console/cli_upgrade.py prints the result; the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.deadline import StepTarget
from models.policy import PolicyRule
from models.seed import SeedKind, SeedRecord
from policies.rules import Rule, read_seed


@dataclass(frozen=True)
class StepTargetSeed:
    """The default target of one status, in working days, and where it comes from."""

    status: str
    working_days: int
    basis: str


# SOP Dinsos Kota Bima 2022 (seed 003), as alembic c11b53d3aa39 seeded them; steps the SOP does not time are
# assumptions, labelled so. A status a later release adds gets its default here and reaches every database at its
# next `python -m console upgrade`.
STEP_TARGET_SEED = (
    StepTargetSeed("draft", 1, "SOP Bima: penerimaan usulan 1 hari kerja"),
    StepTargetSeed("in_musdes", 1, "SOP Bima: penyerahan Berita Acara 1 hari kerja"),
    StepTargetSeed("agreed", 4, "SOP Bima: verifikasi dan validasi 4 hari kerja"),
    StepTargetSeed("visited", 1, "SOP Bima: laporan hasil verval 1 hari kerja"),
    StepTargetSeed("verified", 4, "SOP Bima: input data 4 hari kerja"),
    StepTargetSeed("submitted", 1, "SOP Bima: pemeriksaan dan pengembalian 1 hari kerja"),
    StepTargetSeed("returned", 1, "SOP Bima: pengembalian 1 hari kerja"),
    StepTargetSeed("accepted", 10, "asumsi: penyusunan draf SK"),
    StepTargetSeed("in_decree", 10, "asumsi: penandatanganan SK Bupati/Walikota"),
    StepTargetSeed("ratified", 10, "asumsi: penerusan oleh provinsi"),
    StepTargetSeed("forwarded", 10, "asumsi: padan NIK oleh Pusdatin"),
    StepTargetSeed("received", 15, "asumsi: penetapan pada triwulan berikutnya"),
)


@dataclass(frozen=True)
class SeedSync:
    """What one sync did: added, left out (recorded but removed by an administrator), kept as edited."""

    rules_added: list[Rule] = field(default_factory=list)
    rules_left_out: list[Rule] = field(default_factory=list)
    targets_added: list[str] = field(default_factory=list)
    targets_left_out: list[str] = field(default_factory=list)
    targets_edited: list[str] = field(default_factory=list)
    recorded: int = 0  # seed items recorded by this sync (added, or new to the seed and already held)

    @property
    def changed(self) -> bool:
        return self.recorded > 0


def rule_key(rule: Rule) -> str:
    return ",".join(rule)


def sync_seed(
    session: Session, rules: Iterable[Rule] | None = None, targets: Sequence[StepTargetSeed] = STEP_TARGET_SEED
) -> SeedSync:
    """Add the seed items this database was never offered; leave every other row as it is. The caller commits."""
    recorded = {(kind, key) for kind, key in session.execute(select(SeedRecord.kind, SeedRecord.key))}
    rules_added, rules_left_out, new_rules = _sync_rules(
        session, list(dict.fromkeys(read_seed() if rules is None else rules)), recorded
    )
    targets_added, targets_left_out, targets_edited, new_targets = _sync_targets(session, targets, recorded)
    return SeedSync(
        rules_added, rules_left_out, targets_added, targets_left_out, targets_edited, new_rules + new_targets
    )


def _sync_rules(
    session: Session, seed: list[Rule], recorded: set[tuple[SeedKind, str]]
) -> tuple[list[Rule], list[Rule], int]:
    held = {
        (subject, resource, action)
        for subject, resource, action in session.execute(
            select(PolicyRule.subject, PolicyRule.resource, PolicyRule.action).where(PolicyRule.ptype == "p")
        )
    }
    new = [rule for rule in seed if (SeedKind.POLICY_RULE, rule_key(rule)) not in recorded]
    added = [rule for rule in new if rule not in held]
    session.add_all(PolicyRule(subject=s, resource=r, action=a) for s, r, a in added)
    session.add_all(SeedRecord(kind=SeedKind.POLICY_RULE, key=rule_key(rule)) for rule in new)
    left_out = [rule for rule in seed if (SeedKind.POLICY_RULE, rule_key(rule)) in recorded and rule not in held]
    return added, left_out, len(new)


def _sync_targets(
    session: Session, seed: Sequence[StepTargetSeed], recorded: set[tuple[SeedKind, str]]
) -> tuple[list[str], list[str], list[str], int]:
    held = {row.status: (row.working_days, row.basis) for row in session.scalars(select(StepTarget))}
    new = [target for target in seed if (SeedKind.STEP_TARGET, target.status) not in recorded]
    added = [target for target in new if target.status not in held]
    session.add_all(StepTarget(status=t.status, working_days=t.working_days, basis=t.basis) for t in added)
    session.add_all(SeedRecord(kind=SeedKind.STEP_TARGET, key=target.status) for target in new)
    left_out = [t.status for t in seed if (SeedKind.STEP_TARGET, t.status) in recorded and t.status not in held]
    edited = [t.status for t in seed if t.status in held and held[t.status] != (t.working_days, t.basis)]
    return [target.status for target in added], left_out, edited, len(new)
