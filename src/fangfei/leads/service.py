"""Leads: look-up, scoped lists and counts, the timeline, and the audited informant reveal."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, extract, func, or_, select
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.clock import local_today
from fangfei.errors import not_found
from fangfei.leads.matching import subject_key
from fangfei.leads.models import Lead, LeadAttachment, LeadEvent, LeadLink
from fangfei.leads.schemas import PERIOD, LeadFilter
from fangfei.leads.workflow import OPEN_STATUSES
from fangfei.paging import Page, paginate
from fangfei.reference.models import Department, Jurisdiction
from fangfei.security.crypto import FieldCipher


def get_or_raise(db: Session, *, actor: Actor, lead_id: int, action: str = "lead.view") -> Lead:
    """A lead the actor may see (or act on with ``action``)."""
    lead = db.get(Lead, lead_id)
    if lead is None:
        raise not_found("风险线索", lead_id)
    policy.ensure(db, actor, action, lead)
    return lead


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of 2025, 2025H1, 2025Q2 or 2025-06."""
    match = PERIOD.match(period)
    if match is None:
        raise ValueError(period)
    year = int(match["year"])
    if match["quarter"]:
        first_month = (int(match["quarter"]) - 1) * 3 + 1
        last_month = first_month + 2
    elif match["half"]:
        first_month = (int(match["half"]) - 1) * 6 + 1
        last_month = first_month + 5
    elif match["month"]:
        first_month = last_month = int(match["month"])
    else:
        first_month, last_month = 1, 12
    return date(year, first_month, 1), date(
        year, last_month, calendar.monthrange(year, last_month)[1]
    )


def overdue_clause(today: date) -> ColumnElement[bool]:
    """Open leads whose due date has passed."""
    return and_(Lead.status.in_(OPEN_STATUSES), Lead.due_on.is_not(None), Lead.due_on < today)


def filtered(actor: Actor, filters: LeadFilter, *, action: str = "lead.view") -> Select[Lead]:
    """The scoped query for a set of filters (lists, ledger and exports share it)."""
    stmt = policy.scoped(select(Lead), actor, action).where(Lead.merged_into_id.is_(None))
    if filters.q:
        term = filters.q.strip()
        stmt = stmt.where(
            or_(
                Lead.number == term.upper(),
                Lead.subject_key.contains(subject_key(term), autoescape=True),
                Lead.subject_uscc == term.upper(),
            )
        )
    for column, value in (
        (Lead.status, filters.status),
        (Lead.domain, filters.domain),
        (Lead.channel, filters.channel),
        (Lead.assignee_department_id, filters.department_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if filters.jurisdiction_id is not None:
        stmt = stmt.where(Lead.jurisdiction_id == filters.jurisdiction_id)
    if filters.overdue:
        stmt = stmt.where(overdue_clause(local_today()))
    if filters.period:
        first, last = period_bounds(filters.period)
        stmt = stmt.where(Lead.discovered_on.between(first, last))
    return stmt


def list_for(db: Session, *, actor: Actor, filters: LeadFilter) -> Page[Lead]:
    """A page of the leads the actor may see, newest first."""
    policy.ensure(db, actor, "lead.view")
    return paginate(
        db, filtered(actor, filters), order_by=Lead.id.desc(), page=filters.page,
        per_page=filters.per_page,
    )  # fmt: skip


def leads_of_entity(db: Session, *, actor: Actor, entity_id: int) -> list[Lead]:
    """The leads about an entity that the actor may see, newest first (none without lead.view)."""
    if not policy.can(actor, "lead.view"):
        return []
    stmt = filtered(actor, LeadFilter()).where(Lead.subject_entity_id == entity_id)
    return list(db.scalars(stmt.order_by(Lead.discovered_on.desc(), Lead.id.desc()).limit(200)))


def timeline(db: Session, *, lead: Lead) -> list[LeadEvent]:
    """The lead's events, oldest first."""
    stmt = select(LeadEvent).where(LeadEvent.lead_id == lead.id).order_by(LeadEvent.id)
    return list(db.scalars(stmt))


def attachments_of(db: Session, *, lead: Lead) -> list[LeadAttachment]:
    """The lead's attachments in the order they came."""
    stmt = select(LeadAttachment).where(LeadAttachment.lead_id == lead.id)
    return list(db.scalars(stmt.order_by(LeadAttachment.id)))


def links_of(db: Session, *, lead: Lead) -> list[LeadLink]:
    """Duplicate decisions involving the lead."""
    stmt = select(LeadLink).where(
        or_(LeadLink.lead_id == lead.id, LeadLink.other_lead_id == lead.id)
    )
    return list(db.scalars(stmt.order_by(LeadLink.id)))


@dataclass(frozen=True)
class Informant:
    """An informant's identity, decrypted for a role allowed to see it."""

    name: str | None
    id_number: str | None
    phone: str | None
    address: str | None


def reveal_informant(db: Session, *, actor: Actor, cipher: FieldCipher, lead_id: int) -> Informant:
    """The informant in clear text; the view itself is written to the audit log."""
    lead = get_or_raise(db, actor=actor, lead_id=lead_id, action="lead.view_informant")

    def clear(token: bytes | None) -> str | None:
        return cipher.decrypt(token) if token is not None else None

    audit.record(
        db,
        actor=actor,
        action="lead.view_informant",
        object_type="lead",
        object_id=lead.id,
        detail={"number": lead.number},
    )
    return Informant(
        clear(lead.informant_name_enc),
        clear(lead.informant_id_enc),
        clear(lead.informant_phone_enc),
        clear(lead.informant_address_enc),
    )


def counts_by(db: Session, *, actor: Actor, column: str) -> list[tuple[str, int]]:
    """How many leads in scope per value of ``column`` (domain, status, channel)."""
    policy.ensure(db, actor, "lead.view")
    field = {"domain": Lead.domain, "status": Lead.status, "channel": Lead.channel}[column]
    stmt = filtered(actor, LeadFilter()).with_only_columns(field, func.count()).group_by(field)
    return [(str(value), int(n)) for value, n in db.execute(stmt.order_by(None))]


def deadline_counts(db: Session, *, actor: Actor, today: date | None = None) -> dict[str, int]:
    """What waits for the actor's unit: overdue, due within 7 days, and not yet assigned."""
    policy.ensure(db, actor, "lead.view")
    today = today or local_today()
    mine = filtered(actor, LeadFilter())
    if actor.department_id is not None:
        mine = mine.where(Lead.assignee_department_id == actor.department_id)
    open_leads = mine.where(Lead.status.in_(OPEN_STATUSES))
    counts = {
        "overdue": open_leads.where(overdue_clause(today)),
        "due_soon": open_leads.where(Lead.due_on.between(today, today + timedelta(days=7))),
        "unassigned": mine.where(Lead.status == "registered"),
    }
    return {
        name: db.scalar(stmt.with_only_columns(func.count(Lead.id)).order_by(None)) or 0
        for name, stmt in counts.items()
    }


def counts_by_township(db: Session, *, actor: Actor) -> list[tuple[str, int]]:
    """How many leads in scope per township (or county) of the subject, in official order."""
    policy.ensure(db, actor, "lead.view")
    stmt = (
        filtered(actor, LeadFilter())
        .join(Jurisdiction, Jurisdiction.id == Lead.jurisdiction_id)
        .with_only_columns(Jurisdiction.name, func.count())
        .group_by(Jurisdiction.name, Jurisdiction.code)
        .order_by(Jurisdiction.code)
    )
    return [(str(name), int(n)) for name, n in db.execute(stmt)]


def counts_by_month(
    db: Session, *, actor: Actor, months: int = 12, until: date | None = None
) -> list[tuple[str, int]]:
    """Leads discovered per month over the ``months`` months up to ``until``'s month (this
    month by default), oldest first."""
    policy.ensure(db, actor, "lead.view")
    until = until or local_today()
    start_index = until.year * 12 + until.month - months
    start = date(start_index // 12, start_index % 12 + 1, 1)
    end = date(until.year + until.month // 12, until.month % 12 + 1, 1)
    year, month = extract("year", Lead.discovered_on), extract("month", Lead.discovered_on)
    stmt = (
        filtered(actor, LeadFilter())
        .where(Lead.discovered_on >= start, Lead.discovered_on < end)
        .with_only_columns(year, month, func.count())
        .group_by(year, month)
        .order_by(None)
    )
    found = {(int(y), int(m)): int(n) for y, m, n in db.execute(stmt)}
    return [
        (f"{i // 12}-{i % 12 + 1:02d}", found.get((i // 12, i % 12 + 1), 0))
        for i in range(start_index, start_index + months)
    ]


def overdue_by_department(db: Session, *, actor: Actor) -> list[tuple[str, int, int]]:
    """Per department: open leads it holds and how many of them are overdue."""
    policy.ensure(db, actor, "lead.view")
    base = filtered(actor, LeadFilter()).where(
        Lead.status.in_(OPEN_STATUSES), Lead.assignee_department_id.is_not(None)
    )
    late = func.sum(case((overdue_clause(local_today()), 1), else_=0))
    stmt = (
        base.with_only_columns(Department.name, func.count(), late)
        .join(Department, Department.id == Lead.assignee_department_id)
        .group_by(Department.name, Department.position)
        .order_by(Department.position)
    )
    return [(name, int(n), int(overdue or 0)) for name, n, overdue in db.execute(stmt)]
