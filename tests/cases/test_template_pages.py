"""文书模板 through the app: the administrator downloads, replaces and restores a template."""

from __future__ import annotations

import re
from io import BytesIO

from bs4 import BeautifulSoup
from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fangfei.cases import documents
from fangfei.cases.doc_templates import default_template
from tests.county import County
from tests.web.test_pages import log_in

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _row(html: str, kind: str) -> str:
    found = BeautifulSoup(html, "html.parser").find("tr", attrs={"data-kind": kind})
    assert found is not None, kind
    return re.sub(r"\s+", " ", found.get_text(" ")).strip()


def _docx(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def test_download_replace_and_restore(client: TestClient, db: Session, county: County) -> None:
    token = log_in(client, "admin")
    page = client.get("/admin/templates").text
    assert _row(page, "disposal_report") == "处置报告 随版本发布的默认模板 下载 上传"
    assert "{案件名称}" in page and "restore" not in page
    answer = client.get("/admin/templates/disposal_report.docx")
    assert answer.status_code == 200 and answer.content == default_template("disposal_report")
    assert answer.headers["content-type"] == DOCX

    mine = _docx("关于{案件名称}的处置报告", "{处置措施清单}")
    answer = client.post("/admin/templates/disposal_report", follow_redirects=False, data={"csrf_token": token},
                         files={"file": ("mine.docx", mine, DOCX)})  # fmt: skip
    assert answer.status_code == 303
    assert _row(client.get("/admin/templates").text, "disposal_report").startswith(
        "处置报告 第 1 版（admin，"
    )
    assert client.get("/admin/templates/disposal_report.docx").content == mine

    answer = client.post("/admin/templates/disposal_report", follow_redirects=False, data={"csrf_token": token},
                         files={"file": ("bad.docx", _docx("{没有的字段}"), DOCX)})  # fmt: skip
    assert answer.status_code == 422 and "没有的字段" in answer.text
    current = documents.current_template(db, "disposal_report")
    assert current is not None and current.version == 1

    answer = client.post(
        "/admin/templates/disposal_report",
        data={"csrf_token": token, "restore": "1"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    row = documents.current_template(db, "disposal_report")
    assert row is not None and row.version == 2
    assert client.get("/admin/templates/disposal_report.docx").content == default_template(
        "disposal_report"
    )
    assert client.get("/admin/templates/nothing.docx").status_code == 404


def test_only_the_administrator(client: TestClient, db: Session, county: County) -> None:
    token = log_in(client, "office")
    assert client.get("/admin/templates").status_code == 403
    answer = client.post(
        "/admin/templates/announcement", data={"csrf_token": token, "restore": "1"}
    )
    assert answer.status_code == 403
    assert documents.current_template(db, "announcement") is None
