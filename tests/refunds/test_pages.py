"""The refund pages through the app: import with its notes, verify, receipt, a round drafted by
one officer and approved by another, the files, and refusals shown on the page."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fangfei.security.crypto import FieldCipher
from tests.county import County
from tests.refunds.helpers import (
    id_number,
    imported,
    refund_case,
    row,
    scheme_rows,
    second_officer,
    write_register,
)
from tests.web.test_pages import log_in


def _text(html: str, testid: str) -> str:
    found = BeautifulSoup(html, "html.parser").find(attrs={"data-testid": testid})
    assert found is not None, testid
    return re.sub(r"\s+", " ", found.get_text(" ")).strip()


def test_a_round_from_the_refund_page(
    client: TestClient, db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    case = refund_case(db, county, cipher)
    second_officer(db, county)
    db.commit()
    token = log_in(client, "office")
    page = f"/cases/{case.id}/refunds"
    assert "清退兑付" in _text(client.get(f"/cases/{case.id}").text, "refunds-link")
    register_file = write_register(tmp_path / "登记表.csv", scheme_rows()).read_bytes()
    imported = client.post(f"{page}/import", data={"csrf_token": token},
                           files={"file": ("登记表.csv", register_file, "text/csv")})  # fmt: skip
    assert imported.status_code == 200
    assert _text(imported.text, "import-result").startswith(
        "已导入 8 行：新登记 5 人，已登记的 0 人补充了明细。"
    )
    again = client.post(f"{page}/import", data={"csrf_token": token},
                        files={"file": ("登记表.csv", register_file, "text/csv")})  # fmt: skip
    assert again.status_code == 409 and "未重复导入" in _text(again.text, "error")
    client.post(
        f"{page}/status", data={"csrf_token": token, "status_action": "verify", "numbers": ""}
    )
    client.post(f"{page}/receipt", data={"csrf_token": token, "received_on": "2025-06-01",
                                         "source": "auction", "amount_yuan": "50,000",
                                         "document_no": "拍字第 8 号"}, files={"document": ("拍卖款到账凭证.pdf", b"%PDF-1.4 receipt", "application/pdf")})  # fmt: skip
    refused = client.post(f"{page}/round", data={"csrf_token": token, "amount_yuan": "60000"})
    assert refused.status_code == 422
    assert _text(refused.text, "error").startswith(
        "本轮金额 60,000.00 元超过专户可分配余额 50,000.00 元。"
    )
    drafted = client.post(f"{page}/round", data={"csrf_token": token, "amount_yuan": "30000"},
                          follow_redirects=False)  # fmt: skip
    assert drafted.status_code == 303
    listing = client.get(page).text
    voucher = BeautifulSoup(listing, "html.parser").select_one('[data-testid="receipts"] a')
    assert voucher is not None and voucher.get_text() == "（凭证）"
    assert client.get(str(voucher["href"])).content == b"%PDF-1.4 receipt"
    assert _text(listing, "rounds").startswith(
        "批次 类型 状态 本轮金额（元） 实际分配（元） 人次 起草 审批 / 放弃 第 1 轮 按比例清退 待审批 30,000.00 30,000.00 3 office"
    )
    round_link = BeautifulSoup(listing, "html.parser").select_one('[data-testid="rounds"] a')
    assert round_link is not None
    round_url = str(round_link["href"])
    mine = client.post(f"{round_url}/approve", data={"csrf_token": token})
    assert mine.status_code == 422 and "审批人不能是本轮的起草人（office）" in _text(
        mine.text, "error"
    )

    token = log_in(client, "office2")
    approved = client.post(f"{round_url}/approve", data={"csrf_token": token, "note": "同意"})
    assert _text(approved.text, "round-status") == "已审批"
    assert _text(approved.text, "round-total") == "30,000.00 元（3 人次）"
    xlsx = client.get(f"{round_url}/payments.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    after = client.get(page).text
    assert _text(after, "paid") == "30,000.00" and _text(after, "owed") == "68,499.50"
    assert _text(after, "refund-rate") == "3.00% （已清退 ÷ 涉及金额 1,000,000.00 元）"
    assert "coverage-data" in after
    paid_only = client.get(page, params={"status": "paid"}, headers={"HX-Request": "true"}).text
    assert "<html" not in paid_only
    assert _text(paid_only, "participant-total") == "共 3 人，第 1 / 1 页"
    person = client.get(f"{page}/participants/2").text
    assert _text(person, "claim-explained").startswith("出资合计 30,000.00 元（1 笔）")
    assert "868,010" not in person and "8,680.10" in _text(person, "paid-rounds")
    statement = client.get(f"{page}/participants/2/statement.docx")
    assert statement.status_code == 200 and statement.content[:2] == b"PK"
    # The case form no longer offers the figures the register now keeps.
    assert 'name="refunded_yuan"' not in client.get(f"/cases/{case.id}").text


def test_only_the_lead_place_sees_the_register(
    client: TestClient, db: Session, county: County, cipher: FieldCipher
) -> None:
    case = refund_case(db, county, cipher)
    db.commit()
    log_in(client, "market")
    assert client.get(f"/cases/{case.id}/refunds").status_code == 403
    log_in(client, "leader")
    leader_view = client.get(f"/cases/{case.id}/refunds").text
    assert (
        'data-testid="round-form"' not in leader_view
        and 'data-testid="import-form"' not in leader_view
    )


def test_a_mistyped_id_number_is_corrected_from_the_participant_page(
    client: TestClient, db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    case = refund_case(db, county, cipher)
    bad = id_number(7)[:-1] + ("0" if id_number(7)[-1] != "0" else "1")
    imported(db, county, cipher, case, tmp_path, [row("张三", bad, "出资", "100")])
    db.commit()
    token = log_in(client, "office")
    url = f"/cases/{case.id}/refunds/participants/1"
    assert 'data-testid="identity-form"' in client.get(url).text
    refused = client.post(
        f"{url}/identity", data={"csrf_token": token, "id_number": "123", "reason": "核对"}
    )
    assert refused.status_code == 422 and "更正后的身份证号码仍然无效" in _text(
        refused.text, "error"
    )
    done = client.post(f"{url}/identity", follow_redirects=False,
                       data={"csrf_token": token, "id_number": id_number(7), "reason": "核对原件"})  # fmt: skip
    assert done.status_code == 303
    assert "号码无效" not in client.get(f"/cases/{case.id}/refunds").text
