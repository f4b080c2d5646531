"""Demo activity records: publicity in the townships and guidance visits, over the last year."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.activities import service
from fangfei.activities.service import ActivityIn
from fangfei.auth import service as auth
from fangfei.auth.models import User
from fangfei.demo.draw import Draw
from fangfei.reference.models import Jurisdiction

PUBLICITY = ("防范非法集资宣传进社区", "“守住钱袋子”集市宣传", "养老诈骗防范讲座", "防非知识进校园",
             "金融知识进乡村", "线上防非知识答题")  # fmt: skip


def _publicity(draw: Draw, place: Jurisdiction, today: date) -> ActivityIn:
    """One publicity effort in ``place`` some day in the last year."""
    return ActivityIn(
        kind="publicity", on_date=today - timedelta(days=draw.rng.randint(1, 360)),
        title=f"{place.name}{draw.rng.choice(PUBLICITY)}", jurisdiction_id=place.id,
        offline_events=draw.rng.randint(1, 3), online_clicks=draw.rng.randint(0, 5000),
        reach_people=draw.rng.randint(80, 900),
    )  # fmt: skip


def build_demo_activities(db: Session, *, seed: int, today: date) -> int:
    """Publicity by the lead office in each township and two guidance visits; returns the count."""
    draw = Draw.seeded(seed + 5)
    office = auth.actor_for(db.scalars(select(User).where(User.username == "chufei")).one())
    townships = db.scalars(select(Jurisdiction).where(Jurisdiction.level == "township")
                           .order_by(Jurisdiction.code)).all()  # fmt: skip
    records = [_publicity(draw, place, today) for place in townships]
    records += [
        ActivityIn(kind="guidance", on_date=today - timedelta(days=70), title="省处非办赴县调研指导",
                   provincial_visits=3, issues_found=4),
        ActivityIn(kind="guidance", on_date=today - timedelta(days=30), title="市处非办赴乡镇督导",
                   city_visits=2, issues_found=2),
    ]  # fmt: skip
    for data in records:
        service.record(db, actor=office, data=data, today=today)
    return len(records)
