"""The certificate paraf chain and the complaint flow are tables: what they allow, in which order."""

from __future__ import annotations

from typing import Any

import pytest

from models.certificate import CertificateStep
from models.certificate_flow import CERTIFICATE_FLOW, FINAL_STEPS, PARAF_CHAIN
from models.complaint import ComplaintStatus
from models.complaint_flow import CLOSED, COMPLAINT_FLOW
from models.flow import Flow
from models.user import Role

FLOWS: list[Flow[Any]] = [CERTIFICATE_FLOW, COMPLAINT_FLOW]
FLOW_IDS = [flow.resource for flow in FLOWS]


def test_the_paraf_chain_runs_penyuluh_kabid_sekretaris_then_the_kepala_dinas_signs() -> None:
    assert [(step.source, step.target) for step in PARAF_CHAIN] == [
        (CertificateStep.REQUESTED, CertificateStep.PARAF_PENYULUH),
        (CertificateStep.PARAF_PENYULUH, CertificateStep.PARAF_KABID),
        (CertificateStep.PARAF_KABID, CertificateStep.PARAF_SEKRETARIS),
        (CertificateStep.PARAF_SEKRETARIS, CertificateStep.SIGNED),
    ]
    assert [set(step.roles) for step in PARAF_CHAIN] == [{Role.PENYULUH}, {Role.KABID}, {Role.SEKRETARIS},
                                                          {Role.KEPALA_DINAS}]  # fmt: skip


@pytest.mark.parametrize("flow", FLOWS, ids=FLOW_IDS)
def test_each_status_offers_an_action_at_most_once(flow: Flow[Any]) -> None:
    pairs = [(step.source, step.action) for step in flow.steps]
    assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize("flow", FLOWS, ids=FLOW_IDS)
def test_every_step_names_its_table_resource_and_some_role(flow: Flow[Any]) -> None:
    assert all(step.resource == flow.resource and step.roles for step in flow.steps)
    assert all(step.permission == (flow.resource, f"action:{step.action}") for step in flow.steps)


@pytest.mark.parametrize(("flow", "final"), [(CERTIFICATE_FLOW, FINAL_STEPS), (COMPLAINT_FLOW, CLOSED)], ids=FLOW_IDS)
def test_nothing_leaves_a_final_status(flow: Flow[Any], final: frozenset[Any]) -> None:
    assert not [step for step in flow.steps if step.source in final]
    assert all(flow.from_status(status) for status in flow.statuses if status not in final)


COMPLAINT_OFFERS = [
    (ComplaintStatus.NEW, ["assign", "start", "reject"]),
    (ComplaintStatus.IN_PROGRESS, ["assign", "resolve", "reject"]),
    (ComplaintStatus.RESOLVED, []),
    (ComplaintStatus.REJECTED, []),
]


@pytest.mark.parametrize(("status", "actions"), COMPLAINT_OFFERS, ids=[s.value for s, _ in COMPLAINT_OFFERS])
def test_a_complaint_offers_the_steps_of_its_status_in_table_order(status: ComplaintStatus, actions: list[str]) -> None:
    assert [step.action for step in COMPLAINT_FLOW.from_status(status)] == actions


def test_closing_a_complaint_needs_its_text_and_the_other_steps_need_none() -> None:
    texts = {step.action: step.needs_text for step in COMPLAINT_FLOW.steps}
    assert texts == {"assign": "", "start": "", "resolve": "Tanggapan", "reject": "Alasan penolakan"}


def test_an_unknown_action_or_one_not_from_this_status_is_no_step() -> None:
    assert COMPLAINT_FLOW.any_step("escalate") is None
    assert COMPLAINT_FLOW.step("resolve", ComplaintStatus.NEW) is None
    assert CERTIFICATE_FLOW.step("sign", CertificateStep.REQUESTED) is None
