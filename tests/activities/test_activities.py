"""Activity records: what each kind carries, who records where, voiding, and the page."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.activities import service
from fangfei.activities.service import ActivityIn
from fangfei.audit.models import AuditEvent
from fangfei.errors import FangfeiError
from tests.county import County
from tests.leads.helpers import actor_of
from tests.web.test_pages import log_in

TODAY = date(2026, 12, 7)


def _publicity(**more: object) -> ActivityIn:
    values = {"kind": "publicity", "on_date": date(2026, 6, 15), "title": "防非宣传进社区",
              "offline_events": 2, "reach_people": 300} | more  # fmt: skip
    return ActivityIn.model_validate(values)


def test_a_record_carries_only_the_counts_of_its_kind(db: Session, county: County) -> None:
    office = actor_of(county.users["office"])
    with pytest.raises(FangfeiError) as caught:
        service.record(
            db,
            actor=office,
            today=TODAY,
            data=_publicity(issues_found=1, on_date=date(2026, 12, 8)),
        )
    assert [(p.field, p.reason) for p in caught.value.problems] == [
        ("issues_found", "宣传教育记录不填此项"),
        ("on_date", "日期 2026-12-08 晚于今天"),
    ]
    with pytest.raises(FangfeiError) as caught:
        service.record(db, actor=office, today=TODAY,
                       data=_publicity(offline_events=0, reach_people=0))  # fmt: skip
    assert caught.value.problems[0].reason == (
        "请至少填写一项：线下宣传活动（场次）、线上宣传点击量（次）、宣传覆盖人数（人次）"
    )
    found = service.record(db, actor=office, today=TODAY, data=_publicity())
    assert (found.jurisdiction_id, found.created_by_name) == (county.county.id, "office")
    assert db.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "activity")
    ).all() == ["activity.record"]


def test_a_township_records_and_sees_its_own_place_only(db: Session, county: County) -> None:
    east, west = actor_of(county.users["east"]), actor_of(county.users["west"])
    mine = service.record(db, actor=east, today=TODAY, data=_publicity())
    assert mine.jurisdiction_id == county.east.id
    with pytest.raises(FangfeiError) as caught:
        service.record(db, actor=east, today=TODAY, data=_publicity(jurisdiction_id=county.west.id))
    assert caught.value.code == "forbidden"
    assert service.list_for(db, actor=west) == []
    with pytest.raises(FangfeiError) as caught:
        service.void(db, actor=west, activity_id=mine.id, reason="不是我的")
    assert caught.value.code == "forbidden"
    service.void(db, actor=east, activity_id=mine.id, reason="重复登记")
    assert [a.void_reason for a in service.list_for(db, actor=actor_of(county.users["office"]),
                                                    period="2026H1")] == ["重复登记"]  # fmt: skip
    assert service.list_for(db, actor=east, period="2026H2") == []


def test_the_page_records_and_refuses_with_the_reason(
    client: TestClient, db: Session, county: County
) -> None:
    db.commit()
    token = log_in(client, "east")
    refused = client.post("/activities/record", data={
        "csrf_token": token, "kind": "guidance", "on_date": "2026-07-01", "title": "调研",
        "jurisdiction_id": str(county.east.id), "offline_events": "3"})  # fmt: skip
    assert refused.status_code == 422 and "调研指导记录不填此项" in refused.text
    done = client.post("/activities/record", data={
        "csrf_token": token, "kind": "guidance", "on_date": "2026-07-01", "title": "市处非办调研",
        "jurisdiction_id": str(county.east.id), "city_visits": "2", "issues_found": "1"},
        follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    page = client.get("/activities").text
    assert "市处非办调研" in page and "地市赴县区或乡镇（人次） 2；" in page
    log_in(client, "bank")
    assert client.get("/activities").status_code == 403
