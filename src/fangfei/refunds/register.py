"""清理登记 — a case's register of participants: their status, their claims and how each is owed.

A participant's status moves only through :data:`TRANSITIONS` (registered → verified →
disputed | withheld, and back to verified); ``paid`` is set by the approval of a round that pays
them. Payable are the verified and paid participants with a valid ID number, a role that is
refunded (组织者, 参与组织活动人员, 掮客 and 员工 are not: [003]:1405) and something still owed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.cases.models import Case
from fangfei.entities.identifiers import check_id_number, mask_id_number
from fangfei.errors import FieldProblem, invalid, not_found
from fangfei.paging import Page, paginate
from fangfei.reference import service as reference
from fangfei.refunds.allocation import fen_to_yuan
from fangfei.refunds.models import Participant, ParticipantLine, RefundRegister
from fangfei.security.crypto import FieldCipher

STATUS_LABELS = {
    "registered": "已登记",
    "verified": "已核实",
    "disputed": "有异议",
    "withheld": "暂缓兑付",
    "paid": "已兑付",
}
LINE_KINDS = {
    "contribution": "出资",
    "interest": "利息",
    "dividend": "分红",
    "rebate": "返利",
    "gift": "礼品折价",
    "other_return": "其他回报",
}
PAYABLE_STATUSES = ("verified", "paid")


@dataclass(frozen=True)
class Transition:
    """A status change a person may make: from which statuses, to which, with a reason or not."""

    label: str
    sources: frozenset[str]
    target: str
    needs_reason: bool


TRANSITIONS = {
    "verify": Transition(
        "核实", frozenset({"registered", "disputed", "withheld"}), "verified", False
    ),
    "dispute": Transition(
        "登记异议", frozenset({"registered", "verified", "paid"}), "disputed", True
    ),
    "withhold": Transition(
        "暂缓兑付", frozenset({"registered", "verified", "paid", "disputed"}), "withheld", True
    ),
}
# Lists of participant numbers longer than this go into the audit row as a checksum only.
_AUDIT_NUMBERS = 200


def case_for(db: Session, *, actor: Actor, case_id: int, action: str) -> Case:
    """The case whose register the actor works on, if the action is theirs to take."""
    case = db.get(Case, case_id)
    if case is None:
        raise not_found("案件", case_id)
    policy.ensure(db, actor, action, case)
    return case


def settings_of(db: Session, case_id: int) -> RefundRegister | None:
    """The case's dedicated account and held-back decision, once any was set."""
    return db.scalar(select(RefundRegister).where(RefundRegister.case_id == case_id))


def refundable_roles(db: Session) -> frozenset[str]:
    """The participant roles that are refunded (reference data ``participant_role``)."""
    return frozenset(
        item.code for item in reference.items(db, "participant_role") if item.extra.get("refund")
    )


def participant(db: Session, *, actor: Actor, case_id: int, number: int) -> Participant:
    """One participant of the case's register by their 登记号."""
    case_for(db, actor=actor, case_id=case_id, action="refund.view")
    found = db.scalar(
        select(Participant).where(Participant.case_id == case_id, Participant.number == number)
    )
    if found is None:
        raise not_found("集资参与人登记号", number)
    return found


def lines_of(db: Session, participant_id: int) -> list[ParticipantLine]:
    """A participant's contributions and returns, by date."""
    stmt = (
        select(ParticipantLine)
        .where(ParticipantLine.participant_id == participant_id)
        .order_by(ParticipantLine.on_date, ParticipantLine.id)
    )
    return list(db.scalars(stmt))


class ParticipantFilter(BaseModel):
    """The participant list's filters: status, a name or 登记号, and the page."""

    status: str | None = None
    q: str | None = Field(default=None, max_length=100)
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=50, ge=1, le=500)


def list_participants(
    db: Session, *, actor: Actor, case_id: int, filters: ParticipantFilter
) -> Page[Participant]:
    """The case's participants in registration order, filtered."""
    case_for(db, actor=actor, case_id=case_id, action="refund.view")
    stmt = select(Participant).where(Participant.case_id == case_id)
    if filters.status:
        stmt = stmt.where(Participant.status == filters.status)
    text = (filters.q or "").strip()
    if text.isdigit():
        stmt = stmt.where(Participant.number == int(text))
    elif text:
        stmt = stmt.where(Participant.name.contains(text))
    return paginate(
        db, stmt, order_by=Participant.number.asc(), page=filters.page, per_page=filters.per_page
    )


def count_by_status(db: Session, case_id: int) -> dict[str, int]:
    """How many participants of the case are in each status."""
    stmt = (
        select(Participant.status, func.count())
        .where(Participant.case_id == case_id)
        .group_by(Participant.status)
    )
    counts = {status: int(n) for status, n in db.execute(stmt)}
    return {status: counts.get(status, 0) for status in STATUS_LABELS}


# --- how a claim is computed ------------------------------------------------------------------


def explain_claim(
    person: Participant, lines: Sequence[ParticipantLine], refunded: bool
) -> list[str]:
    """The claim's computation in plain Chinese, line by line, ending with what is still owed."""
    contributions = [line for line in lines if line.kind == "contribution"]
    returns = [line for line in lines if line.kind != "contribution"]
    by_kind = {
        LINE_KINDS[kind]: sum(line.amount_fen for line in returns if line.kind == kind)
        for kind in LINE_KINDS
        if kind != "contribution" and any(line.kind == kind for line in returns)
    }
    parts = "、".join(
        f"{name} {fen_to_yuan(fen, grouped=True)} 元" for name, fen in by_kind.items()
    )
    text = [
        f"出资合计 {fen_to_yuan(person.contributed_fen, grouped=True)} 元（{len(contributions)} 笔）",
        f"已收回报合计 {fen_to_yuan(person.returned_fen, grouped=True)} 元"
        + (f"（{parts}）" if parts else ""),
    ]
    excess = person.returned_fen - person.contributed_fen
    if excess > 0:
        text.append(
            f"已收回报超过出资 {fen_to_yuan(excess, grouped=True)} 元：债权计为 0 元，"
            "超出部分属于应依法追缴的违法所得"
        )
    else:
        text.append(f"债权 = 出资 − 已收回报 = {fen_to_yuan(person.claim_fen, grouped=True)} 元")
    if not refunded:
        text.append("人员类别不属于参与群众：依法不予清退，其出资不参与分配")
    elif person.paid_fen:
        owed = person.claim_fen - person.paid_fen
        text.append(
            f"已兑付 {fen_to_yuan(person.paid_fen, grouped=True)} 元，"
            f"尚欠 {fen_to_yuan(owed, grouped=True)} 元"
        )
    return text


# --- status changes ---------------------------------------------------------------------------


def _refusal(person: Participant, action: str) -> str | None:
    step = TRANSITIONS[action]
    if person.status not in step.sources:
        return f"当前状态为“{STATUS_LABELS[person.status]}”，不能{step.label}"
    if action == "verify" and person.id_status != "valid":
        return f"身份证号码无效（{person.id_problem}），请核对更正后再核实"
    return None


def change_status(
    db: Session,
    *,
    actor: Actor,
    case_id: int,
    action: str,
    numbers: Sequence[int] | None,
    reason: str | None = None,
) -> int:
    """Apply one transition to the given participants; ``numbers`` None verifies all it can.

    Disputes and holds are always for named participants. With explicit numbers, one refused
    participant refuses the whole change, naming each.
    """
    case = case_for(db, actor=actor, case_id=case_id, action="refund.register")
    if action not in TRANSITIONS:
        known = "、".join(f"{code}（{t.label}）" for code, t in TRANSITIONS.items())
        raise invalid(f"没有“{action}”这种操作。", [FieldProblem("action", f"可选：{known}")])
    step = TRANSITIONS[action]
    reason = (reason or "").strip() or None
    if step.needs_reason and reason is None:
        raise invalid(f"{step.label}须写明原因。", [FieldProblem("reason", "不能为空")])
    if numbers is None and action != "verify":
        raise invalid(
            f"{step.label}须逐人进行：请填写登记号。", [FieldProblem("numbers", "不能为空")]
        )
    people = _targets(db, case_id, action, numbers)
    for person in people:
        person.status = "paid" if step.target == "verified" and person.paid_fen else step.target
        person.status_reason = reason
    touched = sorted(person.number for person in people)
    audit.record(
        db, actor=actor, action=f"refund.{action}", object_type="case", object_id=case.number,
        detail=_numbers_detail(touched) | {"reason": reason},
    )  # fmt: skip
    return len(people)


def _targets(
    db: Session, case_id: int, action: str, numbers: Sequence[int] | None
) -> list[Participant]:
    stmt = select(Participant).where(Participant.case_id == case_id).order_by(Participant.number)
    if numbers is None:
        stmt = stmt.where(Participant.status.in_(TRANSITIONS[action].sources))
        if action == "verify":
            stmt = stmt.where(Participant.id_status == "valid")
        people = list(db.scalars(stmt))
        if not people:
            raise invalid(f"没有可以{TRANSITIONS[action].label}的参与人。")
        return people
    wanted = sorted(set(numbers))
    people = list(db.scalars(stmt.where(Participant.number.in_(wanted))))
    found = {person.number for person in people}
    problems = [
        FieldProblem("登记号", f"第 {n} 号参与人不在本案登记册中") for n in wanted if n not in found
    ]
    problems += [
        FieldProblem("登记号", f"第 {person.number} 号（{person.name}）：{why}")
        for person in people
        if (why := _refusal(person, action))
    ]
    if problems or not people:
        raise invalid(
            f"未{TRANSITIONS[action].label}任何参与人。",
            problems or [FieldProblem("登记号", "未选择参与人")],
        )
    return people


def _numbers_detail(numbers: list[int]) -> dict[str, object]:
    if len(numbers) <= _AUDIT_NUMBERS:
        return {"count": len(numbers), "numbers": numbers}
    digest = hashlib.sha256(",".join(map(str, numbers)).encode("ascii")).hexdigest()
    return {"count": len(numbers), "numbers_sha256": digest}


# --- correcting who a participant is -----------------------------------------------------------


class IdentityIn(BaseModel):
    """A corrected ID number (and name, when that was mistyped too)."""

    id_number: str = Field(min_length=1, max_length=32)
    name: str | None = Field(default=None, min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=500)


def correct_identity(
    db: Session, *, actor: Actor, cipher: FieldCipher, case_id: int, number: int, data: IdentityIn
) -> Participant:
    """Correct a participant's ID number to a valid one that no other participant of the case has."""
    case = case_for(db, actor=actor, case_id=case_id, action="refund.register")
    person = participant(db, actor=actor, case_id=case_id, number=number)
    check = check_id_number(data.id_number)
    if check.status != "valid" or check.value is None:
        raise invalid(
            "更正后的身份证号码仍然无效。", [FieldProblem("id_number", check.problem or "无效")]
        )
    index = cipher.blind_index(check.value)
    other = db.scalar(select(Participant).where(
        Participant.case_id == case_id, Participant.id_blind_index == index, Participant.id != person.id
    ))  # fmt: skip
    if other is not None:
        raise invalid(
            f"该身份证号码已登记为第 {other.number} 号参与人（{other.name}）：同一人请合并申报，不能重复登记。",
            [FieldProblem("id_number", "与已登记的参与人相同")],
        )
    before = {"id_number_masked": person.id_number_masked, "name": person.name}
    person.id_number_encrypted, person.id_blind_index = cipher.encrypt(check.value), index
    person.id_number_masked = mask_id_number(check.value)
    person.id_status, person.id_problem = "valid", None
    person.name = (data.name or person.name).strip()
    audit.record(
        db, actor=actor, action="refund.identity", object_type="case", object_id=case.number,
        detail={"number": number, "before": before, "reason": data.reason.strip(),
                "after": {"id_number_masked": person.id_number_masked, "name": person.name}},
    )  # fmt: skip
    return person
