"""Generating the official tables, and keeping a run as submitted: stored, signed off, stamped.

:func:`generate` is the one place that turns a table code and its parameters into the file
(the page, the API and ``fangfei report build`` all call it). :func:`save` stores a run with the
file's checksum and a checksum of its cell values; :func:`verify` regenerates with the same
parameters and compares the cell values, so an officer can tell whether the data behind a
submitted table has changed since (the files carry no time of their own, see
:func:`sheets.to_bytes`, so unchanged data also regenerates the very same bytes). Signing off freezes a run; its stamped scan (盖章扫描件) can be
uploaded once, after signing.
"""

from __future__ import annotations

import hashlib
from datetime import date
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.db import utcnow
from fangfei.errors import FieldProblem, conflict, invalid, not_found
from fangfei.leads import attachments, ledger, ledger_xlsx
from fangfei.reports import attachment1, case_tables
from fangfei.reports.models import ReportRun

TITLES = {
    "a1": attachment1.TITLE,
    "a2": ledger.A2_TITLE,
    "a3": case_tables.A3_TITLE,
    "a4": case_tables.A4_TITLE,
    "a6": ledger.A6_TITLE,
}
PERIODIC = ("a1", "a2", "a6")
SCAN_TYPES = ("pdf", "jpg", "jpeg", "png")


def check(table: str, period: str | None) -> None:
    """Refuse an unknown table, a period where none applies, or a missing one for Attachment 1."""
    if table not in TITLES:
        raise invalid("报表有误。", [FieldProblem("table", "须为 a1、a2、a3、a4 或 a6")])
    if table == "a1" and not period:
        raise invalid(
            "附件 1 按期间统计。", [FieldProblem("period", "请用 --period 指定，如 2026H1")]
        )
    if period and table not in PERIODIC:
        reason = "附件 3、附件 4 填报案件的当前情况，不按期间统计；请去掉 --period"
        raise invalid("期间不适用。", [FieldProblem("period", reason)])
    ledger.check_period(period or None)


def generate(
    db: Session, *, actor: Actor, table: str, period: str | None, cutoff: date, today: date
) -> tuple[bytes, str, str]:
    """The table's file, the name to save it under, and what it holds (for the message)."""
    check(table, period)
    policy.ensure(db, actor, "ledger.export")
    if table == "a1":
        counted = attachment1.build(db, actor=actor, period=period or "")
        content, held = attachment1.workbook(counted), f"{len(counted.rows)} 个填报单位"
    elif table in ("a2", "a6"):
        leads = ledger.ledger_leads(db, actor=actor, layout=table, period=period)
        content, held = ledger_xlsx.workbook(db, table, leads), f"{len(leads)} 条线索"
    else:
        cases = case_tables.cases_of(db, table, actor=actor, cutoff=cutoff)
        content, held = (
            case_tables.workbook(db, table, cases, cutoff),
            f"{len(cases)} 件案件（风险）",
        )
    name = f"{TITLES[table]}-{period or today.isoformat()}.xlsx"
    return content, name, held


def content_digest(content: bytes) -> str:
    """sha256 of every cell value of every sheet, row by row (not the file's own timestamps)."""
    book = load_workbook(BytesIO(content), read_only=True)
    digest = hashlib.sha256()
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            digest.update(repr(row).encode("utf-8"))
    book.close()
    return digest.hexdigest()


def save(
    db: Session, *, actor: Actor, files_root: Path, table: str, period: str | None,
    cutoff: date, today: date,
) -> ReportRun:  # fmt: skip
    """Generate the table and keep it as a run, with both checksums and its audit row."""
    content, name, _ = generate(
        db, actor=actor, table=table, period=period, cutoff=cutoff, today=today
    )
    stored = attachments.store(files_root, attachments.Upload(name, content))
    run = ReportRun(
        table=table, period=period or None, jurisdiction_id=actor.jurisdiction_id, filename=name,
        size=stored.size, sha256=stored.sha256, content_sha256=content_digest(content),
        created_by_user_id=actor.user_id, created_by_name=actor.label,
    )  # fmt: skip
    db.add(run)
    db.flush()
    audit.record(db, actor=actor, action="report.save", object_type="report_run", object_id=run.id,
                 detail={"table": table, "period": period, "sha256": run.sha256,
                         "content_sha256": run.content_sha256})  # fmt: skip
    return run


def runs_for(db: Session, *, actor: Actor) -> list[ReportRun]:
    """The runs of the actor's jurisdiction and below, newest first."""
    policy.ensure(db, actor, "ledger.view")
    stmt = select(ReportRun).where(policy.within_jurisdiction(actor, ReportRun.jurisdiction_id))
    return list(db.scalars(stmt.order_by(ReportRun.id.desc())))


def get(db: Session, *, actor: Actor, run_id: int) -> ReportRun:
    """One run, if it is in the actor's jurisdiction."""
    policy.ensure(db, actor, "ledger.view")
    stmt = select(ReportRun).where(
        ReportRun.id == run_id, policy.within_jurisdiction(actor, ReportRun.jurisdiction_id)
    )
    found = db.scalar(stmt)
    if found is None:
        raise not_found("报送版本", run_id)
    return found


def verify(db: Session, *, actor: Actor, run_id: int, cutoff: date, today: date) -> bool:
    """Whether the table generated now, with the run's parameters, holds the same values."""
    run = get(db, actor=actor, run_id=run_id)
    content, _, _ = generate(
        db, actor=actor, table=run.table, period=run.period, cutoff=cutoff, today=today
    )
    return content_digest(content) == run.content_sha256


def sign(db: Session, *, actor: Actor, run_id: int) -> ReportRun:
    """Sign the run off (审核签发): from now on it is frozen."""
    policy.ensure(db, actor, "report.sign")
    run = get(db, actor=actor, run_id=run_id)
    if run.signed_at is not None:
        raise conflict(f"该报送版本已由 {run.signed_by_name} 签发，不能重复签发。")
    run.signed_by_name, run.signed_at = actor.label, utcnow()
    audit.record(db, actor=actor, action="report.sign", object_type="report_run", object_id=run.id,
                 detail={"sha256": run.sha256})  # fmt: skip
    return run


def attach_scan(
    db: Session, *, actor: Actor, files_root: Path, run_id: int, upload: attachments.Upload
) -> ReportRun:
    """Keep the stamped scan of a signed run beside it (once)."""
    policy.ensure(db, actor, "ledger.export")
    run = get(db, actor=actor, run_id=run_id)
    if run.signed_at is None:
        raise conflict("请先签发该报送版本，再上传盖章扫描件。")
    if run.scan_sha256 is not None:
        raise conflict(f"已上传盖章扫描件（{run.scan_filename}），报送版本签发后不可更改。")
    extension = upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
    if extension not in SCAN_TYPES:
        raise invalid(
            "盖章扫描件须是 PDF 或图片（jpg、png）。", [FieldProblem("file", upload.filename)]
        )
    stored = attachments.store(files_root, upload)
    run.scan_filename, run.scan_content_type = stored.filename, stored.content_type
    run.scan_sha256, run.scan_uploaded_at = stored.sha256, utcnow()
    audit.record(db, actor=actor, action="report.scan", object_type="report_run", object_id=run.id,
                 detail={"filename": stored.filename, "sha256": stored.sha256})  # fmt: skip
    return run
