"""The refund API end to end: import, verify, receipt, draft, approve by a second person, files."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from fangfei.auth import service as auth
from fangfei.security.crypto import FieldCipher
from tests.api.test_api import bearer
from tests.county import County
from tests.refunds.helpers import refund_case, scheme_rows, second_officer, write_register


def test_a_round_through_the_api(
    client: TestClient, db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    case = refund_case(db, county, cipher)
    checker = second_officer(db, county)
    db.commit()
    office, leader = bearer(db, county, "office"), bearer(db, county, "leader")
    plain, _ = auth.create_token(db, actor=checker, name="复核")
    db.commit()
    second = {"Authorization": f"Bearer {plain}"}
    base = f"/api/v1/cases/{case.id}/refunds"
    register_file = write_register(tmp_path / "登记表.csv", scheme_rows()).read_bytes()
    imported = client.post(f"{base}/participants/import", headers=office,
                           files={"file": ("登记表.csv", register_file, "text/csv")})  # fmt: skip
    assert imported.status_code == 201, imported.text
    assert imported.json()["new_participants"] == 5
    again = client.post(f"{base}/participants/import", headers=office,
                        files={"file": ("登记表.csv", register_file, "text/csv")})  # fmt: skip
    assert again.status_code == 409
    verified = client.post(f"{base}/participants/status", headers=office, json={"action": "verify"})
    assert verified.json() == {"changed": 5}
    receipt = client.post(f"{base}/receipts", headers=office, json={
        "received_on": "2025-06-01", "source": "涉案资产拍卖、变卖所得", "amount_yuan": "50000",
        "document_no": "（2025）拍字第 8 号",
    })  # fmt: skip
    assert receipt.status_code == 201 and receipt.json()["source"] == "auction"
    too_much = client.post(f"{base}/rounds", headers=office, json={"amount_yuan": "60000"})
    assert too_much.status_code == 422
    assert too_much.json()["message"] == "本轮金额 60,000.00 元超过专户可分配余额 50,000.00 元。"
    drafted = client.post(f"{base}/rounds", headers=office, json={"amount_yuan": "30000"})
    assert drafted.status_code == 201
    round_id = drafted.json()["id"]
    assert client.post(f"/api/v1/refund-rounds/{round_id}/approve", headers=office,
                       json={}).status_code == 422  # fmt: skip
    assert client.post(f"/api/v1/refund-rounds/{round_id}/approve", headers=leader,
                       json={}).status_code == 403  # fmt: skip
    approved = client.post(f"/api/v1/refund-rounds/{round_id}/approve", headers=second, json={})
    assert approved.json()["status"] == "approved"
    overview = client.get(base, headers=leader).json()
    assert overview["figures"]["paid_fen"] == 3_000_000
    assert overview["figures"]["refund_rate"] == "0.0300"
    assert overview["by_status"]["paid"] == 3
    person = client.get(f"{base}/participants/2", headers=leader).json()
    assert person["owed_fen"] == 2_849_950 - 868_010
    assert person["payments"] == [{"round": 1, "round_id": round_id, "amount_fen": 868_010}]
    assert person["id_number_masked"].count("*") == 8 and "id_number" not in person
    listed = client.get(f"{base}/participants?status=paid", headers=leader).json()
    assert [p["number"] for p in listed["items"]] == [1, 2, 4]
    xlsx = client.get(f"/api/v1/refund-rounds/{round_id}/payments.xlsx", headers=office)
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet is not None and sheet["C4"].value == "张三"
    statement = client.get(f"{base}/participants/2/statement.docx", headers=office)
    assert statement.status_code == 200 and statement.content[:2] == b"PK"
    assert client.get(base, headers=bearer(db, county, "west")).status_code == 403
