"""SQLAlchemy models, one module per aggregate, and the domain rules that belong to the data.

Importing this package registers every table on `Base.metadata` (alembic and the tests rely on it), and
nothing else: the flush hooks (scope_sync, text_guard, finality_guard, finality_bulk, session) are plain
functions that chain/write_path.py attaches to the session factory.
"""

from sqlalchemy.orm import configure_mappers  # noqa: E402  (after every model: the relationships are set up first)

from models.audit import AuditAction, AuditEntry
from models.base import Base
from models.certificate import Certificate, CertificateApproval, CertificateResult, CertificateStep
from models.complaint import Complaint, ComplaintCategory, ComplaintChannel, ComplaintStatus
from models.deadline import StepTarget
from models.decree import Decree, DecreeKind, decree_proposal
from models.decree_annex import DecreeAnnexRow
from models.decree_review import DecreeReview, ReviewOutcome
from models.determination import HouseholdPeriod, PmtResult
from models.distribution import keep_regency_in_keys  # noqa: E402
from models.household import DtksStatus, Household
from models.meeting import (
    Decision,
    Meeting,
    MeetingDecision,
    MeetingKind,
    MeetingParticipant,
    ParticipantPosition,
)
from models.member import Disability, Education, FamilyRelation, MaritalStatus, Member, Sex
from models.national_numbers import NikHolder, NoKkHolder
from models.office import OfficeProfile, OfficeSigner, SignerDuty
from models.pendamping import PendampingVillage
from models.pmt import PmtModel, PmtWeight
from models.policy import PolicyRule, PolicyState
from models.programme import (
    MembershipSource,
    MembershipStatus,
    Programme,
    ProgrammeBand,
    ProgrammeMembership,
    ProgrammeReview,
    ReviewDecision,
)
from models.proposal import Proposal, ProposalHistory, ProposalKind, ProposalStatus, RemovalReason
from models.ranking import RankingImport, RankingResult, RankingStatus, RegisterMode
from models.region import Region, within_region
from models.resident_request import (
    Dispute,
    RequestChannel,
    RequestEvidence,
    RequestKind,
    RequestStatus,
    ResidentRequest,
)
from models.resubmission import ProposalResubmission
from models.seed import SeedKind, SeedRecord
from models.session import LoginAttempt, UserSession
from models.tally import HouseholdTally, ProposalTally
from models.user import Role, User
from models.visit import Visit, VisitResult
from models.windows import ProposalWindow

configure_mappers()
keep_regency_in_keys(Base.metadata)

__all__ = [
    "AuditAction",
    "AuditEntry",
    "Base",
    "Certificate",
    "CertificateApproval",
    "CertificateResult",
    "CertificateStep",
    "Complaint",
    "ComplaintCategory",
    "ComplaintChannel",
    "ComplaintStatus",
    "Decision",
    "Decree",
    "DecreeReview",
    "DecreeAnnexRow",
    "DecreeKind",
    "Disability",
    "DtksStatus",
    "Education",
    "Household",
    "HouseholdPeriod",
    "HouseholdTally",
    "LoginAttempt",
    "MaritalStatus",
    "Meeting",
    "MeetingDecision",
    "MeetingKind",
    "MeetingParticipant",
    "Member",
    "NikHolder",
    "NoKkHolder",
    "ParticipantPosition",
    "PmtModel",
    "PmtResult",
    "RankingImport",
    "RankingResult",
    "RankingStatus",
    "RegisterMode",
    "Dispute",
    "RequestChannel",
    "RequestEvidence",
    "RequestKind",
    "RequestStatus",
    "ResidentRequest",
    "PmtWeight",
    "PolicyRule",
    "PolicyState",
    "Proposal",
    "ProposalTally",
    "ProposalHistory",
    "Programme",
    "ProgrammeBand",
    "ProgrammeMembership",
    "ProgrammeReview",
    "MembershipSource",
    "MembershipStatus",
    "ReviewDecision",
    "ProposalResubmission",
    "ProposalKind",
    "ProposalStatus",
    "Region",
    "FamilyRelation",
    "RemovalReason",
    "Role",
    "Sex",
    "SeedKind",
    "SeedRecord",
    "StepTarget",
    "OfficeProfile",
    "OfficeSigner",
    "ProposalWindow",
    "SignerDuty",
    "ReviewOutcome",
    "User",
    "UserSession",
    "PendampingVillage",
    "Visit",
    "VisitResult",
    "decree_proposal",
    "within_region",
]
