"""The register's traffic at scale, set-based: proposals in every status, their history, visits, audit rows.

One proposal for every 50 households (every kind, every status of the chain, spread over both halves of the
register), one history row each, a verval visit for each proposal past the visit, and one audit row for every 10
households over the last 30 days by the demo accounts. Written in the register's transaction
(bench/scale/register.py): the finality triggers let a transaction fill rows it wrote itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from models import AuditAction, ProposalKind, ProposalStatus, RemovalReason, VisitResult

PROPOSALS_PER_HOUSEHOLD = 1 / 50
AUDIT_ROWS_PER_HOUSEHOLD = 1 / 10
# Statuses a proposal reaches only after its household was visited (DESIGN section 4).
BEFORE_THE_VISIT = {
    ProposalStatus.DRAFT,
    ProposalStatus.IN_MUSDES,
    ProposalStatus.AGREED,
    ProposalStatus.REJECTED_MUSDES,
}
VISITED = [status.value for status in ProposalStatus if status not in BEFORE_THE_VISIT]
AUDITED_ACTIONS = [
    AuditAction.LOOKUP,
    AuditAction.UPDATE,
    AuditAction.CREATE,
    AuditAction.TRANSITION,
    AuditAction.EXPORT,
]

_PROPOSALS = """
INSERT INTO proposal (kind, household_id, region_code, regency_code, reason, removal_reason, requested_changes,
                      has_ktp, has_kk, has_sktm, status, status_changed_at, return_reason, version, created_by_id,
                      created_at, updated_at)
SELECT kind, h.id, h.region_code, h.regency_code, 'Usulan dari musyawarah desa',
       CASE WHEN kind = :remove THEN (CAST(:reasons AS text[]))[1 + i % cardinality(CAST(:reasons AS text[]))] END,
       CASE WHEN kind = :update THEN json_build_object('address', h.address || ' (pindah RT)') ELSE '{}'::json END,
       true, true, i % 3 <> 0, status, now() - (i % 120) * interval '1 day',
       CASE WHEN status = :returned THEN 'Foto KK tidak terbaca, mohon unggah ulang' ELSE '' END,
       1 + i % 5, NULL, now() - (i % 120 + 7) * interval '1 day', now()
FROM (
    SELECT i, (CAST(:kinds AS text[]))[1 + i % cardinality(CAST(:kinds AS text[]))] AS kind,
           (CAST(:statuses AS text[]))[1 + (i / 4) % cardinality(CAST(:statuses AS text[]))] AS status,
           1 + ((i - 1) * :stride) % :households AS household_id
    FROM generate_series(1, :proposals) AS i
) AS p JOIN household AS h ON h.id = p.household_id
"""
_HISTORY = """
INSERT INTO proposal_history (proposal_id, region_code, regency_code, from_status, to_status, actor_id, actor_name,
                              at, note)
SELECT id, region_code, regency_code, NULL, status, NULL, 'Operator desa', status_changed_at, '' FROM proposal
"""
_VISITS = """
INSERT INTO visit (household_id, proposal_id, region_code, regency_code, enumerator_id, enumerator_name, visited_on,
                   floor_area_m2, room_count, assets, livestock, programme_cards, notes, result, created_at,
                   updated_at)
SELECT household_id, id, region_code, regency_code, NULL, 'Petugas pendata',
       (status_changed_at - interval '3 days')::date,
       18 + id % 60, 1 + id % 5, '[]', '{}', '[]', '', :pending, now(), now()
FROM proposal WHERE status = ANY(CAST(:visited AS text[]))
"""
_AUDIT = """
INSERT INTO audit_entry (at, actor_id, actor_name, request_id, ip, action, object_type, object_id, region_code,
                         regency_code, before, after, message)
SELECT now() - (:rows - i) * interval '30 days' / :rows, a.ids[1 + i % cardinality(a.ids)],
       a.names[1 + i % cardinality(a.ids)], '', '127.0.0.1',
       (CAST(:actions AS text[]))[1 + i % cardinality(CAST(:actions AS text[]))], 'household', h.id::text,
       h.region_code, h.regency_code, NULL, json_build_object('address', h.address), ''
FROM generate_series(1, :rows) AS i
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids, array_agg(username ORDER BY id) AS names FROM user_account) AS a
JOIN household AS h ON h.id = 1 + ((i - 1) * :stride) % :households
"""


@dataclass(frozen=True)
class Activity:
    """Rows written besides the register itself."""

    proposals: int
    visits: int
    audit_entries: int

    def __str__(self) -> str:
        return f"{self.proposals:,} proposals, {self.visits:,} visits, {self.audit_entries:,} audit rows"


def seed_activity(connection: Connection, households: int) -> Activity:
    proposals = max(int(households * PROPOSALS_PER_HOUSEHOLD), 4 * len(ProposalStatus))
    audit_rows = max(int(households * AUDIT_ROWS_PER_HOUSEHOLD), 100)
    connection.execute(
        text(_PROPOSALS),
        {
            "kinds": [kind.value for kind in ProposalKind],
            "statuses": [status.value for status in ProposalStatus],
            "reasons": [reason.value for reason in RemovalReason],
            "remove": ProposalKind.REMOVE.value,
            "update": ProposalKind.UPDATE.value,
            "returned": ProposalStatus.RETURNED.value,
            "stride": max(households // proposals, 1),
            "households": households,
            "proposals": proposals,
        },
    )
    connection.execute(text(_HISTORY))
    visits = connection.execute(text(_VISITS), {"visited": VISITED, "pending": VisitResult.PENDING.value}).rowcount
    connection.execute(
        text(_AUDIT),
        {
            "rows": audit_rows,
            "actions": [action.value for action in AUDITED_ACTIONS],
            "stride": max(households // audit_rows, 1),
            "households": households,
        },
    )
    return Activity(proposals, visits, audit_rows)
