"""Building leads in tests: a valid intake with defaults that a test overrides."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from fangfei.auth import service as auth
from fangfei.auth.models import User
from fangfei.leads import intake
from fangfei.leads.models import Lead
from fangfei.leads.schemas import InformantIn, LeadCreate
from fangfei.security.crypto import FieldCipher
from tests.county import County

INFORMANT = InformantIn(name="王秀英", id_number="11010519491231002X", phone="13812345678")


def actor_of(user: User) -> Any:
    """The actor of a test user."""
    return auth.actor_for(user)


def lead_data(county: County, **overrides: Any) -> LeadCreate:
    """A complete intake: a public report about a wealth-management shop in 东城镇."""
    values: dict[str, Any] = {
        "channel": "hotline_12345",
        "domain": "d3_securities",
        "subject_name": "东城鑫盛财富管理有限公司",
        "jurisdiction_id": county.east.id,
        "description": "门店宣传年化 18% 保本理财，已有数十名老人投资。",
        "amount_yuan": Decimal("2500000.00"),
        "people_count": 60,
        "discovered_on": date(2026, 5, 18),
    }
    values.update(overrides)
    return LeadCreate.model_validate(values)


def make_lead(
    db: Session, county: County, cipher: FieldCipher, *, by: str = "office", **overrides: Any
) -> Lead:
    """Register a lead as one of the county's users."""
    return intake.create(
        db, actor=actor_of(county.users[by]), cipher=cipher, data=lead_data(county, **overrides)
    )
