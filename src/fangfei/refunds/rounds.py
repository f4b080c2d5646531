"""清退批次 — distribution rounds: drafted by one person, approved by another, then immutable.

A pro-rata round shares an amount of the pool over what each payable participant is still owed
(and the held-back share, 提存, when the case decided one) by :func:`allocation.allocate`: exact
to the fen, nobody beyond their claim. An adjusting round pays or takes back given amounts from
given participants (a bounced payment, a participant found to be an organiser). Approval
recomputes the round from the register as it is then: if anything it was computed from has
changed since drafting, approval is refused and the round must be drafted again, so an approved
round is always the allocation of the figures its audit row names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, Field
from sqlalchemy import case as when
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth.roles import Actor
from fangfei.cases.models import Case
from fangfei.db import utcnow
from fangfei.errors import FieldProblem, conflict, invalid, not_found
from fangfei.refunds import figures, pool
from fangfei.refunds.allocation import allocate, fen_to_yuan, yuan_to_fen
from fangfei.refunds.models import Participant, RefundPayment, RefundRound
from fangfei.refunds.register import PAYABLE_STATUSES, case_for, refundable_roles, settings_of

KIND_LABELS = {"pro_rata": "按比例清退", "adjusting": "调整批次"}
STATUS_LABELS = {"draft": "待审批", "approved": "已审批", "discarded": "已放弃"}
# The allocation key of the held-back share; participants are keyed by their zero-padded 登记号,
# so equal remainders give the odd fen in registration order, and 提存 after every participant.
HELD_BACK = "提存"
_PAYMENTS = RefundPayment.metadata.tables[RefundPayment.__tablename__]
_INSERT_CHUNK = 10_000


class AdjustmentLine(BaseModel):
    """One correction: the participant (None for the held-back share), a signed amount, why."""

    number: int | None = Field(default=None, description="登记号；不填表示提存份额")
    amount_yuan: str = Field(description="元，正数为补付，负数为收回")
    reason: str = Field(min_length=1, max_length=300)


@dataclass
class _Claims:
    """What is still owed, by allocation key, and the participant behind each key."""

    owed: dict[str, int]
    ids: dict[str, int | None]


def key_of(number: int) -> str:
    """The allocation key of a participant: their 登记号, zero-padded to sort in number order."""
    return f"{number:09d}"


def _digest(values: Mapping[str, object]) -> str:
    text = "\n".join(f"{key}:{values[key]}" for key in sorted(values))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def remaining_claims(db: Session, case_id: int) -> _Claims:
    """What each payable participant, and the held-back share, is still owed."""
    stmt = select(
        Participant.id, Participant.number, Participant.contributed_fen,
        Participant.returned_fen, Participant.paid_fen,
    ).where(
        Participant.case_id == case_id, Participant.status.in_(PAYABLE_STATUSES),
        Participant.id_status == "valid", Participant.role.in_(refundable_roles(db)),
    )  # fmt: skip
    claims = _Claims({}, {})
    for pid, number, contributed, returned, paid in db.execute(stmt):
        owed = max(0, contributed - returned) - paid
        if owed > 0:
            claims.owed[key_of(number)], claims.ids[key_of(number)] = owed, pid
    settings = settings_of(db, case_id)
    held_claim = settings.held_back_claim_fen if settings else 0
    held = held_claim - pool.paid_out_fen(db, case_id, held_back=True)
    if held > 0:
        claims.owed[HELD_BACK], claims.ids[HELD_BACK] = held, None
    return claims


def rounds_of(db: Session, case_id: int) -> list[RefundRound]:
    """The case's rounds, newest first."""
    stmt = (
        select(RefundRound)
        .where(RefundRound.case_id == case_id)
        .order_by(RefundRound.number.desc())
    )
    return list(db.scalars(stmt))


def get(db: Session, *, actor: Actor, round_id: int, action: str = "refund.view") -> RefundRound:
    """One round, if the actor may take ``action`` on its case."""
    found = db.get(RefundRound, round_id)
    if found is None:
        raise not_found("清退批次", round_id)
    case_for(db, actor=actor, case_id=found.case_id, action=action)
    return found


def _next_number(db: Session, case_id: int) -> int:
    stmt = select(RefundRound).where(RefundRound.case_id == case_id, RefundRound.status == "draft")
    if (open_draft := db.scalar(stmt)) is not None:
        raise conflict(f"第 {open_draft.number} 轮仍待审批：请先审批或放弃它，再起草新的批次。")
    last = db.scalar(select(func.max(RefundRound.number)).where(RefundRound.case_id == case_id))
    return (last or 0) + 1


def _check_pool(db: Session, case_id: int, amount: int) -> None:
    if pool.received_fen(db, case_id) == 0:
        raise invalid("涉案资金专户尚无到账记录：请先登记到账资金，再起草清退批次。")
    balance = pool.balance_fen(db, case_id)
    if amount > balance:
        raise invalid(
            f"本轮金额 {fen_to_yuan(amount, grouped=True)} 元超过专户可分配余额 "
            f"{fen_to_yuan(balance, grouped=True)} 元。",
            [FieldProblem("amount_yuan", f"最多 {fen_to_yuan(balance)} 元")],
        )


# --- drafting ---------------------------------------------------------------------------------


def draft(
    db: Session, *, actor: Actor, case_id: int, amount_yuan: str, note: str | None = None
) -> RefundRound:
    """Draft a pro-rata round of ``amount_yuan`` over what is still owed."""
    case = case_for(db, actor=actor, case_id=case_id, action="refund.draft")
    amount = yuan_to_fen(amount_yuan, field="amount_yuan")
    if amount == 0:
        raise invalid("本轮金额必须大于 0。", [FieldProblem("amount_yuan", "必须大于 0")])
    number = _next_number(db, case.id)
    _check_pool(db, case.id, amount)
    claims = remaining_claims(db, case.id)
    if not claims.owed:
        raise invalid(
            "没有可兑付的债权：请先核实参与人的债权（只有已核实、尚未足额兑付的参与群众参与分配）。"
        )
    shares = {key: fen for key, fen in allocate(claims.owed, amount).items() if fen}
    payments = [(claims.ids[key], fen, None) for key, fen in shares.items()]
    return _save(
        db, actor, case, number, "pro_rata", amount, payments, note,
        claims_fen=sum(claims.owed.values()), inputs=_digest(claims.owed), result=_digest(shares),
    )  # fmt: skip


def draft_adjustment(
    db: Session,
    *,
    actor: Actor,
    case_id: int,
    lines: Sequence[AdjustmentLine],
    note: str | None = None,
) -> RefundRound:
    """Draft an adjusting round: given amounts paid to or taken back from given participants."""
    case = case_for(db, actor=actor, case_id=case_id, action="refund.draft")
    if not lines:
        raise invalid("调整批次至少要有一行。", [FieldProblem("lines", "不能为空")])
    number = _next_number(db, case.id)
    amounts, problems = _adjustments(db, case.id, lines)
    if problems:
        raise invalid("调整批次有误，未起草。", problems)
    net = sum(fen for _, fen, _ in amounts.values())
    if net > 0:
        _check_pool(db, case.id, net)
    payments = list(amounts.values())
    inputs = _adjustment_inputs(db, case.id, list(amounts))
    result = {key: fen for key, (_, fen, _) in amounts.items()}
    owed = remaining_claims(db, case.id).owed
    return _save(
        db, actor, case, number, "adjusting", net, payments, note,
        claims_fen=sum(owed.get(key, 0) for key in amounts), inputs=_digest(inputs),
        result=_digest(result),
    )  # fmt: skip


def _signed_fen(text: str, row: int) -> int:
    value = text.strip()
    negative = value.startswith("-") or value.startswith("−")
    fen = yuan_to_fen(value.lstrip("-−").strip(), field=f"第 {row} 行金额")
    return -fen if negative else fen


def _adjustments(
    db: Session, case_id: int, lines: Sequence[AdjustmentLine]
) -> tuple[dict[str, tuple[int | None, int, str]], list[FieldProblem]]:
    claims = remaining_claims(db, case_id)
    people = {
        p.number: p
        for p in db.scalars(
            select(Participant).where(
                Participant.case_id == case_id,
                Participant.number.in_([line.number for line in lines if line.number is not None]),
            )
        )
    }
    held_paid = pool.paid_out_fen(db, case_id, held_back=True)
    found: dict[str, tuple[int | None, int, str]] = {}
    problems: list[FieldProblem] = []
    for row, line in enumerate(lines, start=1):
        fen = _signed_fen(line.amount_yuan, row)
        key = HELD_BACK if line.number is None else key_of(line.number)
        who = HELD_BACK if line.number is None else f"第 {line.number} 号参与人"
        if key in found:
            problems.append(FieldProblem("number", f"{who}在调整批次中出现了两次", row))
            continue
        if fen == 0:
            problems.append(FieldProblem("amount_yuan", "调整金额不能为 0", row))
            continue
        if line.number is None:
            paid, ceiling = held_paid, held_paid + claims.owed.get(HELD_BACK, 0)
            pid = None
        elif (person := people.get(line.number)) is None:
            problems.append(FieldProblem("number", f"{who}不在本案登记册中", row))
            continue
        else:
            paid, pid = person.paid_fen, person.id
            ceiling = paid + claims.owed.get(key, 0) if fen > 0 else paid
        if fen > 0 and paid + fen > ceiling:
            problems.append(FieldProblem(
                "amount_yuan", f"{who}最多还可补付 {fen_to_yuan(ceiling - paid)} 元"
                "（须为已核实的参与群众，且累计不超过债权）", row,
            ))  # fmt: skip
        elif fen < 0 and paid + fen < 0:
            problems.append(
                FieldProblem("amount_yuan", f"{who}累计只兑付了 {fen_to_yuan(paid)} 元", row)
            )
        else:
            found[key] = (pid, fen, line.reason.strip())
    return found, problems


def _adjustment_inputs(db: Session, case_id: int, keys: list[str]) -> dict[str, str]:
    """The figures an adjusting round depends on: each named participant's claim state."""
    numbers = [int(key) for key in keys if key != HELD_BACK]
    stmt = select(Participant).where(
        Participant.case_id == case_id, Participant.number.in_(numbers)
    )
    inputs = {
        key_of(p.number): f"{p.status}/{p.claim_fen}/{p.paid_fen}/{p.role}/{p.id_status}"
        for p in db.scalars(stmt)
    }
    if HELD_BACK in keys:
        inputs[HELD_BACK] = str(remaining_claims(db, case_id).owed.get(HELD_BACK, 0))
    return inputs


def _save(
    db: Session, actor: Actor, case: Case, number: int, kind: str, requested: int,
    payments: Sequence[tuple[int | None, int, str | None]], note: str | None, *,
    claims_fen: int, inputs: str, result: str,
) -> RefundRound:  # fmt: skip
    round_ = RefundRound(
        case_id=case.id, number=number, kind=kind, status="draft", requested_fen=requested,
        total_fen=sum(fen for _, fen, _ in payments), claims_fen=claims_fen, payees=len(payments),
        inputs_sha256=inputs, result_sha256=result, note=(note or "").strip() or None,
        drafted_by_user_id=actor.user_id, drafted_by_name=actor.label,
    )  # fmt: skip
    db.add(round_)
    db.flush()
    rows = [
        {"round_id": round_.id, "participant_id": pid, "amount_fen": fen, "reason": why}
        for pid, fen, why in payments
    ]
    for start in range(0, len(rows), _INSERT_CHUNK):
        db.execute(insert(_PAYMENTS), rows[start : start + _INSERT_CHUNK])
    audit.record(
        db, actor=actor, action="refund.round_draft", object_type="case", object_id=case.number,
        detail=_round_detail(round_),
    )  # fmt: skip
    return round_


def _round_detail(round_: RefundRound) -> dict[str, object]:
    return {
        "round": round_.id, "number": round_.number, "kind": round_.kind,
        "requested_fen": round_.requested_fen, "total_fen": round_.total_fen,
        "claims_fen": round_.claims_fen, "payees": round_.payees,
        "inputs_sha256": round_.inputs_sha256, "result_sha256": round_.result_sha256,
    }  # fmt: skip


# --- deciding ---------------------------------------------------------------------------------


def _same_person(round_: RefundRound, actor: Actor) -> bool:
    if round_.drafted_by_user_id is not None and actor.user_id is not None:
        return round_.drafted_by_user_id == actor.user_id
    return round_.drafted_by_name == actor.label


def _recomputed(db: Session, round_: RefundRound) -> str:
    """The inputs digest the round would have if it were drafted now."""
    if round_.kind == "pro_rata":
        return _digest(remaining_claims(db, round_.case_id).owed)
    keys = [
        HELD_BACK if pid is None else key_of(number)
        for pid, number in db.execute(
            select(RefundPayment.participant_id, Participant.number)
            .outerjoin(Participant, Participant.id == RefundPayment.participant_id)
            .where(RefundPayment.round_id == round_.id)
        )
    ]
    return _digest(_adjustment_inputs(db, round_.case_id, keys))


def approve(db: Session, *, actor: Actor, round_id: int, note: str | None = None) -> RefundRound:
    """Approve a draft (by someone other than its drafter): pay it, fix it, update the case."""
    round_ = get(db, actor=actor, round_id=round_id, action="refund.approve")
    case = db.get(Case, round_.case_id)
    assert case is not None
    if round_.status != "draft":
        raise conflict(f"第 {round_.number} 轮{STATUS_LABELS[round_.status]}，不能再审批。")
    if _same_person(round_, actor):
        raise invalid(f"审批人不能是本轮的起草人（{round_.drafted_by_name}）：须由另一人审核批准。")
    if _recomputed(db, round_) != round_.inputs_sha256:
        raise conflict(
            f"第 {round_.number} 轮起草后，参与人的债权、状态或已兑付金额有变化："
            "请放弃本轮，重新起草。"
        )
    if round_.requested_fen > 0 and round_.total_fen > pool.balance_fen(db, case.id):
        raise conflict("专户余额已少于本轮金额（有到账记录被作废）：请放弃本轮，重新起草。")
    round_.status, round_.decided_at = "approved", utcnow()
    round_.decided_by_user_id, round_.decided_by_name = actor.user_id, actor.label
    round_.decision_note = (note or "").strip() or None
    _pay(db, round_)
    totals = figures.sync_case(db, case)
    audit.record(
        db, actor=actor, action="refund.round_approve", object_type="case", object_id=case.number,
        detail=_round_detail(round_) | {"case_figures": totals},
    )  # fmt: skip
    return round_


def _pay(db: Session, round_: RefundRound) -> None:
    """Add the round's payments to each participant's paid total; verified ones become paid."""
    amount = RefundPayment.amount_fen
    status = when(
        (Participant.status.in_(PAYABLE_STATUSES) & (Participant.paid_fen + amount > 0), "paid"),
        (Participant.status.in_(PAYABLE_STATUSES), "verified"),
        else_=Participant.status,
    )
    # One UPDATE … FROM joined on the payments (SQLite ≥ 3.33 and PostgreSQL), not a subquery per row.
    db.execute(
        update(Participant)
        .where(Participant.id == RefundPayment.participant_id, RefundPayment.round_id == round_.id)
        .values(paid_fen=Participant.paid_fen + amount, status=status, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.expire_all()


def discard(db: Session, *, actor: Actor, round_id: int, reason: str) -> RefundRound:
    """Set a draft aside with its reason; it stays on record, nothing is paid."""
    round_ = get(db, actor=actor, round_id=round_id, action="refund.draft")
    if round_.status != "draft":
        raise conflict(f"第 {round_.number} 轮{STATUS_LABELS[round_.status]}，不能放弃。")
    if not reason.strip():
        raise invalid("放弃批次须写明原因。", [FieldProblem("reason", "不能为空")])
    round_.status, round_.decided_at = "discarded", utcnow()
    round_.decided_by_user_id, round_.decided_by_name = actor.user_id, actor.label
    round_.decision_note = reason.strip()
    case = db.get(Case, round_.case_id)
    assert case is not None
    audit.record(
        db, actor=actor, action="refund.round_discard", object_type="case", object_id=case.number,
        detail={"round": round_.id, "number": round_.number, "reason": round_.decision_note},
    )  # fmt: skip
    return round_


def payments_of(db: Session, round_id: int) -> list[tuple[Participant | None, RefundPayment]]:
    """A round's payments in registration order, the held-back share last."""
    stmt = (
        select(Participant, RefundPayment)
        .outerjoin(Participant, Participant.id == RefundPayment.participant_id)
        .where(RefundPayment.round_id == round_id)
        .order_by(Participant.number.is_(None), Participant.number)
    )
    return [(person, payment) for person, payment in db.execute(stmt)]


def paid_rounds_of(db: Session, participant_id: int) -> list[tuple[RefundRound, int]]:
    """The approved rounds that paid (or took back from) one participant, oldest first."""
    stmt = (
        select(RefundRound, RefundPayment.amount_fen)
        .join(RefundPayment, RefundPayment.round_id == RefundRound.id)
        .where(RefundPayment.participant_id == participant_id, RefundRound.status == "approved")
        .order_by(RefundRound.number)
    )
    return [(round_, amount) for round_, amount in db.execute(stmt)]
