"""A key-supervision listing made into a risk lead (线上监测 or another channel of 自主摸排发现):
the lead is about the listed enterprise and carries the words, the tier and the legal basis."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.errors import FieldProblem, conflict, invalid
from fangfei.leads import intake
from fangfei.leads.models import Lead
from fangfei.leads.schemas import LeadCreate
from fangfei.reference import service as reference
from fangfei.screening import supervision
from fangfei.security.crypto import FieldCipher

SOURCE = "self_discovered"  # 自主摸排发现: the channels a screening hit may come in by


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
    if data.channel not in dict(channels(db)):
        raise invalid(
            "线索渠道有误。", [FieldProblem("channel", "须为自主摸排发现类的渠道，如线上监测")]
        )
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
