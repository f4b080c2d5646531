"""Distribution rounds on a case: pool, drafting, maker-checker approval, adjustments, figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.audit.models import AuditEvent
from fangfei.auth.roles import Actor
from fangfei.cases.models import Case
from fangfei.errors import FangfeiError
from fangfei.refunds import figures, pool, register, rounds
from fangfei.refunds.allocation import fen_to_yuan
from fangfei.refunds.models import Participant
from fangfei.refunds.pool import ReceiptIn, RegisterSettings
from fangfei.refunds.rounds import AdjustmentLine
from fangfei.security.crypto import FieldCipher
from tests.county import County
from tests.leads.helpers import actor_of
from tests.refunds.helpers import imported, refund_case, second_officer

# Verified claims of the scheme: 张三 30,000.00, 李四 28,499.50, 赵六 40,000.00 (王五 is owed 0,
# 钱七 is an organiser): 98,499.50 yuan in all.
ROUND_ONE = {1: 913_710, 2: 868_010, 4: 1_218_280}  # 30,000.00 yuan pro rata, exact to the fen


def _receipt(db: Session, office: Actor, case: Case, yuan: str) -> None:
    data = ReceiptIn(received_on=date(2025, 6, 1), source="auction", amount_yuan=yuan,
                     document_no="（2025）拍字第 8 号")  # fmt: skip
    pool.add_receipt(db, actor=office, case_id=case.id, data=data)


@pytest.fixture
def ready(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> tuple[Case, Actor, Actor]:
    """A case whose register is imported and verified, with 50,000 yuan in its pool."""
    case = refund_case(db, county, cipher)
    imported(db, county, cipher, case, tmp_path)
    office = actor_of(county.users["office"])
    register.change_status(db, actor=office, case_id=case.id, action="verify", numbers=None)
    _receipt(db, office, case, "50000")
    return case, office, second_officer(db, county)


def _paid(db: Session, case: Case) -> dict[int, tuple[int, str]]:
    stmt = select(Participant).where(Participant.case_id == case.id).order_by(Participant.number)
    return {p.number: (p.paid_fen, p.status) for p in db.scalars(stmt)}


def test_a_round_is_drafted_pro_rata_and_paid_only_when_a_second_person_approves(
    db: Session, ready: tuple[Case, Actor, Actor]
) -> None:
    case, office, checker = ready
    draft = rounds.draft(db, actor=office, case_id=case.id, amount_yuan="30,000")
    assert (draft.number, draft.status, draft.total_fen, draft.payees) == (1, "draft", 3_000_000, 3)
    assert draft.claims_fen == 9_849_950
    payments = {p.number: pay.amount_fen for p, pay in rounds.payments_of(db, draft.id) if p}
    assert payments == ROUND_ONE
    assert _paid(db, case)[1] == (0, "verified")  # nothing is paid while it is a draft
    with pytest.raises(FangfeiError, match="审批人不能是本轮的起草人（office）"):
        rounds.approve(db, actor=office, round_id=draft.id)
    approved = rounds.approve(db, actor=checker, round_id=draft.id, note="经主任办公会同意")
    assert (approved.status, approved.decided_by_name) == ("approved", "office2")
    assert _paid(db, case) == {
        1: (913_710, "paid"),
        2: (868_010, "paid"),
        3: (0, "verified"),
        4: (1_218_280, "paid"),
        5: (0, "verified"),
    }
    assert case.refunded_yuan == Decimal("30000.00")
    assert case.unpaid_amount_yuan == Decimal("68499.50") and case.unpaid_people == 3
    with pytest.raises(FangfeiError, match="第 1 轮已审批，不能再审批"):
        rounds.approve(db, actor=checker, round_id=draft.id)
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "refund.round_approve")).one()
    assert event.detail["total_fen"] == 3_000_000
    assert event.detail["inputs_sha256"] == draft.inputs_sha256
    assert event.detail["case_figures"]["refunded_yuan"] == "30000.00"


def test_later_rounds_share_what_is_still_owed_and_never_pay_beyond_a_claim(
    db: Session, ready: tuple[Case, Actor, Actor]
) -> None:
    case, office, checker = ready
    first = rounds.draft(db, actor=office, case_id=case.id, amount_yuan="30000")
    rounds.approve(db, actor=checker, round_id=first.id)
    _receipt(db, office, case, "100000")
    # 120,000 yuan left in the pool but only 68,499.50 still owed: the round pays exactly that.
    second = rounds.draft(db, actor=office, case_id=case.id, amount_yuan="120000")
    assert (second.requested_fen, second.total_fen) == (12_000_000, 6_849_950)
    rounds.approve(db, actor=checker, round_id=second.id)
    assert {n: paid for n, (paid, _) in _paid(db, case).items()} == {
        1: 3_000_000,
        2: 2_849_950,
        3: 0,
        4: 4_000_000,
        5: 0,
    }
    found = figures.of_case(db, case)
    assert (found.owed_fen, found.owed_people, found.coverage) == (0, 0, Decimal("1.0000"))
    assert found.balance_fen == 15_000_000 - 9_849_950
    assert found.refund_rate == Decimal("0.0985")  # 98,499.50 of the 1,000,000 yuan involved
    with pytest.raises(FangfeiError, match="没有可兑付的债权"):
        rounds.draft(db, actor=office, case_id=case.id, amount_yuan="100")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "本轮金额必须大于 0"),
        ("50000.01", "本轮金额 50,000.01 元超过专户可分配余额 50,000.00 元"),
        ("-5", "不能为负数"),
        ("12.345", "最多两位小数"),
    ],
)
def test_a_round_beyond_the_pool_or_without_an_amount_is_refused(
    db: Session, ready: tuple[Case, Actor, Actor], amount: str, message: str
) -> None:
    case, office, _ = ready
    with pytest.raises(FangfeiError, match=message):
        rounds.draft(db, actor=office, case_id=case.id, amount_yuan=amount)


def test_an_empty_pool_and_an_unverified_register_are_refused(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    case = refund_case(db, county, cipher)
    imported(db, county, cipher, case, tmp_path)
    office = actor_of(county.users["office"])
    with pytest.raises(FangfeiError, match="涉案资金专户尚无到账记录"):
        rounds.draft(db, actor=office, case_id=case.id, amount_yuan="100")
    _receipt(db, office, case, "100")
    with pytest.raises(FangfeiError, match="没有可兑付的债权：请先核实参与人的债权"):
        rounds.draft(db, actor=office, case_id=case.id, amount_yuan="100")


def test_a_draft_computed_from_changed_claims_cannot_be_approved(
    db: Session, ready: tuple[Case, Actor, Actor]
) -> None:
    case, office, checker = ready
    draft = rounds.draft(db, actor=office, case_id=case.id, amount_yuan="30000")
    with pytest.raises(FangfeiError, match="第 1 轮仍待审批"):
        rounds.draft(db, actor=office, case_id=case.id, amount_yuan="100")
    register.change_status(db, actor=office, case_id=case.id, action="withhold", numbers=[4],
                           reason="涉嫌参与组织活动，待查")  # fmt: skip
    with pytest.raises(FangfeiError, match="参与人的债权、状态或已兑付金额有变化"):
        rounds.approve(db, actor=checker, round_id=draft.id)
    rounds.discard(db, actor=office, round_id=draft.id, reason="参与人状态有变化")
    again = rounds.draft(db, actor=office, case_id=case.id, amount_yuan="30000")
    assert again.number == 2
    assert {p.number for p, _ in rounds.payments_of(db, again.id) if p} == {1, 2}
    assert draft.status == "discarded"


def test_an_adjusting_round_takes_back_a_bounced_payment_within_the_limits(
    db: Session, ready: tuple[Case, Actor, Actor]
) -> None:
    case, office, checker = ready
    first = rounds.draft(db, actor=office, case_id=case.id, amount_yuan="30000")
    rounds.approve(db, actor=checker, round_id=first.id)
    with pytest.raises(FangfeiError) as caught:
        rounds.draft_adjustment(db, actor=office, case_id=case.id, lines=[
            AdjustmentLine(number=4, amount_yuan="-20000", reason="退票"),
            AdjustmentLine(number=5, amount_yuan="100", reason="补付"),
            AdjustmentLine(number=1, amount_yuan="20870.91", reason="补付"),
            AdjustmentLine(number=8, amount_yuan="1", reason="补付"),
        ])  # fmt: skip
    assert [(p.row, p.reason) for p in caught.value.problems] == [
        (1, "第 4 号参与人累计只兑付了 12182.80 元"),
        (2, "第 5 号参与人最多还可补付 0.00 元（须为已核实的参与群众，且累计不超过债权）"),
        (3, "第 1 号参与人最多还可补付 20862.90 元（须为已核实的参与群众，且累计不超过债权）"),
        (4, "第 8 号参与人不在本案登记册中"),
    ]
    bounce = rounds.draft_adjustment(db, actor=office, case_id=case.id, lines=[
        AdjustmentLine(number=4, amount_yuan="-12182.80", reason="收款账户已销户，资金退回专户"),
    ])  # fmt: skip
    assert (bounce.kind, bounce.total_fen) == ("adjusting", -1_218_280)
    rounds.approve(db, actor=checker, round_id=bounce.id)
    assert _paid(db, case)[4] == (0, "verified")
    assert pool.balance_fen(db, case.id) == 5_000_000 - 3_000_000 + 1_218_280
    assert case.refunded_yuan == Decimal("17817.20")


def test_a_held_back_share_takes_part_in_rounds_for_those_not_yet_registered(
    db: Session, ready: tuple[Case, Actor, Actor]
) -> None:
    case, office, checker = ready
    with pytest.raises(FangfeiError, match="提存须写明依据"):
        pool.update_register(db, actor=office, case_id=case.id,
                             data=RegisterSettings(held_back_claim_yuan="10000"))  # fmt: skip
    settings = RegisterSettings(pool_bank="县农商银行", pool_account="62300000001",
                                held_back_claim_yuan="10000", held_back_reason="处置方案第五条")  # fmt: skip
    pool.update_register(db, actor=office, case_id=case.id, data=settings)
    draft = rounds.draft(db, actor=office, case_id=case.id, amount_yuan="30000")
    paid = {
        p.number if p else "提存": pay.amount_fen for p, pay in rounds.payments_of(db, draft.id)
    }
    assert paid == {1: 829_497, 2: 788_008, 4: 1_105_996, "提存": 276_499}
    rounds.approve(db, actor=checker, round_id=draft.id)
    found = figures.of_case(db, case)
    assert (found.paid_fen, found.held_back_fen) == (3_000_000 - 276_499, 276_499)
    with pytest.raises(FangfeiError, match="提存债权不能少于此数"):
        pool.update_register(db, actor=office, case_id=case.id,
                             data=RegisterSettings(held_back_claim_yuan="1000", held_back_reason="改"))  # fmt: skip


def test_a_receipt_already_paid_out_cannot_be_voided(
    db: Session, ready: tuple[Case, Actor, Actor]
) -> None:
    case, office, checker = ready
    draft = rounds.draft(db, actor=office, case_id=case.id, amount_yuan="30000")
    rounds.approve(db, actor=checker, round_id=draft.id)
    receipt = pool.receipts(db, case.id)[0]
    with pytest.raises(
        FangfeiError, match=r"作废后专户到账合计 0\.00 元，少于已审批清退的 30,000\.00 元"
    ):
        pool.void_receipt(
            db, actor=office, case_id=case.id, receipt_id=receipt.id, reason="重复登记"
        )
    _receipt(db, office, case, "100")
    extra = pool.receipts(db, case.id)[1]
    pool.void_receipt(db, actor=office, case_id=case.id, receipt_id=extra.id, reason="重复登记")
    assert pool.balance_fen(db, case.id) == 2_000_000


def test_the_refund_work_belongs_to_the_lead_office_of_the_case(
    db: Session, county: County, ready: tuple[Case, Actor, Actor]
) -> None:
    case, _, _ = ready
    for name in ("market", "east", "bank", "leader"):
        with pytest.raises(FangfeiError) as caught:
            rounds.draft(db, actor=actor_of(county.users[name]), case_id=case.id, amount_yuan="1")
        assert caught.value.code == "forbidden"
    assert register.participant(db, actor=actor_of(county.users["leader"]), case_id=case.id,
                                number=1).name == "张三"  # fmt: skip


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(amounts=st.lists(st.integers(min_value=1, max_value=6_000_000), min_size=1, max_size=4))
def test_any_sequence_of_approved_rounds_pays_exactly_and_never_beyond_a_claim(
    db: Session, ready: tuple[Case, Actor, Actor], amounts: list[int]
) -> None:
    case, office, checker = ready
    example = db.begin_nested()
    try:
        _receipt(db, office, case, "200000")
        paid_total = 0
        for fen in amounts:
            before = rounds.remaining_claims(db, case.id).owed
            if not before:
                break
            draft = rounds.draft(db, actor=office, case_id=case.id, amount_yuan=fen_to_yuan(fen))
            assert draft.total_fen == min(fen, sum(before.values()))
            assert rounds.remaining_claims(db, case.id).owed == before  # a draft pays nothing
            rounds.approve(db, actor=checker, round_id=draft.id)
            paid_total += draft.total_fen
        people = db.scalars(select(Participant).where(Participant.case_id == case.id)).all()
        assert all(0 <= p.paid_fen <= p.claim_fen for p in people)
        assert sum(p.paid_fen for p in people) == paid_total
        assert pool.balance_fen(db, case.id) == 25_000_000 - paid_total
    finally:
        example.rollback()
