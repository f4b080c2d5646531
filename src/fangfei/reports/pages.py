"""Pages: Attachment 1 and the case tables (Attachments 3 and 4) as they will be exported, their
Excel files, and the stored runs (报送版本) with their sign-off and stamped scans."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from fangfei.auth.roles import Actor
from fangfei.cases.documents import DOCX_TYPE
from fangfei.clock import local_today
from fangfei.deps import ActorDep, SessionDep, campaign_cutoff
from fangfei.errors import FangfeiError, FieldProblem, invalid, not_found
from fangfei.leads import attachments
from fangfei.reports import attachment1, case_tables, monthly, national, runs
from fangfei.web.render import XLSX_TYPE, download, render, show_refusal

router = APIRouter(include_in_schema=False)
Table = Literal["a3", "a4"]
FileTable = Literal["a1", "a3", "a4"]


@router.get("/reports")
def reports(
    request: Request, db: SessionDep, actor: ActorDep, period: str | None = None
) -> Response:
    """统计报表: Attachment 1 of a period, each case table with the rows its file will hold, and
    the stored runs (报送版本)."""
    return _index(request, db, actor, period, None)


def _index(
    request: Request, db: SessionDep, actor: Actor, period: str | None,
    run_error: FangfeiError | None,
) -> Response:  # fmt: skip
    period = period or attachment1.current_half(local_today())
    try:
        a1: attachment1.Table | None = attachment1.build(db, actor=actor, period=period)
        error = None
    except FangfeiError as exc:
        if exc.status == 403:
            raise
        a1, error = None, exc
    cutoff = campaign_cutoff(request)
    tables = []
    for code, (_, title, columns) in case_tables.TABLES.items():
        items = case_tables.listing(db, code, actor=actor, cutoff=cutoff)
        tables.append({"code": code, "title": title, "columns": columns, "items": items})
    context = {
        "tables": tables, "cutoff": cutoff, "today": local_today(), "period": period, "a1": a1,
        "a1_leaves": attachment1.LEAVES, "error": error, "runs": runs.runs_for(db, actor=actor),
        "titles": runs.TITLES, "run_error": run_error,
        "checked": request.query_params.get("checked"), "same": request.query_params.get("same"),
    }  # fmt: skip
    status = run_error.status if run_error else 200
    return render(request, "reports/index.html", context, actor=actor, status_code=status)


@router.post("/reports/runs")
async def save_run(request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """Keep the table as generated now as a run (报送版本)."""
    form = {k: v.strip() for k, v in (await request.form()).items() if isinstance(v, str)}
    return await _run_action(request, db, actor, lambda: runs.save(
        db, actor=actor, files_root=request.app.state.settings.files_dir,
        table=form.get("table", ""), period=form.get("period") or None,
        cutoff=campaign_cutoff(request), today=local_today()))  # fmt: skip


@router.post("/reports/runs/{run_id}/{action}")
async def run_action(
    run_id: int, action: str, request: Request, db: SessionDep, actor: ActorDep
) -> Response:
    """Sign a run off, attach its stamped scan, or check it against the data as it is now."""
    root = request.app.state.settings.files_dir
    if action == "sign":
        return await _run_action(
            request, db, actor, lambda: runs.sign(db, actor=actor, run_id=run_id)
        )
    if action == "scan":
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise invalid("请选择盖章扫描件。", [FieldProblem("file", "未选择文件")])
        scan = attachments.Upload(upload.filename, await upload.read(attachments.MAX_BYTES + 1))
        return await _run_action(request, db, actor, lambda: runs.attach_scan(
            db, actor=actor, files_root=root, run_id=run_id, upload=scan))  # fmt: skip
    if action == "verify":
        same = runs.verify(db, actor=actor, run_id=run_id, cutoff=campaign_cutoff(request),
                           today=local_today())  # fmt: skip
        return RedirectResponse(f"/reports?checked={run_id}&same={int(same)}#runs", status_code=303)
    raise not_found("操作", action)


async def _run_action(
    request: Request, db: SessionDep, actor: Actor, change: Callable[[], object]
) -> Response:
    try:
        change()
    except FangfeiError as error:
        show_refusal(db, error)
        return _index(request, db, actor, None, error)
    return RedirectResponse("/reports#runs", status_code=303)


@router.get("/reports/runs/{run_id}/{which}")
def run_file(
    run_id: int, which: str, request: Request, db: SessionDep, actor: ActorDep
) -> Response:
    """The stored file of a run, or its stamped scan."""
    run = runs.get(db, actor=actor, run_id=run_id)
    root = request.app.state.settings.files_dir
    if which == "file":
        return FileResponse(
            attachments.path_of(root, run.sha256), media_type=XLSX_TYPE, filename=run.filename
        )
    if which == "scan" and run.scan_sha256 and run.scan_filename:
        return FileResponse(attachments.path_of(root, run.scan_sha256),
                            media_type=run.scan_content_type, filename=run.scan_filename)  # fmt: skip
    raise not_found("文件", which)


@router.get("/reports/national.xlsx")
def national_file(db: SessionDep, actor: ActorDep, month: str) -> Response:
    """The month's update for the national collaboration system, as an Excel file."""
    content, _, _ = national.workbook(db, actor=actor, month=month)
    return download(content, f"{national.TITLE}-{month}.xlsx")


@router.get("/reports/monthly.docx")
def monthly_file(db: SessionDep, actor: ActorDep, month: str) -> Response:
    """The month's risk monitoring report, as a Word file for the officer to finish."""
    content = monthly.document(db, actor=actor, month=month, today=local_today())
    return download(content, f"月度风险监测报告-{month}.docx", DOCX_TYPE)


@router.get("/reports/a1/cell")
def attachment_1_cell(
    request: Request, db: SessionDep, actor: ActorDep, period: str, unit: int, column: int
) -> Response:
    """The records counted in one cell of Attachment 1."""
    table = attachment1.build(db, actor=actor, period=period)
    context = {
        "title": attachment1.cell_title(table, unit, column), "period": period,
        "records": attachment1.cell_records(db, table, unit, column),
    }  # fmt: skip
    return render(request, "reports/cell.html", context, actor=actor)


@router.get("/reports/{table}.xlsx")
def report_file(
    table: FileTable, request: Request, db: SessionDep, actor: ActorDep, period: str | None = None
) -> Response:
    """The table (Attachment 1 of a period, 3 or 4) as an Excel file in the official layout."""
    content, name, _ = runs.generate(db, actor=actor, table=table, period=period,
                                     cutoff=campaign_cutoff(request), today=local_today())  # fmt: skip
    return download(content, name)
