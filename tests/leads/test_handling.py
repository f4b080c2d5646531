"""Routing, assignment with working-day deadlines, claim and return, judgement, closing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.audit.models import AuditEvent
from fangfei.cases import service as cases
from fangfei.cases.schemas import CaseOpen
from fangfei.clock import local_today
from fangfei.errors import FangfeiError
from fangfei.leads import handling
from fangfei.leads.models import Lead, LeadEvent
from fangfei.leads.schemas import AssignIn, JudgeIn
from fangfei.reference import service as reference
from fangfei.security.crypto import FieldCipher
from fangfei.workdays import service as workdays
from tests.county import County
from tests.leads.helpers import actor_of, make_lead

ADMINISTRATIVE = JudgeIn(
    findings="该公司以年化 18% 保本理财名义向 60 余名群众吸收资金。",
    verified_true=True,
    is_illegal_fundraising=True,
    meets_standard_conditions=False,
    regulator="local_finance",
    disposal_path="administrative",
)


def _assign_to_market(db: Session, county: County, lead: Lead) -> Lead:
    market = reference.department_by_code(db, "market_regulation")
    return handling.assign(
        db,
        actor=actor_of(county.users["office"]),
        lead_id=lead.id,
        data=AssignIn(department_id=market.id),
        workdays_allowed=15,
    )


@pytest.mark.parametrize(
    ("domain", "focus_area", "reason"),
    [
        (
            "d3_securities",
            None,
            "按“私募基金、证券期货、股权众筹、“伪私募”、“金交所”、“产登公司”“拍卖公司”等领域”的分工由县市场监管局牵头",
        ),
        ("d5_other_sectors", "elderly_care", "按“养老”的分工由县人社局牵头"),
        (
            "d1_fintech",
            None,
            "按“虚拟货币、区块链、互联网金融、支付、征信等领域”的分工由县经信局牵头",
        ),
        ("d6_other", None, "按主体所在地交东城镇"),
    ],
)
def test_routing_follows_attachment_5_then_the_subjects_township(
    db: Session,
    county: County,
    cipher: FieldCipher,
    domain: str,
    focus_area: str | None,
    reason: str,
) -> None:
    lead = make_lead(db, county, cipher, domain=domain, focus_area=focus_area)
    assert handling.propose_route(db, lead=lead).reason == reason


def test_a_lead_of_the_county_itself_with_no_domain_rule_waits_for_the_office(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    lead = make_lead(db, county, cipher, domain="d6_other", jurisdiction_id=county.county.id)
    route = handling.propose_route(db, lead=lead)
    assert (route.department, route.jurisdiction) == (None, None)
    assert route.reason == "未找到对应的牵头单位，请处非办指定"


def test_assignment_sets_a_deadline_in_chinese_working_days(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    lead = _assign_to_market(db, county, make_lead(db, county, cipher))
    due = workdays.add_workdays(db, local_today(), 15)
    assert (lead.status, lead.due_on, lead.due_provisional) == (
        "assigned",
        due.date,
        due.provisional,
    )
    assert lead.assignee_department is not None and lead.assignee_department.name == "县市场监管局"
    event = db.scalars(select(LeadEvent).where(LeadEvent.lead_id == lead.id)).all()[-1]
    assert event.comment is not None and event.comment.startswith(
        f"交办县市场监管局，15 个工作日内核查，期限 {due.date.isoformat()}"
    )
    assert (event.from_status, event.to_status) == ("registered", "assigned")


def test_assignment_needs_exactly_one_target(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    lead = make_lead(db, county, cipher)
    office = actor_of(county.users["office"])
    for data in (AssignIn(), AssignIn(department_id=1, jurisdiction_id=county.east.id)):
        with pytest.raises(FangfeiError) as caught:
            handling.assign(db, actor=office, lead_id=lead.id, data=data, workdays_allowed=15)
        assert caught.value.problems[0].reason == "成员单位和乡镇二选一"
    lead_office = reference.department_by_code(db, "lead_office")
    with pytest.raises(FangfeiError) as caught:
        handling.assign(
            db,
            actor=office,
            lead_id=lead.id,
            data=AssignIn(department_id=lead_office.id),
            workdays_allowed=15,
        )
    assert caught.value.problems[0].reason == "不是有效的成员单位"
    with pytest.raises(FangfeiError) as caught:
        handling.assign(
            db,
            actor=office,
            lead_id=lead.id,
            data=AssignIn(jurisdiction_id=county.county.id),
            workdays_allowed=15,
        )
    assert caught.value.problems[0].reason == "不是有效的乡镇（街道）"


def test_the_department_claims_verifies_and_judges(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    lead = _assign_to_market(db, county, make_lead(db, county, cipher))
    market = actor_of(county.users["market"])
    handling.claim(db, actor=market, lead_id=lead.id)
    handling.judge(db, actor=market, lead_id=lead.id, data=ADMINISTRATIVE)
    assert lead.status == "judged"
    assert (lead.is_illegal_fundraising, lead.disposal_path, lead.regulator_state) == (
        True,
        "administrative",
        "submitted",
    )
    handling.close(db, actor=actor_of(county.users["office"]), lead_id=lead.id)
    events = db.scalars(
        select(LeadEvent).where(LeadEvent.lead_id == lead.id).order_by(LeadEvent.id)
    )
    assert [(e.action, e.actor_name, e.to_status) for e in events] == [
        ("register", "office", None),
        ("assign", "office", "assigned"),
        ("claim", "market", "verifying"),
        ("judge", "market", "judged"),
        ("close", "office", "closed"),
    ]
    audited = db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "lead", AuditEvent.object_id == str(lead.id))
        .order_by(AuditEvent.id)  # PostgreSQL returns rows in no particular order without one
    ).all()
    assert audited == ["lead.register", "lead.assign", "lead.claim", "lead.judge", "lead.close"]


def test_only_the_unit_holding_the_lead_works_on_it(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    lead = make_lead(db, county, cipher)
    handling.assign(
        db,
        actor=actor_of(county.users["office"]),
        lead_id=lead.id,
        data=AssignIn(jurisdiction_id=county.west.id),
        workdays_allowed=10,
    )
    with pytest.raises(FangfeiError) as caught:
        handling.claim(db, actor=actor_of(county.users["market"]), lead_id=lead.id)
    assert caught.value.status == 403
    with pytest.raises(FangfeiError) as caught:
        handling.claim(db, actor=actor_of(county.users["east"]), lead_id=lead.id)
    assert caught.value.status == 403
    assert (
        handling.claim(db, actor=actor_of(county.users["west"]), lead_id=lead.id).status
        == "verifying"
    )


def test_a_returned_lead_goes_back_to_the_office_without_assignee(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    lead = _assign_to_market(db, county, make_lead(db, county, cipher))
    market = actor_of(county.users["market"])
    with pytest.raises(FangfeiError) as caught:
        handling.return_lead(db, actor=market, lead_id=lead.id, reason="  ")
    assert caught.value.message == "退回须说明理由。"
    handling.return_lead(
        db, actor=market, lead_id=lead.id, reason="不属于本单位职责，应由公安局办理"
    )
    assert (lead.status, lead.assignee_department_id, lead.due_on) == ("registered", None, None)


def test_a_step_the_table_does_not_allow_is_refused_with_its_reason(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    lead = make_lead(db, county, cipher)
    with pytest.raises(FangfeiError) as caught:
        handling.judge(
            db, actor=actor_of(county.users["office"]), lead_id=lead.id, data=ADMINISTRATIVE
        )
    assert caught.value.status == 409
    assert (
        caught.value.message
        == "线索当前为“已登记”，不能“研判”；此状态下可以：交办、合并至其他线索。"
    )
    assert lead.status == "registered"


def test_a_judgement_must_be_complete(db: Session, county: County, cipher: FieldCipher) -> None:
    lead = _assign_to_market(db, county, make_lead(db, county, cipher))
    market = actor_of(county.users["market"])
    handling.claim(db, actor=market, lead_id=lead.id)
    incomplete = JudgeIn(findings="未发现问题", verified_true=False, is_illegal_fundraising=False)
    illegal_without_path = JudgeIn(
        findings="吸收资金", verified_true=True, is_illegal_fundraising=True
    )
    unknown = ADMINISTRATIVE.model_copy(update={"regulator": "moon", "disposal_path": "magic"})
    expected = [
        (incomplete, [("no_risk_reason", "认定无风险时须写明理由")]),
        (illegal_without_path, [("disposal_path", "认定属于非法集资时须选择处置路径（行政/刑事）")]),
        (unknown, [("regulator", "“moon”不是有效的金融管理部门类别"),
                   ("disposal_path", "“magic”不是有效的处置路径")]),
    ]  # fmt: skip
    for data, problems in expected:
        with pytest.raises(FangfeiError) as caught:
            handling.judge(db, actor=market, lead_id=lead.id, data=data)
        assert [(p.field, p.reason) for p in caught.value.problems] == problems
    assert lead.status == "verifying"
    no_risk = incomplete.model_copy(update={"no_risk_reason": "正规超市会员储值，已备案"})
    assert handling.judge(db, actor=market, lead_id=lead.id, data=no_risk).status == "judged"
    with pytest.raises(FangfeiError) as caught:
        handling.transfer(db, actor=actor_of(county.users["office"]), lead_id=lead.id, case_id=1)
    assert caught.value.message == "只有确定了处置路径的线索才能转为案件。"


def test_a_judged_lead_with_a_path_is_transferred_to_a_case(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    lead = _assign_to_market(db, county, make_lead(db, county, cipher))
    market = actor_of(county.users["market"])
    handling.claim(db, actor=market, lead_id=lead.id)
    handling.judge(db, actor=market, lead_id=lead.id, data=ADMINISTRATIVE)
    with pytest.raises(FangfeiError) as caught:
        cases.open_from_leads(db, actor=market, data=CaseOpen(lead_ids=[lead.id]))
    assert caught.value.status == 403
    office = actor_of(county.users["office"])
    case = cases.open_from_leads(db, actor=office, data=CaseOpen(lead_ids=[lead.id]))
    assert (lead.status, lead.case_id) == ("transferred", case.id)


def test_deadline_counts_show_what_waits_for_each_unit(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    from datetime import timedelta

    from fangfei.leads import service

    office = actor_of(county.users["office"])
    late = _assign_to_market(db, county, make_lead(db, county, cipher))
    soon = _assign_to_market(db, county, make_lead(db, county, cipher, subject_name="乙"))
    make_lead(db, county, cipher, subject_name="丙")
    today = date(2026, 12, 1)
    late.due_on, soon.due_on = today - timedelta(days=1), today + timedelta(days=3)
    db.flush()
    assert service.deadline_counts(db, actor=office, today=today) == {
        "overdue": 1, "due_soon": 1, "unassigned": 1,
    }  # fmt: skip
    market = actor_of(county.users["market"])
    assert service.deadline_counts(db, actor=market, today=today) == {
        "overdue": 1, "due_soon": 1, "unassigned": 0,
    }  # fmt: skip


def test_the_administrator_changes_where_a_domain_is_routed(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    admin = actor_of(county.users["admin"])
    other = next(i for i in reference.items(db, "industry_domain") if i.code == "d6_other")
    with pytest.raises(FangfeiError) as caught:
        reference.update_item(db, actor=admin, item_id=other.id, name=other.name, active=True,
                              extra_json="[1]")  # fmt: skip
    assert caught.value.problems[0].reason == '须为 JSON 对象，如 {"department": "finance"}'
    reference.update_item(db, actor=admin, item_id=other.id, name=other.name, active=True,
                          extra_json='{"department": "finance"}')  # fmt: skip
    lead = make_lead(db, county, cipher, domain="d6_other")
    assert handling.propose_route(db, lead=lead).reason == "按“其他”的分工由县财政局牵头"
