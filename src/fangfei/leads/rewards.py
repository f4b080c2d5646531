"""举报奖励 — whether a report earns a reward, and the reward's proposal, approval and payment.

A report is rewarded only after it is verified true, and only if every condition of the rules holds
([003]:1435): real name; a definite target; specific facts and evidence; not a repeat of an earlier
report; not already publicly reported; not already handled administratively or filed criminally.
Conditions the records answer are evaluated; the two they cannot (whether the facts are specific
enough, whether the matter was already in the news) are confirmed by the officer who proposes the
reward. The amount comes from the band table (reference data ``reward_band``); a second person
approves; payment is recorded with its date and reference. Every step is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth.roles import Actor
from fangfei.db import utcnow
from fangfei.errors import FangfeiError, FieldProblem, conflict, invalid
from fangfei.leads.models import Lead, LeadLink, Reward
from fangfei.leads.service import attachments_of, get_or_raise
from fangfei.reference import service as reference

MIN_SPECIFIC_DESCRIPTION = 30


@dataclass(frozen=True)
class Condition:
    """One rule: met, not met, or (None) to be confirmed by the officer, with the reason."""

    code: str
    label: str
    met: bool | None
    reason: str


def _earlier_same_subject(db: Session, lead: Lead) -> list[Lead]:
    same = [Lead.subject_key == lead.subject_key]
    if lead.subject_entity_id is not None:
        same.append(Lead.subject_entity_id == lead.subject_entity_id)
    stmt = select(Lead).where(
        or_(*same),
        Lead.id != lead.id,
        or_(
            Lead.discovered_on < lead.discovered_on,
            and_(Lead.discovered_on == lead.discovered_on, Lead.id < lead.id),
        ),
    )
    return list(db.scalars(stmt))


def _repeat_of(db: Session, lead: Lead) -> Lead | None:
    """An earlier lead this one was linked or merged to as a duplicate."""
    stmt = select(LeadLink).where(
        or_(LeadLink.lead_id == lead.id, LeadLink.other_lead_id == lead.id),
        LeadLink.decision.in_(("linked", "merged")),
    )
    for link in db.scalars(stmt):
        other = db.get(Lead, link.other_lead_id if link.lead_id == lead.id else link.lead_id)
        if other is not None and (other.discovered_on, other.id) < (lead.discovered_on, lead.id):
            return other
    return None


def evaluate(db: Session, *, lead: Lead) -> list[Condition]:
    """The six conditions of validity for this lead, each with its reason."""
    described = len(lead.description.strip()) >= MIN_SPECIFIC_DESCRIPTION
    evidence = bool(attachments_of(db, lead=lead))
    repeat = _repeat_of(db, lead)
    handled = next((o for o in _earlier_same_subject(db, lead) if o.disposal_path), None)
    identified = bool(lead.subject_entity_id or lead.subject_uscc or lead.subject_id_blind_index)
    return [
        Condition("real_name", "实名举报", lead.informant_real_name,
                  "留有姓名及身份证号码或电话" if lead.informant_real_name else "匿名或未留联系方式"),
        Condition("definite_target", "举报对象明确", True if identified else None,
                  "已关联主体档案或登记了证照号码" if identified else "仅有主体名称，须经办人确认"),
        Condition("specific_facts", "有具体事实和证据", None,
                  f"线索内容{'较为具体' if described else '较为简略'}，"
                  f"{'附有' if evidence else '未附'}证据材料；须经办人确认"),
        Condition("not_repeat", "非重复举报", repeat is None,
                  f"与此前线索 {repeat.number} 为同一事项" if repeat else "未发现此前的同一事项线索"),
        Condition("not_public", "举报前未被公开报道", None, "须经办人确认"),
        Condition("not_handled", "举报前未被行政处理或刑事立案", handled is None,
                  f"同一主体此前已由线索 {handled.number} 研判处置" if handled else "未发现此前处置记录"),
    ]  # fmt: skip


def band_for(db: Session, amount_yuan: Decimal | None) -> tuple[str, Decimal]:
    """The reward band for an amount involved (an unknown amount counts as zero)."""
    amount = amount_yuan or Decimal(0)
    for item in reference.items(db, "reward_band", active_only=True):
        low, below = item.extra.get("min_yuan", 0), item.extra.get("below_yuan")
        if Decimal(str(low)) <= amount and (below is None or amount < Decimal(str(below))):
            return item.name, Decimal(str(item.extra["reward_yuan"]))
    raise invalid("奖励档次表不覆盖该金额。", [FieldProblem("amount_yuan", f"{amount} 元")])


def _record(db: Session, actor: Actor, action: str, reward: Reward, **detail: object) -> None:
    audit.record(db, actor=actor, action=f"reward.{action}", object_type="lead",
                 object_id=reward.lead_id, detail={"amount_yuan": reward.amount_yuan, **detail})  # fmt: skip


def propose(
    db: Session, *, actor: Actor, lead_id: int, confirmed: frozenset[str] = frozenset()
) -> Reward:
    """Propose the band's reward; refused, naming each unmet condition, unless all hold."""
    lead = get_or_raise(db, actor=actor, lead_id=lead_id, action="reward.propose")
    if not lead.verified_true:
        raise conflict("线索经核查属实后才能提出奖励。")
    if db.scalar(select(Reward.id).where(Reward.lead_id == lead.id)) is not None:
        raise conflict("该线索已有奖励记录。")
    conditions = evaluate(db, lead=lead)
    unmet = [
        FieldProblem(c.code, f"{c.label}：{c.reason}")
        for c in conditions
        if c.met is False or (c.met is None and c.code not in confirmed)
    ]
    if unmet:
        raise invalid("不符合举报奖励条件。", unmet)
    band, amount = band_for(db, lead.amount_yuan)
    reward = Reward(lead_id=lead.id, amount_yuan=amount, band=band, status="proposed",
                    proposed_by=actor.label)  # fmt: skip
    db.add(reward)
    db.flush()
    _record(db, actor, "propose", reward, band=band, confirmed=sorted(confirmed))
    return reward


def _reward_of(db: Session, actor: Actor, lead_id: int, action: str, status: str) -> Reward:
    lead = get_or_raise(db, actor=actor, lead_id=lead_id, action=action)
    reward = db.scalar(select(Reward).where(Reward.lead_id == lead.id))
    if reward is None or reward.status != status:
        raise FangfeiError("invalid_transition", "奖励记录不处于可办理此步骤的状态。", 409)
    return reward


def approve(db: Session, *, actor: Actor, lead_id: int) -> Reward:
    """The second person approves; the proposer cannot approve their own proposal."""
    reward = _reward_of(db, actor, lead_id, "reward.approve", "proposed")
    if reward.proposed_by == actor.label:
        raise conflict("奖励须由提出人以外的另一人审批。")
    reward.status, reward.approved_by, reward.approved_at = "approved", actor.label, utcnow()
    _record(db, actor, "approve", reward)
    return reward


def pay(db: Session, *, actor: Actor, lead_id: int, paid_on: date, reference_no: str) -> Reward:
    """Record the payment of an approved reward."""
    reward = _reward_of(db, actor, lead_id, "reward.pay", "approved")
    if not reference_no.strip():
        raise invalid("请填写付款凭证号。", [FieldProblem("payment_reference", "不能为空")])
    reward.status, reward.paid_on, reward.payment_reference = "paid", paid_on, reference_no.strip()
    _record(db, actor, "pay", reward, paid_on=paid_on, reference=reward.payment_reference)
    return reward
