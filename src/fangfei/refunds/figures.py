"""The refund figures of a case — what the official tables and the leaders ask for.

资金清退率 = refunded to participants ÷ 涉及金额 (the case's amount involved), as REFERENCE.md
states it; 未兑付金额 and 未兑付人数 count every participant of a refunded role who is still owed,
whatever their status (a disputed claim is still unpaid). Money held back (提存) is set aside for
participants who have not registered and is not counted as refunded until it is paid to them.
Once a case has a register, its 资金清退金额, 未兑付金额 and 未兑付人数 come from here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangfei.cases.models import Case
from fangfei.refunds import pool
from fangfei.refunds.models import Participant, RefundPayment, RefundRound
from fangfei.refunds.register import refundable_roles

RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class RefundFigures:
    """A case's pool, payments and claims, in fen, with the rates as fractions."""

    received_fen: int
    paid_fen: int  # to participants, by approved rounds
    held_back_fen: int  # 提存 set aside by approved rounds
    balance_fen: int
    participants: int
    excluded: int  # of a role that is not refunded
    claims_fen: int  # claims of the refunded roles
    owed_fen: int  # 未兑付金额
    owed_people: int  # 未兑付人数
    rounds_approved: int
    amount_involved_fen: int | None
    refund_rate: Decimal | None  # 资金清退率, 4 places; None without an amount involved
    coverage: Decimal | None  # paid ÷ claims, 4 places


def _ratio(part: int, whole: int | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, ROUND_HALF_UP)


def of_case(db: Session, case: Case) -> RefundFigures:
    """The refund figures of a case as the register stands."""
    claim = when(
        (
            Participant.contributed_fen > Participant.returned_fen,
            Participant.contributed_fen - Participant.returned_fen,
        ),
        else_=0,
    )
    owed = claim - Participant.paid_fen
    refunded = Participant.role.in_(refundable_roles(db))
    row = db.execute(
        select(
            func.count(),
            func.count().filter(~refunded),
            func.coalesce(func.sum(claim).filter(refunded), 0),
            func.coalesce(func.sum(owed).filter(refunded & (owed > 0)), 0),
            func.count().filter(refunded & (owed > 0)),
        ).where(Participant.case_id == case.id)
    ).one()
    people, excluded, claims, owed_fen, owed_people = (int(v or 0) for v in row)
    paid = pool.paid_out_fen(db, case.id, held_back=False)
    approved = db.scalar(
        select(func.count()).where(RefundRound.case_id == case.id, RefundRound.status == "approved")
    )
    involved = int(case.amount_yuan * 100) if case.amount_yuan is not None else None
    return RefundFigures(
        received_fen=pool.received_fen(db, case.id), paid_fen=paid,
        held_back_fen=pool.paid_out_fen(db, case.id, held_back=True),
        balance_fen=pool.balance_fen(db, case.id), participants=people, excluded=excluded,
        claims_fen=claims, owed_fen=owed_fen, owed_people=owed_people,
        rounds_approved=int(approved or 0), amount_involved_fen=involved,
        refund_rate=_ratio(paid, involved), coverage=_ratio(paid, claims),
    )  # fmt: skip


def sync_case(db: Session, case: Case) -> dict[str, object]:
    """Write the register's figures into the case (the caller audits); returns what was written."""
    found = of_case(db, case)
    case.refunded_yuan = Decimal(found.paid_fen).scaleb(-2)
    case.unpaid_amount_yuan = Decimal(found.owed_fen).scaleb(-2)
    case.unpaid_people = found.owed_people
    return {
        "refunded_yuan": case.refunded_yuan,
        "unpaid_amount_yuan": case.unpaid_amount_yuan,
        "unpaid_people": case.unpaid_people,
    }


def as_dict(found: RefundFigures) -> dict[str, object]:
    """The figures for the API: fen as integers, rates as strings."""
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in asdict(found).items()}


def coverage_by_round(db: Session, case_id: int, claims_fen: int) -> list[dict[str, str]]:
    """Each approved round's payments to participants and the coverage of claims after it."""
    paid = func.coalesce(
        func.sum(RefundPayment.amount_fen).filter(RefundPayment.participant_id.is_not(None)), 0
    )
    stmt = (
        select(RefundRound.number, paid)
        .outerjoin(RefundPayment, RefundPayment.round_id == RefundRound.id)
        .where(RefundRound.case_id == case_id, RefundRound.status == "approved")
        .group_by(RefundRound.number)
        .order_by(RefundRound.number)
    )
    series, total = [], 0
    for number, fen in db.execute(stmt):
        total += int(fen)
        share = _ratio(total, claims_fen)
        series.append({
            "round": f"第 {number} 轮", "paid_yuan": str(Decimal(int(fen)).scaleb(-2)),
            "coverage_pct": str((share or Decimal(0)) * 100),
        })  # fmt: skip
    return series
