"""Every console view, in menu order."""

from __future__ import annotations

from sqladmin import Admin

from console.views.administration import AuditEntryView, PolicyRuleView, RegionView, UserView
from console.views.chain import (
    DecreeView,
    MeetingParticipantView,
    MeetingView,
    ProposalHistoryView,
    ProposalView,
    VisitView,
)
from console.views.deadlines import DashboardChartView, DashboardView, StepTargetView
from console.views.households import HouseholdView, MemberView
from console.views.ministry import PmtModelView, PmtWeightView
from console.views.services import CertificateView, ComplaintView
from console.views.sessions import UserSessionView

ALL_VIEWS = [
    DashboardView,
    DashboardChartView,
    HouseholdView,
    MemberView,
    ProposalView,
    ProposalHistoryView,
    MeetingView,
    MeetingParticipantView,
    VisitView,
    DecreeView,
    CertificateView,
    ComplaintView,
    PmtModelView,
    PmtWeightView,
    UserView,
    UserSessionView,
    PolicyRuleView,
    RegionView,
    StepTargetView,
    AuditEntryView,
]


def register_views(admin: Admin) -> None:
    for view in ALL_VIEWS:
        admin.add_view(view)
