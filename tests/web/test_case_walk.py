"""A case in real Chromium: a judged lead becomes a case, an interview and a rectification order
with its deadline are recorded, the case goes to the police and through the criminal stages to
closure, and the generated disposal report downloads and reads back with the case's facts."""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path

import docx
from playwright.sync_api import Page, expect

from fangfei.auth import service as auth
from fangfei.auth.models import User
from fangfei.config import Settings
from fangfei.leads import handling, intake
from fangfei.leads.schemas import AssignIn, JudgeIn, LeadCreate
from fangfei.reference import service as reference
from fangfei.reference.models import Jurisdiction
from fangfei.security.crypto import FieldCipher
from fangfei.security.keys import load_keys
from tests.web.conftest import LiveServer, _Template
from tests.web.test_browser import SCREENSHOTS, log_in

SUBJECT = "东城镇兴旺投资咨询有限公司"


def judged_lead_on(live_server: LiveServer, cipher: FieldCipher) -> int:
    """A lead the market regulator judged to be illegal fundraising, set up through the services."""
    with live_server.session() as db:
        users = {u.username: auth.actor_for(u) for u in db.query(User)}
        east = db.query(Jurisdiction).filter_by(name="东城镇").one()
        lead = intake.create(db, actor=users["office"], cipher=cipher,
                             data=LeadCreate(channel="grid_worker", domain="d3_securities",
                                             subject_entity_id=live_server.ids["east"],
                                             jurisdiction_id=east.id, amount_yuan="3600000",
                                             people_count=85, discovered_on="2026-03-02",
                                             description="以“股权投资”名义承诺月息 3%，吸收群众资金。"))  # fmt: skip
        market = reference.department_by_code(db, "market_regulation")
        handling.assign(db, actor=users["office"], lead_id=lead.id,
                        data=AssignIn(department_id=market.id), workdays_allowed=15)  # fmt: skip
        handling.claim(db, actor=users["market"], lead_id=lead.id)
        handling.judge(db, actor=users["market"], lead_id=lead.id, data=JudgeIn(
            findings="承诺固定高额回报，向 85 名群众吸收资金 360 万元。", verified_true=True,
            is_illegal_fundraising=True, disposal_path="administrative"))  # fmt: skip
        db.commit()
        return lead.id


def _step(page: Page, track: str, button: str) -> None:
    page.get_by_test_id(track).get_by_role("button", name=button, exact=True).click()


def _measure(page: Page, kind: str, target: str, document_no: str, workdays: str = "") -> None:
    form = page.get_by_test_id("measure-form")
    form.get_by_label("措施", exact=True).select_option(label=kind)
    form.get_by_label("措施对象").fill(target)
    form.get_by_label("措施文号").fill(document_no)
    form.get_by_label("整改期限").fill(workdays)
    form.get_by_role("button", name="登记措施").click()


def test_a_judged_lead_becomes_a_case_and_is_disposed_of(
    page: Page, live_server: LiveServer, tmp_path: Path, _county_database: _Template
) -> None:
    settings = Settings(env="test", home=tmp_path, secret_key=_county_database.secret_key,
                        encryption_key=_county_database.encryption_key)  # fmt: skip
    lead_id = judged_lead_on(live_server, FieldCipher(load_keys(settings).encryption_key))
    log_in(page, "office")
    page.goto(f"/leads/{lead_id}")
    form = page.get_by_test_id("to-case")
    form.get_by_label("案件名称").fill("兴旺投资非法吸收公众存款案")
    form.get_by_label("包案领导").fill("王副县长")
    form.get_by_role("button", name="转为案件").click()
    expect(page.get_by_test_id("case-number")).to_contain_text("兴旺投资非法吸收公众存款案")
    expect(page.get_by_test_id("stage")).to_have_text("待受理")

    page.get_by_label("调查方式").select_option(label="专项调查")
    _step(page, "procedure", "受理")
    expect(page.get_by_test_id("stage")).to_have_text("调查取证")

    _measure(page, "警示约谈", "法定代表人李某", "东约谈〔2026〕5号")
    _measure(page, "责令整改", SUBJECT, "东整改〔2026〕6号", workdays="10")
    measures = page.get_by_test_id("measures")
    expect(measures).to_contain_text("警示约谈")
    expect(measures).to_contain_text("10 个工作日")
    expect(page.get_by_test_id("case-deadlines")).to_contain_text("整改期满")

    _step(page, "criminal", "移送公安")
    expect(page.get_by_test_id("criminal-stage")).to_have_text("刑事：已移送公安")
    expect(page.get_by_test_id("path")).to_have_text("刑事（先行政后刑事）")
    _step(page, "criminal", "公安立案")
    expect(page.get_by_test_id("stage")).to_have_text("立案侦查")
    page.get_by_label("抓捕人次").fill("3")
    _step(page, "criminal", "侦查")
    for button in ("移送起诉", "提起公诉（在审）"):
        _step(page, "criminal", button)
    page.get_by_label("执行到位资金").fill("1200000")
    _step(page, "criminal", "判决（进入执行）")
    _step(page, "criminal", "刑事结案")
    expect(page.get_by_test_id("criminal-stage")).to_have_text("刑事：结案")
    expect(page.get_by_test_id("facts")).to_contain_text("3 人次 / 1,200,000.00 元")

    _step(page, "procedure", "处置结束")
    expect(page.get_by_test_id("case-deadlines")).to_contain_text("报送处置报告")
    _step(page, "procedure", "报送处置报告")
    expect(page.get_by_test_id("error")).to_contain_text("报送前须先生成处置报告。")

    page.get_by_label("生成文书").select_option(label="处置报告")
    page.get_by_role("button", name="生成文书").click()
    with page.expect_download() as download:
        page.get_by_test_id("document-disposal_report-1").click()
    text = "\n".join(
        p.text for p in docx.Document(BytesIO(Path(download.value.path()).read_bytes())).paragraphs
    )
    for expected in ("兴旺投资非法吸收公众存款案", "一、案件线索", SUBJECT, "警示约谈", "责令整改",
                     "东约谈〔2026〕5号", "五、处置措施及处理结果", "360.00 万元"):  # fmt: skip
        assert expected in text, expected

    _step(page, "procedure", "报送处置报告")
    _step(page, "procedure", "结案")
    expect(page.get_by_test_id("stage")).to_have_text("已结案")
    expect(page.get_by_test_id("timeline")).to_contain_text("生成处置报告")
    if os.environ.get("FANGFEI_SCREENSHOTS") == "1":
        page.screenshot(path=str(SCREENSHOTS / "case-page.png"), full_page=True)
