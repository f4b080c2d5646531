"""Building cases in tests: a lead taken through verification and judgement, then a case."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from fangfei.cases import service
from fangfei.cases.models import Case
from fangfei.cases.schemas import CaseOpen
from fangfei.leads import handling
from fangfei.leads.models import Lead
from fangfei.leads.schemas import AssignIn, JudgeIn
from fangfei.security.crypto import FieldCipher
from tests.county import County
from tests.leads.helpers import actor_of, make_lead


def judged_lead(
    db: Session, county: County, cipher: FieldCipher, *, path: str = "administrative", **lead: Any
) -> Lead:
    """A lead the market regulator verified and judged to be illegal fundraising."""
    office, market = actor_of(county.users["office"]), actor_of(county.users["market"])
    made = make_lead(db, county, cipher, **lead)
    department = county.users["market"].department_id
    handling.assign(db, actor=office, lead_id=made.id, data=AssignIn(department_id=department),
                    workdays_allowed=15)  # fmt: skip
    handling.claim(db, actor=market, lead_id=made.id)
    judgement = JudgeIn(
        findings="以高额回报为诱饵向社会公众吸收资金，未取得金融许可。",
        verified_true=True,
        is_illegal_fundraising=True,
        disposal_path=path,
    )
    return handling.judge(db, actor=market, lead_id=made.id, data=judgement)


def open_case(
    db: Session, county: County, cipher: FieldCipher, *, path: str = "administrative", **lead: Any
) -> Case:
    """A case opened by the lead office from one judged lead (stage 待受理)."""
    judged = judged_lead(db, county, cipher, path=path, **lead)
    office = actor_of(county.users["office"])
    return service.open_from_leads(db, actor=office, data=CaseOpen(lead_ids=[judged.id]))
