"""预警研判 — alerts kept in the application database, looked at and disposed of by analysts.

:func:`record_run` stores a run's alerts: one row per bank, account and period (a rerun updates
the row; an open alert that a new one overlaps for the same account becomes ``superseded``;
an alert already disposed of keeps its disposition), links each account's holder to the entity
register (USCC; ID number through its blind index; the name alone as a weaker match) and
registers the account (银行账户) under that entity. An analyst then marks an alert a false
positive with the reason, or refers it: the referral registers a lead (银行机构报送 from a bank,
线上监测 from the lead office) about the holder, and the alert keeps the lead's number. A bank's
analyst sees only that bank's alerts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.roles import Actor, Role
from fangfei.db import utcnow
from fangfei.entities.models import BankAccount, Enterprise, Entity, Person
from fangfei.errors import FieldProblem, conflict, invalid, not_found
from fangfei.leads import intake
from fangfei.leads.models import Lead
from fangfei.leads.schemas import LeadCreate
from fangfei.monitoring import flows
from fangfei.monitoring.alerts import Alert
from fangfei.monitoring.holders import HolderKeys, holder_keys
from fangfei.monitoring.models import MonitorAlert
from fangfei.monitoring.scoring import TYPOLOGY_LABELS
from fangfei.monitoring.store import BankStore
from fangfei.security.crypto import FieldCipher

STATUS_LABELS = {
    "open": "待研判",
    "false_positive": "排除（误报）",
    "referred": "已移交线索",
    "superseded": "已被新预警覆盖",
}
MATCH_LABELS = {
    "uscc": "按统一社会信用代码关联",
    "id_number": "按身份证号码关联",
    "name": "仅按名称关联，待核实",
    "none": "未关联主体",
}
PER_PAGE = 50


@dataclass(frozen=True)
class RunSaved:
    """What storing a run's alerts changed."""

    written: int  # new alerts
    updated: int  # alerts of the same account and period, refreshed
    superseded: int  # open alerts an overlapping new one replaces
    linked: int  # holders found in the entity register


def _entity_of(db: Session, cipher: FieldCipher, keys: HolderKeys | None) -> tuple[int | None, str]:
    """The holder's entity and how it was found."""
    if keys is None:
        return None, "none"
    if keys.uscc:
        found = db.scalar(select(Enterprise.id).where(Enterprise.uscc == keys.uscc))
        if found is not None:
            return found, "uscc"
    if keys.id_number:
        index = cipher.blind_index(keys.id_number)
        found = db.scalar(select(Person.id).where(Person.id_blind_index == index))
        if found is not None:
            return found, "id_number"
    kind = Enterprise if keys.holder_type == "company" else Person
    by_name = db.scalars(
        select(kind.id).where(kind.name == keys.holder_name, kind.voided_at.is_(None)).limit(2)
    ).all()
    return (by_name[0], "name") if len(by_name) == 1 else (None, "none")


def _register_account(db: Session, alert: MonitorAlert) -> None:
    """The alerted account in the register of bank accounts, under its holder when known."""
    account = db.scalar(
        select(BankAccount).where(
            BankAccount.bank == alert.bank, BankAccount.account_number == alert.account_id
        )
    )
    if account is None:
        db.add(BankAccount(bank=alert.bank, account_number=alert.account_id,
                           holder_name=alert.holder_name,
                           holder_entity_id=alert.holder_entity_id))  # fmt: skip
    elif account.holder_entity_id is None and alert.holder_entity_id is not None:
        account.holder_entity_id = alert.holder_entity_id


def record_run(
    db: Session, *, actor: Actor, cipher: FieldCipher, store: BankStore, alerts: Sequence[Alert]
) -> RunSaved:
    """Store a run's alerts with their holders; one audit row for the run."""
    policy.ensure(db, actor, "alert.record")
    keys = {(k.bank, k.account_id): k for k in
            holder_keys(store, [(a.bank, a.account_id) for a in alerts])}  # fmt: skip
    written = updated = superseded = linked = 0
    for alert in alerts:
        row = db.scalar(select(MonitorAlert).where(MonitorAlert.alert_key == alert.alert_id))
        holder = keys.get((alert.bank, alert.account_id))
        entity_id, match = _entity_of(db, cipher, holder)
        linked += entity_id is not None
        values = {
            "bank": alert.bank, "account_id": alert.account_id,
            "period_start": alert.period_start, "period_end": alert.period_end,
            "score": alert.score, "scenarios": list(alert.scenarios),
            "typologies": list(alert.typologies), "explanation": alert.explanation,
            "evidence": [asdict(e) for e in alert.evidence], "pack_version": alert.pack_version,
            "engine": alert.engine, "holder_name": holder.holder_name if holder else "",
            "holder_type": holder.holder_type if holder else "", "holder_entity_id": entity_id,
            "holder_match": match, "updated_at": utcnow(),
        }  # fmt: skip
        if row is None:
            row = MonitorAlert(alert_key=alert.alert_id, status="open", **values)
            db.add(row)
            written += 1
        else:
            for name, value in values.items():
                setattr(row, name, value)
            updated += 1
        covered = db.scalars(
            select(MonitorAlert).where(
                MonitorAlert.bank == alert.bank, MonitorAlert.account_id == alert.account_id,
                MonitorAlert.alert_key != alert.alert_id, MonitorAlert.status == "open",
                MonitorAlert.period_start <= alert.period_end,
                MonitorAlert.period_end >= alert.period_start,
            )
        ).all()  # fmt: skip
        for old in covered:
            old.status, old.updated_at = "superseded", utcnow()
            superseded += 1
        _register_account(db, row)
        db.flush()
    saved = RunSaved(written, updated, superseded, linked)
    audit.record(db, actor=actor, action="alert.record", object_type="monitor_run",
                 object_id=alerts[0].pack_version if alerts else "-",
                 detail=asdict(saved) | {"alerts": len(alerts)})  # fmt: skip
    return saved


class AlertFilter(BaseModel):
    """List filters."""

    status: str | None = None
    typology: str | None = None
    bank: str | None = None
    q: str | None = Field(default=None, description="账号或户名")
    page: int = Field(default=1, ge=1)


def list_for(db: Session, *, actor: Actor, filters: AlertFilter) -> tuple[list[MonitorAlert], int]:
    """The actor's alerts, highest score first, one page; and how many match."""
    policy.ensure(db, actor, "alert.view")
    stmt = select(MonitorAlert).where(policy.scope_clause(actor, "alert.view"))
    if filters.status:
        stmt = stmt.where(MonitorAlert.status == filters.status)
    if filters.bank:
        stmt = stmt.where(MonitorAlert.bank == filters.bank)
    if filters.q:
        like = f"%{filters.q.strip()}%"
        stmt = stmt.where(or_(MonitorAlert.account_id.like(like),
                              MonitorAlert.holder_name.like(like)))  # fmt: skip
    found = list(db.scalars(stmt.order_by(MonitorAlert.score.desc(), MonitorAlert.id)))
    if filters.typology:  # typologies are a JSON list: filtered here, the same on every database
        found = [a for a in found if filters.typology in a.typologies]
    start = (filters.page - 1) * PER_PAGE
    return found[start : start + PER_PAGE], len(found)


def counts(db: Session, *, actor: Actor) -> dict[str, int]:
    """Alerts by status, for the list's tabs and the dashboard."""
    policy.ensure(db, actor, "alert.view")
    rows = db.execute(
        select(MonitorAlert.status, func.count())
        .where(policy.scope_clause(actor, "alert.view"))
        .group_by(MonitorAlert.status)
    )
    return {status: int(n) for status, n in rows}


def get(db: Session, *, actor: Actor, alert_id: int) -> MonitorAlert:
    """One alert the actor may see."""
    policy.ensure(db, actor, "alert.view")
    found = db.scalar(
        select(MonitorAlert).where(
            MonitorAlert.id == alert_id, policy.scope_clause(actor, "alert.view")
        )
    )
    if found is None:
        raise not_found("预警", alert_id)
    return found


def as_json(alert: MonitorAlert) -> dict[str, object]:
    """An alert for the API and ``monitor alerts --format json``."""
    return {
        "id": alert.id, "alert_id": alert.alert_key, "bank": alert.bank,
        "account_id": alert.account_id, "period_start": alert.period_start.isoformat(),
        "period_end": alert.period_end.isoformat(), "score": alert.score,
        "scenarios": alert.scenarios, "typologies": alert.typologies,
        "explanation": alert.explanation, "evidence": alert.evidence,
        "holder": {"name": alert.holder_name, "type": alert.holder_type,
                   "entity_id": alert.holder_entity_id, "match": alert.holder_match},
        "status": alert.status, "status_label": STATUS_LABELS[alert.status],
        "disposition_reason": alert.disposition_reason, "disposed_by": alert.disposed_by_name,
        "lead_id": alert.lead_id, "pack_version": alert.pack_version, "engine": alert.engine,
    }  # fmt: skip


def figure_text(value: float | None, unit: str = "") -> str:
    """A figure of the evidence as shown: yuan with two decimals, whole numbers whole, other
    values to two decimals, then the unit."""
    if value is None:
        return ""
    if unit == "元":
        return f"{value:,.2f} 元"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{text} {unit}" if unit else text


def reading_bank(actor: Actor) -> str | None:
    """The bank whose rows the actor may read in the bank data (None: every bank)."""
    return actor.bank if actor.role is Role.BANK_ANALYST else None


def _open(db: Session, actor: Actor, alert_id: int) -> MonitorAlert:
    alert = get(db, actor=actor, alert_id=alert_id)
    policy.ensure(db, actor, "alert.dispose")
    if alert.status != "open":
        raise conflict(f"该预警{STATUS_LABELS[alert.status]}，不能再处理。")
    return alert


def mark_false_positive(db: Session, *, actor: Actor, alert_id: int, reason: str) -> MonitorAlert:
    """Close an alert as a false positive, with the reason."""
    alert = _open(db, actor, alert_id)
    if len(reason.strip()) < 4:
        raise invalid(
            "排除预警须写明理由。",
            [FieldProblem("reason", "请写明为何不是可疑资金（至少 4 个字）")],
        )
    alert.status, alert.disposition_reason = "false_positive", reason.strip()
    alert.disposed_by_name, alert.disposed_at = actor.label, utcnow()
    audit.record(db, actor=actor, action="alert.false_positive", object_type="monitor_alert",
                 object_id=alert.id, detail={"reason": alert.disposition_reason})  # fmt: skip
    return alert


class ReferIn(BaseModel):
    """What the referral's lead says beyond the alert itself."""

    domain: str = Field(description="所属行业领域代码，如 d2_private_finance")
    note: str = Field(default="", max_length=2000, description="分析员补充说明")


def _description(alert: MonitorAlert, totals: flows.Totals, note: str) -> str:
    kinds = "、".join(TYPOLOGY_LABELS.get(t, t) for t in alert.typologies) or "可疑资金往来"
    lines = [
        f"资金异动监测预警：{alert.bank} 账户 {alert.account_id}（户名 {alert.holder_name}），"
        f"{alert.period_start.isoformat()} 至 {alert.period_end.isoformat()}，疑似{kinds}，"
        f"触发模型 {'、'.join(alert.scenarios)}，得分 {alert.score:.2f}。",
        f"期间转入 {totals.inflow:,.2f} 元（{totals.payers} 个付款方），"
        f"转出 {totals.outflow:,.2f} 元（{totals.payees} 个收款方），流水 {totals.lines} 笔。",
        alert.explanation,
    ]
    return "\n".join(lines + ([f"分析员说明：{note.strip()}"] if note.strip() else []))


def refer(
    db: Session, *, actor: Actor, cipher: FieldCipher, store: BankStore, alert_id: int,
    data: ReferIn, today: date,
) -> Lead:  # fmt: skip
    """Refer the alert: register a lead about the holder and close the alert as referred."""
    alert = _open(db, actor, alert_id)
    totals = flows.totals(store, bank=alert.bank, account_id=alert.account_id,
                          start=alert.period_start, end=alert.period_end)  # fmt: skip
    entity = db.get(Entity, alert.holder_entity_id) if alert.holder_entity_id else None
    keys = next(iter(holder_keys(store, [(alert.bank, alert.account_id)])), None)
    channel = "bank_referral" if actor.role is Role.BANK_ANALYST else "online_monitoring"
    subject = (
        {"subject_entity_id": entity.id}
        if entity is not None
        else {"subject_name": alert.holder_name or alert.account_id,
              "subject_uscc": keys.uscc if keys else None,
              "subject_id_number": keys.id_number if keys else None}
    )  # fmt: skip
    place = (entity.jurisdiction_id if entity else None) or actor.jurisdiction_id
    lead = intake.create(db, actor=actor, cipher=cipher, data=LeadCreate(
        channel=channel, domain=data.domain, jurisdiction_id=place, **subject,
        description=_description(alert, totals, data.note), amount_yuan=totals.inflow or None,
        people_count=totals.payers or None, discovered_on=today,
    ))  # fmt: skip
    alert.status, alert.lead_id = "referred", lead.id
    alert.disposition_reason = data.note.strip() or None
    alert.disposed_by_name, alert.disposed_at = actor.label, utcnow()
    audit.record(db, actor=actor, action="alert.refer", object_type="monitor_alert",
                 object_id=alert.id, detail={"lead": lead.number, "channel": channel})  # fmt: skip
    return lead
