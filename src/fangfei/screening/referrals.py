"""Screening results made into risk leads (线上监测 or another channel of 自主摸排发现): a
key-supervision listing (the lead is about the listed enterprise, with the words, tier and
legal basis), a flagged promotional text (about the enterprise behind it, with the hits), or a
flagged loan (about the lender, with the rates and flags). Texts and loans are screened again on
the server: the client's verdict is never trusted."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.entities.identifiers import check_uscc
from fangfei.entities.models import Enterprise
from fangfei.errors import FieldProblem, conflict, invalid
from fangfei.leads import intake
from fangfei.leads.models import Lead
from fangfei.leads.schemas import LeadCreate
from fangfei.reference import service as reference
from fangfei.screening import supervision
from fangfei.screening.loans import screen_loan_data
from fangfei.screening.texts import screen_text
from fangfei.security.crypto import FieldCipher

SOURCE = "self_discovered"  # 自主摸排发现: the channels a screening hit may come in by
EXCERPT = 2000  # characters of the text kept in the lead's description


class ListingLeadIn(BaseModel):
    """How the lead is registered."""

    channel: str = Field(default="online_monitoring", description="线索渠道（自主摸排发现类）")
    domain: str = Field(default="d2_private_finance", description="所属行业领域代码")
    note: str = Field(default="", max_length=2000)


def channels(db: Session) -> list[tuple[str, str]]:
    """The channels of 自主摸排发现, as (code, name)."""
    return [(i.code, i.name) for i in reference.items(db, "channel", active_only=True)
            if i.extra.get("source") == SOURCE]  # fmt: skip


def to_lead(
    db: Session, *, actor: Actor, cipher: FieldCipher, listing_id: int, data: ListingLeadIn,
    today: date,
) -> Lead:  # fmt: skip
    """Register a lead about the listed enterprise; the listing keeps the lead."""
    listing = supervision.get(db, actor=actor, listing_id=listing_id)
    policy.ensure(db, actor, "lead.create")
    if listing.lead_id is not None:
        raise conflict("该重点监管对象已登记为风险线索，请打开已有线索。")
    _ensure_channel(db, data.channel)
    note = f"\n承办人说明：{data.note.strip()}" if data.note.strip() else ""
    lead = intake.create(db, actor=actor, cipher=cipher, data=LeadCreate(
        channel=data.channel, domain=data.domain, subject_entity_id=listing.entity_id,
        description=f"企业名称、经营范围筛查列入重点监管对象：{listing.reason}{note}",
        discovered_on=today,
    ))  # fmt: skip
    listing.lead_id = lead.id
    audit.record(db, actor=actor, action="supervision.lead", object_type="entity",
                 object_id=listing.entity_id, detail={"lead": lead.number})  # fmt: skip
    return lead


class LeadPlacement(BaseModel):
    """Where a lead from a screened text or loan is filed."""

    jurisdiction_id: int | None = None
    channel: str = "online_monitoring"
    domain: str = "d2_private_finance"


class TextLeadIn(LeadPlacement):
    """A screened promotional text registered as a lead about the enterprise behind it."""

    text: str = Field(min_length=1, max_length=20000)
    subject_name: str = Field(default="", max_length=200)
    subject_uscc: str = Field(default="", max_length=32)


def text_to_lead(
    db: Session, *, actor: Actor, cipher: FieldCipher, data: TextLeadIn, today: date
) -> Lead:
    """Screen the text again (the client's verdict is not trusted) and register a lead with the
    hits; the lead is about the registered enterprise of that USCC when there is one."""
    policy.ensure(db, actor, "lead.create")
    result = screen_text(data.text)
    if not result.flagged:
        raise invalid(
            "该文本未达到判定阈值，不能登记为风险线索。", [FieldProblem("text", result.explanation)]
        )
    _ensure_channel(db, data.channel)
    excerpt = data.text if len(data.text) <= EXCERPT else data.text[:EXCERPT] + "……"
    return intake.create(db, actor=actor, cipher=cipher, data=LeadCreate(
        channel=data.channel, domain=data.domain, jurisdiction_id=data.jurisdiction_id,
        description=f"宣传文本筛查：{result.explanation}\n原文：{excerpt}", discovered_on=today,
        **_subject(db, data.subject_name, data.subject_uscc),
    ))  # fmt: skip


def _ensure_channel(db: Session, channel: str) -> None:
    if channel not in dict(channels(db)):
        raise invalid(
            "线索渠道有误。", [FieldProblem("channel", "须为自主摸排发现类的渠道，如线上监测")]
        )


def _subject(db: Session, name: str, uscc_given: str) -> dict[str, object]:
    """The registered enterprise of that USCC as the subject, else the name and code as given."""
    uscc = check_uscc(uscc_given or None).value
    entity_id = db.scalar(select(Enterprise.id).where(Enterprise.uscc == uscc)) if uscc else None
    if entity_id is not None:
        return {"subject_entity_id": entity_id}
    return {"subject_name": name, "subject_uscc": uscc_given or None}


class LoanLeadIn(LeadPlacement):
    """A screened loan registered as a lead about its lender."""

    loan: dict[str, object]
    lender_uscc: str = Field(default="", max_length=32)


def loan_to_lead(
    db: Session, *, actor: Actor, cipher: FieldCipher, data: LoanLeadIn, today: date
) -> Lead:
    """Screen the loan again and register a lead about the lender with the rates and flags."""
    policy.ensure(db, actor, "lead.create")
    result = screen_loan_data(data.loan)
    if not result.flags:
        raise invalid(
            "该借款未发现超过利率上限或套路贷特征，不能登记为风险线索。",
            [FieldProblem("loan", result.explanation)],
        )
    _ensure_channel(db, data.channel)
    loan = result.loan
    return intake.create(db, actor=actor, cipher=cipher, data=LeadCreate(
        channel=data.channel, domain=data.domain, jurisdiction_id=data.jurisdiction_id,
        description=(
            f"借款利率筛查（出借人 {loan.lender_name}，借款人 {loan.borrower_name or '未填'}，"
            f"合同日期 {loan.contract_date.isoformat()}）：名义年利率 "
            f"{result.annual_rate_nominal_pct}%，实际年化 {result.annual_rate_effective_pct}%。"
            f"{result.explanation}"
        ),
        discovered_on=today, **_subject(db, loan.lender_name, data.lender_uscc),
    ))  # fmt: skip
