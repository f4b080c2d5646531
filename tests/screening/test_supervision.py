"""重点监管对象: enterprises registered, changed or imported are screened by name and scope; hits
list them with the words and the reason, changes bring them off again, officers remove one with
a reason or register it as a lead; every screening run is recorded with its checksums."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fangfei.audit.models import AuditEvent
from fangfei.cli import app as fangfei_app
from fangfei.db import unit_of_work
from fangfei.entities import importer
from fangfei.entities import service as entities
from fangfei.entities.models import Enterprise
from fangfei.entities.schemas import EnterpriseCreate, EntityUpdate
from fangfei.errors import FangfeiError
from fangfei.runtime import open_runtime
from fangfei.screening import referrals, runs, supervision
from fangfei.screening.lexicon import data_sha256
from fangfei.screening.models import ScreeningRun, SupervisionListing
from fangfei.security.crypto import FieldCipher
from tests.api.test_api import bearer
from tests.county import County, build_county
from tests.leads.helpers import actor_of
from tests.web.conftest import valid_uscc
from tests.web.test_pages import log_in


def _enterprise(db: Session, county: County, name: str, scope: str = "") -> Enterprise:
    return entities.create_enterprise(db, actor=actor_of(county.users["office"]), data=EnterpriseCreate(
        name=name, business_scope=scope, jurisdiction_id=county.east.id))  # fmt: skip


def _listings(db: Session, entity_id: int) -> list[tuple[str, list[str], str | None]]:
    rows = db.scalars(select(SupervisionListing).where(SupervisionListing.entity_id == entity_id)
                      .order_by(SupervisionListing.id))  # fmt: skip
    return [(r.status, r.words, r.removal_reason) for r in rows]


def test_a_new_enterprise_with_a_barred_word_is_listed_with_the_reason(
    db: Session, county: County
) -> None:
    firm = _enterprise(db, county, "东城鑫盛理财咨询有限公司")
    clean = _enterprise(db, county, "东城安康超市有限公司", "日用百货零售")
    listing = supervision.current(db, firm.id)
    assert listing is not None and listing.words == ["理财"]
    assert listing.reason.startswith("名称或经营范围含“理财”字样，建议列入重点监管对象。")
    assert supervision.current(db, clean.id) is None
    actions = db.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "entity", AuditEvent.object_id == str(firm.id),
    ).order_by(AuditEvent.id)).all()  # fmt: skip
    assert actions == ["entity.create", "supervision.list"]


def test_a_change_relists_or_unlists_and_keeps_the_history(db: Session, county: County) -> None:
    office = actor_of(county.users["office"])
    firm = _enterprise(db, county, "东城鑫盛理财咨询有限公司")
    entities.update(db, actor=office, entity_id=firm.id,
                    data=EntityUpdate(name="东城鑫盛理财投资有限公司"))  # fmt: skip
    assert _listings(db, firm.id) == [("listed", ["理财"], None)]  # same words: unchanged
    entities.update(db, actor=office, entity_id=firm.id,
                    data=EntityUpdate(business_scope="资产管理、投资咨询"))  # fmt: skip
    assert [(status, set(words)) for status, words, _ in _listings(db, firm.id)] == [
        ("removed", {"理财"}), ("listed", {"理财", "资产管理"})]  # fmt: skip
    entities.update(db, actor=office, entity_id=firm.id,
                    data=EntityUpdate(name="东城鑫盛商贸有限公司", business_scope="日用百货"))  # fmt: skip
    assert [(status, reason) for status, _, reason in _listings(db, firm.id)] == [
        ("removed", supervision.RELISTED), ("removed", supervision.GONE)]  # fmt: skip


def test_an_import_is_screened_as_one_recorded_run(
    db: Session, county: County, tmp_path: Path
) -> None:
    path = tmp_path / "名录.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["企业名称", "统一社会信用代码", "所属乡镇", "经营范围"])
    sheet.append(["东城某某资产管理有限公司", "", "东城镇", "资产管理、投资咨询"])
    sheet.append(["东城某某粮油店", "", "东城镇", "粮油零售"])
    sheet.append(["东城金融街餐饮店", "", "东城镇", "餐饮服务"])
    book.save(path)
    result = importer.import_registry(db, actor=actor_of(county.users["office"]), path=path)
    assert result.supervised == 1
    run = db.scalars(select(ScreeningRun)).one()
    assert (run.kind, run.rows, run.flagged, run.input_sha256) == (
        "registry_import", 3, 1, db.get(importer.ImportBatch, result.batch_id).sha256,  # type: ignore[union-attr]
    )  # fmt: skip
    assert run.lexicon_sha256 == data_sha256("names.yaml")
    listed = db.scalars(select(SupervisionListing)).one()
    assert (listed.run_id, listed.words) == (run.id, ["资产管理"])


def test_removing_needs_a_reason_and_the_lead_office(db: Session, county: County) -> None:
    firm = _enterprise(db, county, "东城鑫盛理财咨询有限公司")
    listing = supervision.current(db, firm.id)
    assert listing is not None
    with pytest.raises(FangfeiError, match="维护重点监管对象名单"):
        supervision.remove(db, actor=actor_of(county.users["east"]), listing_id=listing.id,
                           reason="乡镇不能移出")  # fmt: skip
    with pytest.raises(FangfeiError, match="移出名单须写明理由"):
        supervision.remove(db, actor=actor_of(county.users["office"]), listing_id=listing.id,
                           reason="否")  # fmt: skip
    done = supervision.remove(db, actor=actor_of(county.users["office"]), listing_id=listing.id,
                              reason="已核实为持牌机构的分支机构")  # fmt: skip
    assert (done.status, done.removed_by_name) == ("removed", "office")
    assert supervision.current(db, firm.id) is None


def test_a_listing_becomes_a_lead_once(db: Session, county: County, cipher: FieldCipher) -> None:
    firm = _enterprise(db, county, "东城鑫盛理财咨询有限公司")
    listing = supervision.current(db, firm.id)
    assert listing is not None
    office = actor_of(county.users["office"])
    with pytest.raises(FangfeiError, match="线索渠道有误") as refused:
        referrals.to_lead(db, actor=office, cipher=cipher, listing_id=listing.id,
                          data=referrals.ListingLeadIn(channel="hotline_12345"),
                          today=date(2026, 12, 7))  # fmt: skip
    assert refused.value.problems[0].reason == "须为自主摸排发现类的渠道，如线上监测"
    lead = referrals.to_lead(db, actor=office, cipher=cipher, listing_id=listing.id,
                             data=referrals.ListingLeadIn(note="门店张贴保本理财海报"),
                             today=date(2026, 12, 7))  # fmt: skip
    assert (lead.channel, lead.subject_entity_id, lead.jurisdiction_id) == (
        "online_monitoring", firm.id, county.east.id,
    )  # fmt: skip
    assert lead.description.startswith(
        "企业名称、经营范围筛查列入重点监管对象：名称或经营范围含“理财”"
    )
    assert lead.description.endswith("承办人说明：门店张贴保本理财海报")
    assert listing.lead_id == lead.id
    with pytest.raises(FangfeiError, match="已登记为风险线索"):
        referrals.to_lead(db, actor=office, cipher=cipher, listing_id=listing.id,
                          data=referrals.ListingLeadIn(), today=date(2026, 12, 7))  # fmt: skip


def test_the_page_and_the_api(client: TestClient, db: Session, county: County) -> None:
    firm = _enterprise(db, county, "东城鑫盛理财咨询有限公司")
    _enterprise(db, county, "西城某某交易所有限公司")
    db.commit()
    token = log_in(client, "office")
    page = BeautifulSoup(client.get("/screening/supervision").text, "html.parser")
    assert page.select_one("[data-testid=listing-count]").get_text() == "共 2 家"
    assert {r["data-entity"] for r in page.select("[data-testid=listings] tbody tr")} == {
        "东城鑫盛理财咨询有限公司", "西城某某交易所有限公司"}  # fmt: skip
    entity = BeautifulSoup(client.get(f"/entities/{firm.id}").text, "html.parser")
    assert "理财" in entity.select_one("[data-testid=supervised]").get_text()
    listing = supervision.current(db, firm.id)
    assert listing is not None
    refused = client.post(f"/screening/supervision/{listing.id}/remove",
                          data={"csrf_token": token, "reason": ""})  # fmt: skip
    assert refused.status_code == 422 and "移出名单须写明理由" in refused.text
    made = client.post(f"/screening/supervision/{listing.id}/lead", follow_redirects=False,
                       data={"csrf_token": token, "channel": "online_monitoring",
                             "domain": "d2_private_finance"})  # fmt: skip
    assert made.status_code == 303 and made.headers["location"].startswith("/leads/")
    api = client.get("/api/v1/supervision", headers=bearer(db, county, "office")).json()
    by_name = {item["entity_name"]: item for item in api}
    assert by_name["东城鑫盛理财咨询有限公司"]["lead_id"] is not None
    assert by_name["西城某某交易所有限公司"]["words"] == ["交易所"]


def test_the_command_line_rescreens_every_enterprise_and_records_file_runs(
    installed: Path, tmp_path: Path
) -> None:
    with unit_of_work(open_runtime().sessions) as db:
        county = build_county(db)
        firm = _enterprise(db, county, "东城鑫盛理财咨询有限公司")
        listing = supervision.current(db, firm.id)
        assert listing is not None
        supervision.remove(db, actor=actor_of(county.users["office"]), listing_id=listing.id,
                           reason="先移出，再重新筛查")  # fmt: skip
    result = CliRunner().invoke(fangfei_app, ["screen", "entities"])
    assert result.exit_code == 0, result.output
    assert (
        "筛查已登记企业 1 家" in result.output
        and "新列入 1 家，移出 0 家，名单现有 1 家" in result.output
    )
    registry = tmp_path / "registry.csv"
    registry.write_text("企业名称,经营范围\n某某财富管理有限公司,财富管理\n", encoding="utf-8")
    recorded = CliRunner().invoke(fangfei_app, ["screen", "names", str(registry), "--record"])
    assert recorded.exit_code == 0, recorded.output
    ads = tmp_path / "ads"
    ads.mkdir()
    (ads / "a.txt").write_text("保本保息，年化收益18%，每月返利\n本店周末水果八折\n", "utf-8")
    texts = CliRunner().invoke(fangfei_app, ["screen", "texts", str(ads), "--record",
                                             "--format", "jsonl"])  # fmt: skip
    assert texts.exit_code == 0, texts.output
    assert [json.loads(line)["flagged"] for line in texts.stdout.splitlines()] == [True, False]
    assert "已记录筛查" in texts.stderr
    loan = tmp_path / "loan.json"
    loan.write_text(json.dumps(KANTOUXI_LOAN, ensure_ascii=False), "utf-8")
    loans = CliRunner().invoke(fangfei_app, ["screen", "loan", str(loan), "--record"])
    assert loans.exit_code == 0, loans.output
    assert json.loads(loans.stdout)["flags"]
    with unit_of_work(open_runtime().sessions) as db:
        recorded_runs = list(db.scalars(select(ScreeningRun).order_by(ScreeningRun.id)))
        audited = db.scalar(select(func.count()).select_from(AuditEvent)
                            .where(AuditEvent.action == "screening.run"))  # fmt: skip
    assert [(r.kind, r.rows, r.flagged) for r in recorded_runs] == [
        ("enterprises", 1, 1), ("registry_file", 1, 1), ("text_files", 2, 1), ("loan_files", 1, 1)]  # fmt: skip
    assert recorded_runs[2].input_sha256 == runs.path_sha256(ads)
    assert recorded_runs[2].lexicon_sha256 == data_sha256("texts.yaml")
    assert recorded_runs[3].lexicon_sha256 == data_sha256("lending.yaml")
    assert audited == 4


PROMISE = "鑫盛理财：保本保息，年化收益18%，每月返利，推荐朋友投资再奖励1%。"


def test_a_flagged_text_becomes_a_lead_about_the_registered_enterprise(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    office = actor_of(county.users["office"])
    firm = entities.create_enterprise(db, actor=office, data=EnterpriseCreate(
        name="东城鑫盛商贸有限公司", uscc=valid_uscc("91330122MA2B3C4D5"),
        jurisdiction_id=county.east.id))  # fmt: skip
    lead = referrals.text_to_lead(db, actor=office, cipher=cipher, today=date(2026, 12, 7),
                                  data=referrals.TextLeadIn(text=PROMISE, subject_uscc=firm.uscc or ""))  # fmt: skip
    assert (lead.subject_entity_id, lead.channel, lead.jurisdiction_id) == (
        firm.id, "online_monitoring", county.east.id)  # fmt: skip
    assert lead.description.startswith("宣传文本筛查：疑似非法集资或非法放贷宣传：得分 10")
    assert lead.description.endswith(f"原文：{PROMISE}")
    with pytest.raises(FangfeiError, match="未达到判定阈值"):
        referrals.text_to_lead(db, actor=office, cipher=cipher, today=date(2026, 12, 7),
                               data=referrals.TextLeadIn(text="本店周末水果八折优惠。", subject_name="某水果店",
                                                         jurisdiction_id=county.east.id))  # fmt: skip


def test_the_screening_page_registers_a_flagged_text(
    client: TestClient, db: Session, county: County
) -> None:
    db.commit()
    token = log_in(client, "east")
    shown = BeautifulSoup(client.post("/screening/text", data={"csrf_token": token, "text": PROMISE}).text,
                          "html.parser")  # fmt: skip
    form = shown.select_one("[data-testid=text-lead-form]")
    assert form is not None and form.select_one("input[name=text]")["value"] == PROMISE
    assert [o.get_text() for o in form.select("select[name=jurisdiction_id] option")] == ["东城镇"]
    made = client.post("/screening/text/lead", follow_redirects=False, data={
        "csrf_token": token, "text": PROMISE, "subject_name": "鑫盛理财工作室",
        "jurisdiction_id": str(county.east.id), "channel": "online_monitoring",
        "domain": "d2_private_finance"})  # fmt: skip
    assert made.status_code == 303 and made.headers["location"].startswith("/leads/")
    lead = BeautifulSoup(client.get(made.headers["location"]).text, "html.parser")
    assert "鑫盛理财工作室" in lead.select_one("h1").get_text()


KANTOUXI_LOAN = {
    "loan_id": "L-1", "lender": {"name": "东城速借工作室", "licensed": "none"},
    "borrower": {"name": "张三", "is_student": False}, "contract_date": "2026-03-01",
    "principal_stated": "10000", "withheld": "2000",
    "cash_flows": [{"date": "2026-03-01", "amount": "-8000", "kind": "disbursement"},
                   {"date": "2026-09-01", "amount": "10000", "kind": "repayment"}],
}  # fmt: skip
FAIR_LOAN = {
    "loan_id": "L-2", "lender": {"name": "某银行", "licensed": "bank"},
    "borrower": {"name": "李四", "is_student": False}, "contract_date": "2026-03-01",
    "principal_stated": "10000",
    "cash_flows": [{"date": "2026-03-01", "amount": "-10000", "kind": "disbursement"},
                   {"date": "2027-03-01", "amount": "10400", "kind": "repayment"}],
}  # fmt: skip


def test_a_flagged_loan_becomes_a_lead_about_the_lender(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    office = actor_of(county.users["office"])
    lead = referrals.loan_to_lead(db, actor=office, cipher=cipher, today=date(2026, 12, 7),
                                  data=referrals.LoanLeadIn(loan=KANTOUXI_LOAN,
                                                            jurisdiction_id=county.east.id))  # fmt: skip

    assert (lead.subject_name, lead.channel, lead.jurisdiction_id) == (
        "东城速借工作室", "online_monitoring", county.east.id)  # fmt: skip
    assert lead.description.startswith(
        "借款利率筛查（出借人 东城速借工作室，借款人 张三，合同日期 2026-03-01）：名义年利率 "
    )
    assert "砍头息" in lead.description
    with pytest.raises(FangfeiError, match="未发现超过利率上限或套路贷特征"):
        referrals.loan_to_lead(db, actor=office, cipher=cipher, today=date(2026, 12, 7),
                               data=referrals.LoanLeadIn(loan=FAIR_LOAN))  # fmt: skip


def test_the_loan_calculator_registers_a_flagged_loan(
    client: TestClient, db: Session, county: County
) -> None:
    db.commit()
    token = log_in(client, "east")
    loan = {"csrf_token": token, "contract_date": "2026-03-01", "principal_stated": "10000",
            "withheld": "2000", "licensed": "none", "lender_name": "东城速借工作室",
            "borrower_name": "张三", "flows": "2026-03-01, -8000, 放款\n2026-09-01, 10000, 还本"}  # fmt: skip
    shown = BeautifulSoup(client.post("/screening/loan", data=loan).text, "html.parser")
    form = shown.select_one("[data-testid=loan-lead-form]")
    assert form is not None
    hidden = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    assert hidden["lender_name"] == "东城速借工作室" and hidden["withheld"] == "2000"
    made = client.post("/screening/loan/lead", follow_redirects=False, data={
        **hidden, "jurisdiction_id": str(county.east.id), "channel": "online_monitoring",
        "domain": "d2_private_finance"})  # fmt: skip
    assert made.status_code == 303 and made.headers["location"].startswith("/leads/")
    page = BeautifulSoup(client.get(made.headers["location"]).text, "html.parser")
    assert "东城速借工作室" in page.select_one("h1").get_text()


def test_the_api_registers_a_flagged_loan_and_refuses_a_fair_one(
    client: TestClient, db: Session, county: County
) -> None:
    headers = bearer(db, county, "office")
    made = client.post("/api/v1/screening/loan/lead", headers=headers,
                       json={"loan": KANTOUXI_LOAN, "jurisdiction_id": county.east.id})  # fmt: skip
    refused = client.post("/api/v1/screening/loan/lead", headers=headers, json={"loan": FAIR_LOAN})

    assert made.status_code == 200 and made.json()["lead"]["number"]
    assert refused.status_code == 422
    assert "未发现超过利率上限或套路贷特征" in refused.json()["message"]
