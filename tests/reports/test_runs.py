"""Report runs: a table kept as submitted, checked against the data, signed off, stamped."""

from __future__ import annotations

import hashlib
import time
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.audit.models import AuditEvent
from fangfei.errors import FangfeiError
from fangfei.leads import attachments
from fangfei.reports import runs
from fangfei.reports.models import ReportRun
from fangfei.security.crypto import FieldCipher
from tests.county import County
from tests.leads.helpers import actor_of, make_lead
from tests.web.test_pages import log_in

CUTOFF, TODAY = date(2018, 12, 31), date(2026, 12, 7)
PDF = attachments.Upload("盖章扫描件.pdf", b"%PDF-1.4\n% stamped\n")


def test_a_run_is_kept_checked_signed_and_stamped(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    office, leader = actor_of(county.users["office"]), actor_of(county.users["leader"])
    make_lead(db, county, cipher)
    run = runs.save(
        db, actor=office, files_root=files, table="a2", period="2026H1", cutoff=CUTOFF, today=TODAY
    )
    stored = attachments.path_of(files, run.sha256)
    sheet = load_workbook(BytesIO(stored.read_bytes())).active
    assert sheet is not None
    assert "东城鑫盛财富管理有限公司" in [
        c for row in sheet.iter_rows(values_only=True) for c in row
    ]
    assert run.filename.endswith("-2026H1.xlsx") and run.size == stored.stat().st_size
    assert runs.verify(db, actor=office, run_id=run.id, cutoff=CUTOFF, today=TODAY) is True
    make_lead(
        db, county, cipher, subject_name="东城某某养老服务中心", discovered_on=date(2026, 3, 1)
    )
    assert runs.verify(db, actor=office, run_id=run.id, cutoff=CUTOFF, today=TODAY) is False
    with pytest.raises(FangfeiError, match="请先签发该报送版本"):
        runs.attach_scan(db, actor=office, files_root=files, run_id=run.id, upload=PDF)
    with pytest.raises(FangfeiError) as caught:
        runs.sign(db, actor=actor_of(county.users["market"]), run_id=run.id)
    assert caught.value.code == "forbidden"
    runs.sign(db, actor=leader, run_id=run.id)
    with pytest.raises(FangfeiError, match="该报送版本已由 leader 签发"):
        runs.sign(db, actor=office, run_id=run.id)
    with pytest.raises(FangfeiError, match="盖章扫描件须是 PDF 或图片"):
        runs.attach_scan(db, actor=office, files_root=files, run_id=run.id,
                         upload=attachments.Upload("表.xlsx", b"PK\x03\x04"))  # fmt: skip
    runs.attach_scan(db, actor=office, files_root=files, run_id=run.id, upload=PDF)
    assert attachments.path_of(files, run.scan_sha256 or "").read_bytes() == PDF.content
    with pytest.raises(FangfeiError, match="签发后不可更改"):
        runs.attach_scan(db, actor=office, files_root=files, run_id=run.id, upload=PDF)
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "report_run")
                         .order_by(AuditEvent.id)).all()  # fmt: skip
    assert actions == ["report.save", "report.sign", "report.scan"]
    west = actor_of(county.users["west"])
    with pytest.raises(FangfeiError):
        runs.get(db, actor=west, run_id=run.id)


def test_the_parameters_are_checked_before_anything_is_kept(
    db: Session, county: County, files: Path
) -> None:
    office = actor_of(county.users["office"])
    for table, period, message in (("a5", None, "报表有误"), ("a1", None, "附件 1 按期间统计"),
                                   ("a3", "2026", "期间不适用"), ("a2", "2026上", "期间格式有误")):  # fmt: skip
        with pytest.raises(FangfeiError, match=message):
            runs.save(
                db,
                actor=office,
                files_root=files,
                table=table,
                period=period,
                cutoff=CUTOFF,
                today=TODAY,
            )


def test_the_page_keeps_signs_and_checks_a_run(
    client: TestClient, db: Session, county: County
) -> None:
    db.commit()
    token = log_in(client, "office")
    saved = client.post("/reports/runs", data={"csrf_token": token, "table": "a1", "period": "2026H2"},
                        follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303
    page = client.get("/reports").text
    assert "打击非法集资专项行动工作情况统计表" in page and "2026H2" in page
    run_id = db.scalars(select(ReportRun.id)).one()
    assert client.get(f"/reports/runs/{run_id}/file").content[:2] == b"PK"
    refused = client.post("/reports/runs", data={"csrf_token": token, "table": "a1", "period": ""})
    assert refused.status_code == 422 and "附件 1 按期间统计" in refused.text
    checked = client.post(f"/reports/runs/{run_id}/verify", data={"csrf_token": token})
    assert "与当前数据一致" in checked.text
    client.post(f"/reports/runs/{run_id}/sign", data={"csrf_token": token})
    stamped = client.post(f"/reports/runs/{run_id}/scan", data={"csrf_token": token},
                          files={"file": (PDF.filename, PDF.content, "application/pdf")})  # fmt: skip
    assert stamped.status_code == 200
    assert client.get(f"/reports/runs/{run_id}/scan").content == PDF.content


def test_signed_runs_regenerate_to_the_same_bytes(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    office = actor_of(county.users["office"])
    make_lead(db, county, cipher)
    kept = {}
    for table in runs.TITLES:
        period = "2026H1" if table in runs.PERIODIC else None
        run = runs.save(db, actor=office, files_root=files, table=table, period=period,
                        cutoff=CUTOFF, today=TODAY)  # fmt: skip
        kept[table] = runs.sign(db, actor=actor_of(county.users["leader"]), run_id=run.id)
    time.sleep(1.1)  # zip members and document properties would carry a later second
    for table, run in kept.items():
        again, _, _ = runs.generate(db, actor=office, table=table, period=run.period,
                                    cutoff=CUTOFF, today=TODAY)  # fmt: skip
        assert hashlib.sha256(again).hexdigest() == run.sha256, table
        assert runs.content_digest(again) == run.content_sha256, table
