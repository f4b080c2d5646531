"""The demo county's risk leads: every channel, domain and status, some overdue, some duplicates.

Leads go through the real services (intake, assignment, claim, judgement, closing), so their
timelines, deadlines and audit rows are what an office would have produced. Discovery dates fall
in the twelve months before the day the demo is built; older leads are further along.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.auth.roles import Actor
from fangfei.cases import service as cases
from fangfei.cases.schemas import CaseOpen
from fangfei.clock import local_today
from fangfei.demo.draw import Draw
from fangfei.entities.models import Enterprise
from fangfei.leads import handling, intake
from fangfei.leads.models import Lead
from fangfei.leads.schemas import AssignIn, InformantIn, JudgeIn, LeadCreate
from fangfei.reference import service as reference
from fangfei.security.crypto import FieldCipher

DEMO_LEADS = 600
VERIFY_WORKDAYS = 15
# What an office hears about, by domain: (domain, focus area or None, weight, what was reported).
STORIES = (
    (
        "d1_fintech",
        "blockchain",
        12,
        "以“数字藏品”“区块链矿机”名义招揽投资，承诺每日返利 1%，要求拉人入群。",
    ),
    ("d1_fintech", None, 6, "推广所谓“虚拟币量化交易”APP，宣称稳赚不赔，提现困难。"),
    (
        "d2_private_finance",
        "wealth_management",
        18,
        "门店向中老年人推销“理财产品”，承诺年化 15% 保本保息。",
    ),
    (
        "d2_private_finance",
        "private_finance_intermediary",
        8,
        "中介以“过桥资金”名义向社会借款，月息 2 分。",
    ),
    (
        "d3_securities",
        "pseudo_private_fund",
        8,
        "以私募基金名义向不特定对象募集，承诺固定收益，未备案。",
    ),
    ("d3_securities", "equity_crowdfunding", 5, "推销“即将上市”原始股，称一年翻三倍。"),
    ("d4_local_finance", None, 10, "无牌放贷，扣除砍头息，逾期后上门催收。"),
    (
        "d5_other_sectors",
        "elderly_care",
        14,
        "以养老公寓床位、会员卡名义收取预付款，承诺到期返本付息。",
    ),
    ("d5_other_sectors", "cloud_farming", 6, "“云养殖”项目认养牛羊，承诺每月分红。"),
    ("d5_other_sectors", "trade_services", 7, "超市办理“消费全返”会员卡，充值越多返利越高。"),
    ("d6_other", None, 6, "群众反映有人组织“互助盘”，新人资金支付老会员收益。"),
)
CHANNEL_WEIGHTS = (
    ("hotline_12345", 14), ("phone", 8), ("letter", 4), ("fax", 1), ("email", 3), ("website", 8),
    ("visit", 5), ("national_platform", 4), ("grid_worker", 14), ("sweep", 8), ("supervision", 6),
    ("bank_referral", 7), ("online_monitoring", 8), ("police", 4), ("assigned_from_above", 4),
    ("other_county_alert", 2),
)  # fmt: skip
# How far a lead has come, by its age: (status reached, weight) for old and for recent leads.
OLD_STAGES = (("registered", 2), ("assigned", 6), ("verifying", 8), ("judged", 14),
              ("closed", 50), ("transferred", 20))  # fmt: skip
RECENT_STAGES = (("registered", 25), ("assigned", 30), ("verifying", 25), ("judged", 12),
                 ("closed", 6), ("transferred", 2))  # fmt: skip
ORDER = ("registered", "assigned", "verifying", "judged", "closed", "transferred")


def _informant(draw: Draw, channel: str) -> InformantIn | None:
    if channel not in ("hotline_12345", "phone", "letter", "email", "website", "visit") or (
        draw.rng.random() < 0.35
    ):
        return None
    phone = f"1{draw.rng.choice('3578')}{draw.rng.randrange(10**9):09d}"
    return InformantIn(name=draw.fake.name(), phone=phone, address=draw.fake.street_address())


def _lead_input(draw: Draw, day: date, firms: list[Enterprise], townships: list[Any]) -> LeadCreate:
    domain, focus, _, story = draw.weighted([((d, f, w, s), w) for d, f, w, s in STORIES])
    channel = draw.weighted(CHANNEL_WEIGHTS)
    values: dict[str, object] = {
        "channel": channel, "domain": domain, "focus_area": focus, "description": story,
        "amount_yuan": Decimal(draw.rng.choice((5, 20, 80, 300, 1200, 6000, 15000))) * 1000,
        "people_count": draw.rng.randint(3, 800), "discovered_on": day,
        "informant": _informant(draw, channel),
    }  # fmt: skip
    if firms and draw.rng.random() < 0.7:
        values["subject_entity_id"] = draw.rng.choice(firms).id
    else:
        place = draw.rng.choice(townships)
        values["subject_name"] = f"{place.name}{draw.fake.last_name()}某"
        values["jurisdiction_id"] = place.id
    return LeadCreate.model_validate(values)


JUDGEMENTS = (
    (JudgeIn(findings="经核查，该主体以高额回报为诱饵向社会公众吸收资金，涉嫌非法集资。",
             verified_true=True, is_illegal_fundraising=True, meets_standard_conditions=False,
             regulator="local_finance", disposal_path="administrative"), 5),
    (JudgeIn(findings="经核查，资金规模大、参与人数多，已涉嫌犯罪。", verified_true=True,
             is_illegal_fundraising=True, meets_standard_conditions=False, disposal_path="criminal"), 3),
    (JudgeIn(findings="经核查，系正常经营的会员储值业务，未承诺回报。", verified_true=False,
             is_illegal_fundraising=False, no_risk_reason="未发现非法集资特征"), 4),
)  # fmt: skip


def _advance(db: Session, actor: Actor, lead: Lead, target: str, day: date, draw: Draw) -> None:
    """Move a new lead through the services up to ``target``."""
    if ORDER.index(target) < 1:
        return
    route = handling.propose_route(db, lead=lead)
    if route.department is not None:
        data = AssignIn(department_id=route.department.id)
    elif route.jurisdiction is not None:
        data = AssignIn(jurisdiction_id=route.jurisdiction.id)
    else:
        return  # no rule says where it goes: it waits for the office
    handling.assign(db, actor=actor, lead_id=lead.id, data=data,
                    workdays_allowed=VERIFY_WORKDAYS, on=day + timedelta(days=2))  # fmt: skip
    if ORDER.index(target) >= 2:
        handling.claim(db, actor=actor, lead_id=lead.id)
    if ORDER.index(target) >= 3:
        judgement = draw.weighted(JUDGEMENTS)
        handling.judge(db, actor=actor, lead_id=lead.id, data=judgement)
        if target == "transferred" and not judgement.disposal_path:
            target = "closed"
    if target == "closed":
        handling.close(db, actor=actor, lead_id=lead.id)
    elif target == "transferred":
        cases.open_from_leads(db, actor=actor, data=CaseOpen(lead_ids=[lead.id]))


def build_demo_leads(
    db: Session, *, actor: Actor, cipher: FieldCipher, seed: int, count: int = DEMO_LEADS,
    today: date | None = None,
) -> int:  # fmt: skip
    """Register ``count`` leads over the last year and carry each as far as its age suggests."""
    draw = Draw.seeded(seed + 6)
    today = today or local_today()
    townships = [j for j in reference.jurisdictions(db) if j.level == "township"]
    firms = list(db.scalars(select(Enterprise).order_by(Enterprise.id).limit(2000)))
    days = sorted(today - timedelta(days=draw.rng.randint(0, 365)) for _ in range(count))
    earlier: list[LeadCreate] = []
    for day in days:
        data = _lead_input(draw, day, firms, townships)
        if earlier and draw.rng.random() < 0.05:  # the same matter reported again
            data = earlier[draw.rng.randrange(len(earlier))].model_copy(
                update={"discovered_on": day, "channel": draw.weighted(CHANNEL_WEIGHTS)}
            )
        earlier.append(data)
        lead = intake.create(db, actor=actor, cipher=cipher, data=data)
        stages = OLD_STAGES if (today - day).days > 60 else RECENT_STAGES
        _advance(db, actor, lead, draw.weighted(stages), day, draw)
    return count
