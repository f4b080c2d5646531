"""Reference data: the shipped files, administrator edits that survive resyncs, the LPR table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.auth.roles import system_actor
from fangfei.errors import FangfeiError
from fangfei.reference import files, service
from fangfei.reference.models import RefItem

ACTOR = system_actor("test")


def test_shipped_enumerations_in_official_order(db: Session) -> None:
    assert [i.name for i in service.items(db, "criminal_stage")] == [
        "立案",
        "在侦",
        "在诉",
        "在审",
        "执行",
        "结案",
    ]
    assert len(service.items(db, "industry_domain")) == 6
    assert len(service.items(db, "regulator")) == 5
    channels = {i.code: i.extra["source"] for i in service.items(db, "channel")}
    assert (
        channels["hotline_12345"] == "public_report"
        and channels["assigned_from_above"] == "joint_meeting"
    )
    depts = service.departments(db)
    assert depts[0].is_lead_office and len(depts) == 24 and depts[-1].name == "县税务局"
    focus = {i.name: i.extra["department"] for i in service.items(db, "focus_area")}
    assert focus["伪私募"] == "market_regulation" and focus["养老"] == "human_resources"


def test_resync_is_idempotent(db: Session) -> None:
    assert service.sync_shipped(db, actor=ACTOR) == {"items": 0, "departments": 0, "lpr": 0}


def test_admin_edit_survives_a_newer_file(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    edited = service.items(db, "disposal_path")[0]
    service.update_item(db, actor=ACTOR, item_id=edited.id, name="行政处置", active=True)
    untouched = service.items(db, "disposal_path")[1]
    shipped = files.load("categories.yaml")
    newer = {
        **shipped,
        "version": shipped["version"] + 1,
        "kinds": {
            **shipped["kinds"],
            "disposal_path": {
                "label": "处置路径",
                "items": [
                    {"code": "administrative", "name": "行政（新）"},
                    {"code": "criminal", "name": "刑事（新）"},
                ],
            },
        },
    }
    original = files.load
    monkeypatch.setattr(
        files, "load", lambda name: newer if name == "categories.yaml" else original(name)
    )
    service.sync_shipped(db, actor=ACTOR)
    db.refresh(edited)
    db.refresh(untouched)
    assert (edited.name, untouched.name) == ("行政处置", "刑事（新）")


def test_lpr_in_force_on_a_date(db: Session) -> None:
    assert service.lpr_on(db, date(2019, 8, 19)) is None
    assert service.lpr_on(db, date(2019, 8, 20)) == Decimal("4.25")
    assert service.lpr_on(db, date(2020, 4, 19)) == Decimal("4.05")
    assert service.lpr_on(db, date(2025, 5, 20)) == Decimal("3.00")
    with pytest.raises(FangfeiError, match="已经登记"):
        service.add_lpr(db, actor=ACTOR, effective_date=date(2025, 5, 20), pct=Decimal("3.00"))


def test_create_item_rejects_duplicates_and_unknown_kinds(db: Session) -> None:
    item = service.create_item(db, actor=ACTOR, kind="channel", code="wechat_group", name="微信群")
    assert db.scalar(select(RefItem.edited).where(RefItem.id == item.id)) is True
    with pytest.raises(FangfeiError, match="已有代码"):
        service.create_item(db, actor=ACTOR, kind="channel", code="wechat_group", name="微信群")
    with pytest.raises(FangfeiError, match="未知的基础数据类别"):
        service.create_item(db, actor=ACTOR, kind="colours", code="red", name="红")
