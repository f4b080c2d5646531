"""Demo parts of Attachment 1 for the current half-year: 县市场监管局 has submitted its part with
one figure reported otherwise, 城关镇 has submitted its part as counted, 县公安局 has begun; the
other townships and departments are still missing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.auth import service as auth
from fangfei.auth.models import User
from fangfei.auth.roles import Actor
from fangfei.reports import attachment1, parts
from fangfei.reports.parts import ChangeIn

OFFLINE = attachment1.LEAVES.index(("宣传教育", "线下宣传活动（场次）", None))


def build_demo_parts(db: Session, *, today: date) -> int:
    """The three demo parts of the half-year ``today`` falls in; returns how many."""

    def actor(username: str) -> Actor:
        return auth.actor_for(db.scalars(select(User).where(User.username == username)).one())

    period = attachment1.current_half(today)
    market = actor("shichang")
    counted = parts.mine(db, actor=market, period=period).counted[OFFLINE]
    reason = "“3·15”消费者权益日在县城广场和城关镇各办宣传一场，活动记录尚未补录"
    parts.save(db, actor=market, period=period,
               changes=[ChangeIn(column=OFFLINE, reported=str(counted + 2), reason=reason)])  # fmt: skip
    parts.submit(db, actor=market, period=period)
    parts.submit(db, actor=actor("xiangzhen"), period=period)
    parts.save(db, actor=actor("gongan"), period=period, changes=[])
    return 3
