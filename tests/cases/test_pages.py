"""Case pages through the app: list filters, the deadline list, the board, the dashboard tiles,
and a refusal shown on the case page."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fangfei.cases import measures, service
from fangfei.cases.schemas import CaseUpdate, MeasureIn
from fangfei.security.crypto import FieldCipher
from tests.cases.helpers import open_case
from tests.county import County
from tests.leads.helpers import actor_of
from tests.web.test_pages import log_in


def _text(html: str, testid: str) -> str:
    found = BeautifulSoup(html, "html.parser").find(attrs={"data-testid": testid})
    assert found is not None, testid
    return re.sub(r"\s+", " ", found.get_text(" ")).strip()


def test_list_board_deadlines_and_tiles(
    client: TestClient, db: Session, county: County, cipher: FieldCipher
) -> None:
    office = actor_of(county.users["office"])
    big = open_case(db, county, cipher)
    service.update(db, actor=office, case_id=big.id,
                   data=CaseUpdate(amount_yuan=Decimal("150000000"), supervised_nationally=True))  # fmt: skip
    small = open_case(db, county, cipher, subject_name="西城某某养老服务中心")
    measures.record_measure(db, actor=office, case_id=small.id, data=MeasureIn(
        kind="rectification_order", taken_on=date(2025, 9, 1), target="西城某某", rectify_workdays=5))  # fmt: skip
    db.commit()
    log_in(client, "office")

    flagged = client.get("/cases", params={"flag": "over_100m"}).text
    assert _text(flagged, "total") == "共 1 件，第 1 / 1 页"
    assert big.number in _text(flagged, "cases") and small.number not in _text(flagged, "cases")
    overdue = client.get("/cases", params={"overdue": "true"}, headers={"HX-Request": "true"}).text
    assert small.number in overdue and big.number not in overdue
    assert "<html" not in overdue  # the partial only

    board = client.get("/cases/board").text
    assert big.number in _text(board, "board-1") and big.number in _text(board, "board-3")
    assert (
        _text(board, "board-2")
        == "五年以上（0 件） 编号 案件名称 主办地 涉及金额（元） 立案时间 阶段 无"
    )

    listed = _text(client.get("/cases/deadlines").text, "deadlines")
    assert "2025-09-08 " in listed and "整改期满 西城某某：5 个工作日内整改 已超期" in listed
    dashboard = client.get("/").text
    assert _text(dashboard, "count-case-overdue") == "1"


def test_a_refused_step_is_shown_on_the_case_page(
    client: TestClient, db: Session, county: County, cipher: FieldCipher
) -> None:
    case = open_case(db, county, cipher)
    db.commit()
    token = log_in(client, "office")
    page = client.post(f"/cases/{case.id}/step", data={
        "csrf_token": token, "track": "procedure", "step": "accept"})  # fmt: skip
    assert page.status_code == 422
    assert _text(page.text, "error") == (
        "未保存：缺少必填内容。 字段“investigation_mode”：受理时须选择调查方式（行业执法调查或专项调查）"
    )
    done = client.post(f"/cases/{case.id}/step", follow_redirects=False, data={
        "csrf_token": token, "track": "procedure", "step": "accept",
        "investigation_mode": "special"})  # fmt: skip
    assert done.status_code == 303
    assert _text(client.get(f"/cases/{case.id}").text, "stage") == "调查取证"
