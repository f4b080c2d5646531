"""Reward validity, the band table, maker-checker approval and payment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.audit.models import AuditEvent
from fangfei.errors import FangfeiError
from fangfei.leads import handling, intake, rewards
from fangfei.leads.models import Lead
from fangfei.leads.schemas import AssignIn, DuplicateDecisionIn, JudgeIn
from fangfei.reference import service as reference
from fangfei.security.crypto import FieldCipher
from tests.county import County
from tests.leads.helpers import INFORMANT, actor_of, make_lead

TRUE = JudgeIn(findings="属实。", verified_true=True, is_illegal_fundraising=True,
               disposal_path="administrative")  # fmt: skip
CONFIRMED = frozenset({"definite_target", "specific_facts", "not_public"})


def _verified(db: Session, county: County, lead: Lead, judgement: JudgeIn = TRUE) -> Lead:
    office = actor_of(county.users["office"])
    market = reference.department_by_code(db, "market_regulation")
    handling.assign(db, actor=office, lead_id=lead.id, data=AssignIn(department_id=market.id),
                    workdays_allowed=15)  # fmt: skip
    handling.claim(db, actor=office, lead_id=lead.id)
    return handling.judge(db, actor=office, lead_id=lead.id, data=judgement)


def test_the_conditions_are_evaluated_from_the_records(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    lead = _verified(db, county, make_lead(db, county, cipher, informant=INFORMANT))
    assert [(c.code, c.met, c.reason) for c in rewards.evaluate(db, lead=lead)] == [
        ("real_name", True, "留有姓名及身份证号码或电话"),
        ("definite_target", None, "仅有主体名称，须经办人确认"),
        ("specific_facts", None, "线索内容较为简略，未附证据材料；须经办人确认"),
        ("not_repeat", True, "未发现此前的同一事项线索"),
        ("not_public", None, "须经办人确认"),
        ("not_handled", True, "未发现此前处置记录"),
    ]


def test_a_repeat_of_an_already_handled_matter_earns_nothing(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    first = _verified(db, county, make_lead(db, county, cipher, discovered_on=date(2026, 3, 1)))
    later = make_lead(db, county, cipher, informant=INFORMANT)
    intake.decide_duplicate(db, actor=actor_of(county.users["office"]), lead_id=later.id,
                            data=DuplicateDecisionIn(other_lead_id=first.id, decision="linked"))  # fmt: skip
    _verified(db, county, later)
    with pytest.raises(FangfeiError) as caught:
        rewards.propose(
            db, actor=actor_of(county.users["office"]), lead_id=later.id, confirmed=CONFIRMED
        )
    assert [p.reason for p in caught.value.problems] == [
        f"非重复举报：与此前线索 {first.number} 为同一事项",
        f"举报前未被行政处理或刑事立案：同一主体此前已由线索 {first.number} 研判处置",
    ]


def test_anonymous_or_unverified_reports_are_refused(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    office = actor_of(county.users["office"])
    unverified = make_lead(db, county, cipher, informant=INFORMANT)
    with pytest.raises(FangfeiError) as caught:
        rewards.propose(db, actor=office, lead_id=unverified.id, confirmed=CONFIRMED)
    assert caught.value.message == "线索经核查属实后才能提出奖励。"
    anonymous = _verified(db, county, make_lead(db, county, cipher, subject_name="另一家"))
    with pytest.raises(FangfeiError) as caught:
        rewards.propose(db, actor=office, lead_id=anonymous.id, confirmed=frozenset())
    assert [p.field for p in caught.value.problems] == [
        "real_name", "definite_target", "specific_facts", "not_public",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("amount", "band", "reward"),
    [
        (None, "涉及金额 100 万元以下", "2000"),
        ("999999.99", "涉及金额 100 万元以下", "2000"),
        ("1000000", "涉及金额 100 万元至 1000 万元", "10000"),
        ("100000000", "涉及金额 1 亿元以上", "100000"),
    ],
)
def test_the_band_table_gives_the_amount(
    db: Session, county: County, amount: str | None, band: str, reward: str
) -> None:
    value = Decimal(amount) if amount else None
    assert rewards.band_for(db, value) == (band, Decimal(reward))


def test_a_reward_is_proposed_approved_by_another_person_and_paid(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    from fangfei.auth import service as auth
    from fangfei.auth.roles import Role

    second = auth.create_user(db, actor=actor_of(county.users["admin"]), username="office2",
                              display_name="复核人", password="password123", role=Role.LEAD_OFFICE,
                              jurisdiction_id=county.county.id)  # fmt: skip
    lead = _verified(db, county, make_lead(db, county, cipher, informant=INFORMANT))
    office = actor_of(county.users["office"])
    reward = rewards.propose(db, actor=office, lead_id=lead.id, confirmed=CONFIRMED)
    assert (reward.amount_yuan, reward.status) == (Decimal("10000"), "proposed")
    with pytest.raises(FangfeiError) as caught:
        rewards.approve(db, actor=office, lead_id=lead.id)
    assert caught.value.message == "奖励须由提出人以外的另一人审批。"
    with pytest.raises(FangfeiError):
        rewards.pay(db, actor=office, lead_id=lead.id, paid_on=date(2026, 11, 1), reference_no="X")
    rewards.approve(db, actor=actor_of(second), lead_id=lead.id)
    rewards.pay(
        db, actor=office, lead_id=lead.id, paid_on=date(2026, 11, 20), reference_no="付 2026-118"
    )
    assert (reward.status, reward.approved_by, reward.payment_reference) == (
        "paid",
        "office2",
        "付 2026-118",
    )
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("reward.%")).order_by(AuditEvent.id)
    ).all()
    assert actions == ["reward.propose", "reward.approve", "reward.pay"]
    with pytest.raises(FangfeiError) as caught:
        rewards.propose(db, actor=office, lead_id=lead.id, confirmed=CONFIRMED)
    assert caught.value.message == "该线索已有奖励记录。"


def test_departments_cannot_propose_rewards(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    lead = _verified(db, county, make_lead(db, county, cipher, informant=INFORMANT))
    with pytest.raises(FangfeiError) as caught:
        rewards.propose(db, actor=actor_of(county.users["market"]), lead_id=lead.id)
    assert caught.value.status == 403
