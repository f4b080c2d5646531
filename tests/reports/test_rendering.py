"""The official tables and the monthly report rendered as LibreOffice prints them: xlsx or docx →
PDF (headless) → PNG.

Each table is generated from the demo county, converted to PDF by LibreOffice, and the PDF's
text is read back: the title, the column headers and the rows come out on A4 landscape pages.
With ``FANGFEI_SCREENSHOTS=1`` the first page of each is also written to ``docs/screenshots``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.auth import service as auth
from fangfei.auth.models import User
from fangfei.auth.roles import Actor, system_actor
from fangfei.demo.county import build_demo
from fangfei.reports import monthly, runs
from fangfei.security.crypto import FieldCipher
from tests.county import County
from tests.leads.helpers import actor_of, make_lead
from tests.web.test_browser import SCREENSHOTS

TODAY = date(2026, 12, 7)
SOFFICE, PDFTOPPM, PDFTOTEXT = (shutil.which(n) for n in ("soffice", "pdftoppm", "pdftotext"))


@pytest.fixture(scope="module")
def tools() -> None:
    """LibreOffice and poppler, required in CI (FANGFEI_REQUIRE_LIBREOFFICE=1)."""
    if SOFFICE and PDFTOPPM and PDFTOTEXT:
        return
    if os.environ.get("FANGFEI_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail("soffice, pdftoppm or pdftotext not found but FANGFEI_REQUIRE_LIBREOFFICE=1")
    pytest.skip("LibreOffice (soffice) and poppler-utils are not installed")


def _pdf(xlsx: Path) -> Path:
    assert SOFFICE is not None
    profile = xlsx.parent / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(xlsx.parent), str(xlsx)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return xlsx.with_suffix(".pdf")


def _text(pdf: Path) -> str:
    """The PDF's text with every space and line break taken out."""
    assert PDFTOTEXT is not None
    text = subprocess.run([PDFTOTEXT, "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout  # fmt: skip
    return "".join(text.split())


@pytest.fixture
def demo(db: Session, cipher: FieldCipher, tmp_path: Path) -> Actor:
    """The demo county, small, as of TODAY; its lead-office officer."""
    build_demo(db, actor=system_actor("render"), cipher=cipher, files_root=tmp_path / "files",
               enterprises=200, persons=50, leads=120, participants=80, today=TODAY)  # fmt: skip
    return auth.actor_for(db.scalars(select(User).where(User.username == "chufei")).one())


@pytest.mark.parametrize(
    ("table", "period", "expected"),
    [
        (
            "a1",
            "2026",
            ["打击非法集资专项行动工作情况统计表", "风险线索", "刑事打击", "宣传教育",
             "示范县（本级）", "城关镇", "合计"],
        ),
        ("a2", "2026", ["风险线索排查处置情况统计表", "风险主体名称", "私募基金"]),
        ("a3", None, ["跨省（自治区、直辖市）非法集资案件", "涉案人数（万人）", "资金清退率",
                      "0.0860", "邻省安平市"]),
        ("a4", None, ["重点督办案件", "市州", "案件名称"]),
        ("a6", "2026", ["风险排查台账"]),
    ],
)  # fmt: skip
def test_each_table_of_the_demo_county_prints_on_a4_landscape_with_its_headers(
    tools: None, db: Session, demo: Actor, tmp_path: Path,
    table: str, period: str | None, expected: list[str],
) -> None:  # fmt: skip
    content, _, _ = runs.generate(db, actor=demo, table=table, period=period,
                                  cutoff=date(2018, 12, 31), today=TODAY)  # fmt: skip
    xlsx = tmp_path / f"{table}.xlsx"
    xlsx.write_bytes(content)
    pdf = _pdf(xlsx)
    flat = _text(pdf)
    for words in expected:
        assert words in flat, words
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    width, height = (float(v) for v in info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert width > height  # landscape
    assert PDFTOPPM is not None
    png = tmp_path / table
    subprocess.run(
        [PDFTOPPM, "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(png)], check=True
    )
    first = next(tmp_path.glob(f"{table}-*.png"))
    assert first.stat().st_size > 0
    if os.environ.get("FANGFEI_SCREENSHOTS") == "1" and db.get_bind().dialect.name == "sqlite":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(first, SCREENSHOTS / f"report-{table}.png")


def test_the_monthly_report_prints_with_its_charts(
    tools: None, db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    make_lead(db, county, cipher)  # 2026-05-18, 私募基金、证券期货等
    content = monthly.document(db, actor=actor_of(county.users["office"]), month="2026-05",
                               today=date(2026, 6, 3))  # fmt: skip
    report = tmp_path / "monthly.docx"
    report.write_bytes(content)
    pdf = _pdf(report)
    flat = _text(pdf)
    # The charts are drawn by LibreOffice itself: their titles and axis labels are text.
    for words in ("本月新发现风险线索（按行业领域）", "私募基金、证券期货等", "近6个月新发现风险线索",
                  "12月", "5月"):  # fmt: skip
        assert words in flat, words
    if os.environ.get("FANGFEI_SCREENSHOTS") == "1" and db.get_bind().dialect.name == "sqlite":
        assert PDFTOPPM is not None
        subprocess.run([PDFTOPPM, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(SCREENSHOTS / "report-monthly")], check=True)  # fmt: skip
