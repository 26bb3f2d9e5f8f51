"""Every console view, in menu order."""

from __future__ import annotations

from sqladmin import Admin

from console.views import exports, worklist
from console.views.administration import AuditEntryView, PolicyRuleView, RegionView, UserView
from console.views.deadlines import DashboardChartView, DashboardView, StepTargetView
from console.views.decrees import DecreeView
from console.views.households import HouseholdView, MemberView
from console.views.identity_check import IdentityCheckView
from console.views.menu_links import add_page_links
from console.views.ministry import PmtModelView, PmtWeightView
from console.views.musdes import MeetingParticipantView, MeetingView
from console.views.offices import OfficeProfileView, OfficeSignerView
from console.views.pendamping import PendampingVillageView
from console.views.programmes import ProgrammeBandView, ProgrammeMembershipView, ProgrammeReviewView, ProgrammeView
from console.views.proposals import ProposalHistoryView, ProposalView
from console.views.resident_requests import ResidentRequestView
from console.views.services import CertificateView, ComplaintView
from console.views.sessions import UserSessionView
from console.views.visits import VisitView
from console.views.windows import ProposalWindowView

ALL_VIEWS = [
    worklist.WorklistView,
    worklist.WorklistBatchView,  # POST /admin/worklist/batch: the worklist's batch decisions (not in the menu)
    DashboardView,
    DashboardChartView,
    HouseholdView,
    MemberView,
    ProposalView,
    ProposalHistoryView,
    ProposalWindowView,
    MeetingView,
    MeetingParticipantView,
    VisitView,
    DecreeView,
    CertificateView,
    ComplaintView,
    ResidentRequestView,
    PmtModelView,
    PmtWeightView,
    ProgrammeReviewView,
    ProgrammeMembershipView,
    ProgrammeView,
    ProgrammeBandView,
    UserView,
    PendampingVillageView,
    OfficeProfileView,
    OfficeSignerView,
    UserSessionView,
    PolicyRuleView,
    RegionView,
    StepTargetView,
    AuditEntryView,
    IdentityCheckView,  # POST /admin/identity-check: the forms' live NIK / No. KK check (not in the menu)
]


def register_views(admin: Admin) -> None:
    for view in ALL_VIEWS:
        admin.add_view(view)
    add_page_links(admin)
    exports.install_on(admin)  # the one-click spreadsheet downloads (hidden pages) and their buttons
    worklist.install_on(admin)  # /admin/ opens the worklist; the menu's count of what waits
