"""`fangfei case …` commands: the case list, one case file, deadlines, documents and templates."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from fangfei.cases import deadlines, documents, measures, service, workflow
from fangfei.cases.models import Case
from fangfei.cases.schemas import CaseFilter
from fangfei.cli_support import console, fail
from fangfei.clock import local_today
from fangfei.db import unit_of_work
from fangfei.errors import FangfeiError, FieldProblem, invalid
from fangfei.reference import service as reference
from fangfei.runtime import Runtime, open_runtime

app = typer.Typer(help="案件处置", no_args_is_help=True)
template_app = typer.Typer(help="文书模板", no_args_is_help=True)
app.add_typer(template_app, name="template")

NumberArgument = Annotated[
    str, typer.Argument(metavar="NUMBER", help="案件编号，例如 AJ2026-000001", show_default=False)
]
KindArgument = Annotated[
    str,
    typer.Argument(
        metavar="KIND", help="文书种类：名称（如 处置报告）或代码（如 disposal_report）",
        show_default=False,
    ),
]  # fmt: skip


def _say(text: str) -> None:
    console.print(text, highlight=False, soft_wrap=True)


def _generated_kind(text: str) -> str:
    """A generated document kind from its code or its Chinese title."""
    by_title = {title: kind for kind, title in documents.DOCUMENT_KINDS.items()}
    kind = by_title.get(text.strip(), text.strip())
    if kind not in documents.GENERATED_KINDS:
        known = "、".join(documents.DOCUMENT_KINDS[k] for k in documents.GENERATED_KINDS)
        raise invalid(f"没有“{text}”这种可生成的文书。", [FieldProblem("kind", f"可选：{known}")])
    return kind


def _stage_text(case: Case) -> str:
    text = workflow.STAGE_LABELS[case.stage]
    if case.criminal_stage:
        text += f"／刑事：{workflow.CRIMINAL_LABELS[case.criminal_stage]}"
    return text


def _flags(db: Session, rt: Runtime, case: Case) -> list[str]:
    found = []
    if case.over_100m:
        found.append(service.FLAG_LABELS["over_100m"])
    if service.long_running(case, rt.settings.campaign_cutoff):
        found.append(service.FLAG_LABELS["long_running"])
    if case.supervised_nationally:
        found.append(service.FLAG_LABELS["supervised"])
    reach = service.reach_of(service.places_of(db, case))
    if reach is not None:
        found.append(service.REACH_LABELS[reach])
    return found


def _due_text(deadline: deadlines.CaseDeadline, today: date) -> str:
    text = deadline.due.isoformat()
    if deadline.provisional:
        text += " 暂定"
    if deadline.overdue(today):
        text += " 已逾期"
    return text


@app.command("list", help="列出案件（新建的在前），可按阶段、处置路径、标记和逾期筛选。")
def list_cases(
    q: Annotated[str | None, typer.Option(help="按案件名称或编号查找")] = None,
    stage: Annotated[str | None, typer.Option(help="阶段代码，例如 investigating")] = None,
    path: Annotated[
        str | None, typer.Option(help="administrative（行政）或 criminal（刑事）")
    ] = None,
    flag: Annotated[
        str | None, typer.Option(help="over_100m、long_running、supervised、cross_province …")
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列有逾期期限的案件")] = False,
    limit: Annotated[int, typer.Option(min=1, max=200, help="最多列出多少件")] = 50,
) -> None:
    """The case list with the web page's filters."""
    rt = open_runtime()
    try:
        filters = CaseFilter.model_validate(
            {"q": q, "stage": stage, "path": path, "flag": flag, "per_page": limit}
        )
        if stage is not None and stage not in workflow.STAGE_LABELS:
            raise invalid("阶段有误。", [FieldProblem("stage", f"没有“{stage}”这个阶段")])
        with unit_of_work(rt.sessions) as db:
            today = local_today()
            ids = deadlines.overdue_case_ids(db, actor=rt.actor, today=today) if overdue else None
            page = service.list_for(db, actor=rt.actor, filters=filters,
                                    cutoff=rt.settings.campaign_cutoff, overdue_ids=ids)  # fmt: skip
            table = Table("编号", "名称", "阶段", "主办地", "涉及金额", "涉及人数", "标记")
            for case in page.items:
                table.add_row(
                    case.number, escape(case.name), _stage_text(case), case.jurisdiction.name,
                    documents.wan_text(case.amount_yuan),
                    "不详" if case.people_count is None else str(case.people_count),
                    "、".join(_flags(db, rt, case)),
                )  # fmt: skip
    except FangfeiError as error:
        raise fail(error) from None
    except ValueError as error:
        raise fail(invalid("筛选条件有误。", [FieldProblem("filter", str(error))])) from None
    console.print(table)
    _say(f"共 {page.total} 件")


@app.command("show", help="显示一个案件：基本情况、涉案主体、处置措施、期限、文书和全部办理记录。")
def show_case(number: NumberArgument) -> None:
    """One case file on the terminal."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            _print_case(db, rt, service.by_number(db, actor=rt.actor, number=number.strip()))
    except FangfeiError as error:
        raise fail(error) from None


def _print_case(db: Session, rt: Runtime, case: Case) -> None:
    today = local_today()
    _say(f"{case.number} {escape(case.name)}（{service.KIND_LABELS[case.kind]}）")
    _say(f"阶段：{_stage_text(case)}；处置路径：{service.PATH_LABELS[case.path]}")
    _say(f"主办地：{case.jurisdiction.name}")
    for place in service.places_of(db, case):
        role = service.PLACE_ROLE_LABELS[place.role]
        _say(f"{role}：{escape(place.name)}（{service.REACH_LABELS[place.reach]}）")
    _say(f"涉及金额：{documents.wan_text(case.amount_yuan)}；涉及人数："
         f"{'不详' if case.people_count is None else case.people_count}")  # fmt: skip
    flags = _flags(db, rt, case)
    if flags:
        _say(f"标记：{'、'.join(flags)}")
    officer = case.officer.display_name if case.officer else "未指定"
    _say(f"责任人：{escape(officer)}；包案领导：{escape(case.leader_name or '未指定')}")
    roles = reference.names(db, "participant_role")
    for subject in service.subjects_of(db, case):
        _say(f"涉案主体：{escape(subject.name)}（{roles.get(subject.role, subject.role)}）")
    kinds = reference.names(db, "admin_measure")
    for m in measures.measures_of(db, case):
        _say(f"处置措施：{m.taken_on.isoformat()} {kinds.get(m.kind, m.kind)} "
             f"{escape(m.target)}{' ' + escape(m.document_no) if m.document_no else ''}")  # fmt: skip
    for deadline in deadlines.for_cases(db, [case], today)[case.id]:
        _say(f"期限：{deadline.label} {_due_text(deadline, today)} — {deadline.what}")
    for doc in documents.documents_of(db, case):
        _say(f"文书：{documents.DOCUMENT_KINDS[doc.kind]} 第 {doc.version} 版 "
             f"{escape(doc.filename)} sha256 {doc.sha256[:12]}")  # fmt: skip
    for event in service.timeline(db, case):
        comment = f" — {escape(event.comment)}" if event.comment else ""
        _say(f"{event.on_date.isoformat()} {workflow.event_label(event)}"
             f"（{escape(event.actor_name)}）{comment}")  # fmt: skip


@app.command("deadlines", help="列出已逾期和今后几天到期的案件期限（暂定日历上的日期标“暂定”）。")
def list_deadlines(
    days: Annotated[int, typer.Option(min=0, max=366, help="列出今后多少天内到期的")] = 7,
) -> None:
    """到期提醒 on the terminal."""
    rt = open_runtime()
    today = local_today()
    with unit_of_work(rt.sessions) as db:
        found = deadlines.due_soon(db, actor=rt.actor, today=today, days=days)
        table = Table("到期日", "案件", "期限", "内容")
        for d in found:
            table.add_row(_due_text(d, today), f"{d.case.number} {escape(d.case.name)}",
                          d.label, escape(d.what))  # fmt: skip
    console.print(table)
    _say(f"共 {len(found)} 项（已逾期的和 {days} 天内到期的）")


@app.command(
    "document",
    help="按当前模板用案件数据生成一份文书（新版本，随案存档并记入办理记录），并另存到 OUT。",
)
def generate_document(
    number: NumberArgument,
    kind: KindArgument,
    out: Annotated[
        Path, typer.Argument(metavar="OUT", help="输出的 .docx 文件", show_default=False)
    ],
    measure: Annotated[
        int | None, typer.Option(help="通知书所依据的处置措施编号（不给则取最近一项）")
    ] = None,
) -> None:
    """Generate a document of a case and write a copy of it."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            case = service.by_number(db, actor=rt.actor, number=number.strip())
            doc = documents.generate(db, actor=rt.actor, case_id=case.id,
                                     kind=_generated_kind(kind), files_root=rt.settings.files_dir,
                                     measure_id=measure)  # fmt: skip
            out.write_bytes(documents.read_document(rt.settings.files_dir, doc))
            title = documents.DOCUMENT_KINDS[doc.kind]
    except FangfeiError as error:
        raise fail(error) from None
    _say(f"已生成{title}（第 {doc.version} 版，sha256 {doc.sha256[:12]}）：{out}")


@template_app.command(
    "list", help="列出可生成的文书及其当前模板（随版本发布的默认模板或管理员上传的版本）。"
)
def list_templates() -> None:
    """Which template each generated kind uses."""
    rt = open_runtime()
    with unit_of_work(rt.sessions) as db:
        table = Table("代码", "文书", "当前模板")
        for kind in documents.GENERATED_KINDS:
            row = documents.current_template(db, kind)
            used = "默认模板" if row is None else (
                f"第 {row.version} 版（{escape(row.uploaded_by)}，{row.created_at:%Y-%m-%d}）"
            )  # fmt: skip
            table.add_row(kind, documents.DOCUMENT_KINDS[kind], used)
    console.print(table)


@template_app.command("export", help="导出一种文书的当前模板，供在 Word 中修改。")
def export_template(
    kind: KindArgument,
    out: Annotated[
        Path, typer.Argument(metavar="OUT", help="输出的 .docx 文件", show_default=False)
    ],
) -> None:
    """Write the template in use for a kind."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            code = _generated_kind(kind)
            out.write_bytes(documents.read_template(db, rt.settings.files_dir, code))
    except FangfeiError as error:
        raise fail(error) from None
    _say(f"已导出{documents.DOCUMENT_KINDS[code]}模板：{out}")


@template_app.command(
    "import",
    help="把修改后的 Word 文件设为一种文书的模板（新版本，旧版本保留）；未知的占位符会被拒绝。",
)
def import_template(
    kind: KindArgument,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="模板 .docx 文件", show_default=False)
    ],
) -> None:
    """Make a Word file the template of a kind."""
    rt = open_runtime()
    try:
        content = _read(file)
        with unit_of_work(rt.sessions) as db:
            code = _generated_kind(kind)
            row = documents.replace_template(db, actor=rt.actor, kind=code, content=content,
                                             files_root=rt.settings.files_dir)  # fmt: skip
    except FangfeiError as error:
        raise fail(error) from None
    _say(f"[green]已启用{documents.DOCUMENT_KINDS[code]}模板第 {row.version} 版[/green]")


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError:
        raise invalid(
            f"读不到文件 {file}。", [FieldProblem("file", "文件不存在或无权读取")]
        ) from None
