"""案件文书 — documents of a case: generated from templates, or uploaded evidence, by version.

Every file is stored by its sha256 (like lead attachments) and written once. A new file of a kind
is a new version; earlier versions stay stored and listed, so nothing is silently replaced. Each
row records who stored the file, when and its hash (chain of custody), and each storing writes a
timeline event and its audit row. Generated documents are filled from the case as it stands when
generated; templates are the shipped defaults unless an administrator uploaded a replacement.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.cases import doc_templates, service, workflow
from fangfei.cases.models import Case, CaseDocument, CaseMeasure, CaseSubject, DocumentTemplate
from fangfei.clock import local_today
from fangfei.errors import FangfeiError, FieldProblem, conflict, forbidden, invalid, not_found
from fangfei.leads import attachments
from fangfei.leads.attachments import StoredFile, Upload
from fangfei.reference import service as reference
from fangfei.reference.models import Jurisdiction
from fangfei.workdays import service as workdays

UPLOADED_LABELS = {
    "evidence": "证据材料",
    "characterisation_opinion": "认定意见书",
    "audit_report": "审计报告",
    "valuation_report": "资产评估报告",
    "stability_plan": "维稳方案",
    "other": "其他材料",
}
DOCUMENT_KINDS: dict[str, str] = {**doc_templates.TITLES, **UPLOADED_LABELS}
GENERATED_KINDS: tuple[str, ...] = tuple(doc_templates.TITLES)
UPLOADED_KINDS: tuple[str, ...] = tuple(UPLOADED_LABELS)
# generated kind → the administrative measure (reference kind admin_measure) it notifies
MEASURE_KINDS = {
    "risk_notice_letter": "risk_notice",
    "interview_notice": "warning_interview",
    "rectification_notice": "rectification_order",
}
DOCX_TYPE = attachments.KINDS["docx"][0]
MAX_NOTE = 500
BLANK = "__________"  # left for the officer to fill in by hand
_WAN = Decimal(10000)
_CENT = Decimal("0.01")


def date_text(day: date) -> str:
    """A date as written in Chinese documents: 2026年12月6日."""
    return f"{day.year}年{day.month}月{day.day}日"


def wan_text(yuan: Decimal | None) -> str:
    """An amount in 万元 with two decimals (half up), or 不详: ``Decimal(2500000)`` → 250.00 万元."""
    if yuan is None:
        return "不详"
    return f"{(yuan / _WAN).quantize(_CENT, rounding=ROUND_HALF_UP)} 万元"


def _people(count: int | None) -> str:
    return "不详" if count is None else f"{count} 人"


def _check_kind(kind: str, allowed: tuple[str, ...], what: str) -> None:
    if kind not in allowed:
        choices = "、".join(DOCUMENT_KINDS[k] for k in allowed)
        raise invalid(
            "文书类别有误。", [FieldProblem("kind", f"“{kind}”不是{what}；可选：{choices}")]
        )


def _lock_case(db: Session, case: Case) -> None:
    """Serialise numbering of versions of one case (a row lock on PostgreSQL)."""
    db.execute(select(Case.id).where(Case.id == case.id).with_for_update())


def _next_version(db: Session, case: Case, kind: str) -> int:
    stmt = select(func.max(CaseDocument.version)).where(
        CaseDocument.case_id == case.id, CaseDocument.kind == kind
    )
    return (db.scalar(stmt) or 0) + 1


def _measure_for(db: Session, case: Case, kind: str, measure_id: int | None) -> CaseMeasure | None:
    if measure_id is None:
        return None
    if kind not in MEASURE_KINDS:
        raise invalid(
            "所选文书不对应处置措施。",
            [FieldProblem("measure_id", f"{DOCUMENT_KINDS[kind]}不需要选择处置措施")],
        )
    measure = db.get(CaseMeasure, measure_id)
    if measure is None or measure.case_id != case.id or measure.voided_at is not None:
        raise not_found("本案的处置措施", measure_id)
    if measure.kind != MEASURE_KINDS[kind]:
        labels = reference.names(db, "admin_measure")
        reason = (
            f"所选措施是“{labels.get(measure.kind, measure.kind)}”，{DOCUMENT_KINDS[kind]}"
            f"须对应“{labels.get(MEASURE_KINDS[kind], MEASURE_KINDS[kind])}”措施"
        )
        raise invalid("所选处置措施与文书不符。", [FieldProblem("measure_id", reason)])
    return measure


def _issuer(db: Session, actor: Actor, case: Case, kind: str, measure: CaseMeasure | None) -> str:
    """The place in whose name the document goes out.

    The lead place issues every document. An assisting place issues only the notices of its own
    measures, in its own name; announcements, referral letters and the disposal report are the
    lead place's decisions.
    """
    if service.leads_place(db, actor, case):
        return case.jurisdiction.name
    if kind not in MEASURE_KINDS:
        service.ensure_lead_place(db, actor, case, f"制发{DOCUMENT_KINDS[kind]}")
    if measure is not None and measure.jurisdiction_id != actor.jurisdiction_id:
        raise forbidden("协办地只能为本地登记的处置措施制发文书")
    place = db.get(Jurisdiction, actor.jurisdiction_id) if actor.jurisdiction_id else None
    if place is None:
        raise forbidden("没有所属辖区的账号不能制发文书")
    return place.name


def _add_row(
    db: Session, actor: Actor, case: Case, kind: str, version: int, stored: StoredFile, *,
    generated: bool, note: str | None,
) -> CaseDocument:  # fmt: skip
    row = CaseDocument(
        case_id=case.id, kind=kind, version=version, generated=generated,
        filename=stored.filename, content_type=stored.content_type, size=stored.size,
        sha256=stored.sha256, note=note, jurisdiction_id=actor.jurisdiction_id,
        created_by=actor.label,
    )  # fmt: skip
    db.add(row)
    db.flush()
    return row


def generate(
    db: Session,
    *,
    actor: Actor,
    case_id: int,
    kind: str,
    files_root: Path,
    measure_id: int | None = None,
    today: date | None = None,
) -> CaseDocument:
    """Fill the current template of ``kind`` from the case and store it as the next version."""
    case = service.get_or_raise(db, actor=actor, case_id=case_id, action="case.document")
    _check_kind(kind, GENERATED_KINDS, "可生成的文书")
    today = today or local_today()
    measure = _measure_for(db, case, kind, measure_id)
    issuer = _issuer(db, actor, case, kind, measure)
    template = read_template(db, files_root, kind)
    facts = facts_of(db, case, measure, today=today, issuer=issuer)
    content = doc_templates.fill(template, facts)
    _lock_case(db, case)
    version = _next_version(db, case, kind)
    filename = f"{case.number}-{DOCUMENT_KINDS[kind]}-v{version}.docx"
    stored = attachments.store(files_root, Upload(filename, content))
    row = _add_row(db, actor, case, kind, version, stored, generated=True, note=None)
    workflow.record_event(
        db, actor=actor, case=case, track="document", action="generate", on_date=today,
        jurisdiction_id=actor.jurisdiction_id, document_no=measure.document_no if measure else None,
        comment=f"生成{DOCUMENT_KINDS[kind]}（第 {version} 版）",
        detail={"document_id": row.id, "kind": kind, "version": version, "sha256": row.sha256},
    )  # fmt: skip
    return row


def _clean_note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise invalid("说明过长。", [FieldProblem("note", f"不能超过 {MAX_NOTE} 个字")])
    return text or None


def upload(
    db: Session,
    *,
    actor: Actor,
    case_id: int,
    kind: str,
    upload: Upload,
    files_root: Path,
    note: str | None,
) -> CaseDocument:
    """Register an uploaded file (evidence, opinions, reports) as the next version of its kind."""
    case = service.get_or_raise(db, actor=actor, case_id=case_id, action="case.document")
    _check_kind(kind, UPLOADED_KINDS, "可上传的材料类别")
    attachments.check(upload, "file")
    note = _clean_note(note)
    digest = hashlib.sha256(upload.content).hexdigest()
    _lock_case(db, case)
    same = db.scalar(
        select(CaseDocument).where(
            CaseDocument.case_id == case.id,
            CaseDocument.kind == kind,
            CaseDocument.sha256 == digest,
        )
    )
    if same is not None:
        raise conflict(
            f"同一文件已作为{DOCUMENT_KINDS[kind]}第 {same.version} 版登记"
            f"（{same.filename}，{same.created_by} 上传），无需重复上传。"
        )
    version = _next_version(db, case, kind)
    stored = attachments.store(files_root, upload)
    row = _add_row(db, actor, case, kind, version, stored, generated=False, note=note)
    workflow.record_event(
        db, actor=actor, case=case, track="document", action="upload", on_date=local_today(),
        jurisdiction_id=actor.jurisdiction_id,
        comment=f"上传{DOCUMENT_KINDS[kind]}“{stored.filename}”（第 {row.version} 版，"
        f"SHA-256 {stored.sha256[:12]}）",
        detail={"document_id": row.id, "kind": kind, "version": row.version, "sha256": row.sha256,
                "size": row.size, "note": note},
    )  # fmt: skip
    return row


def documents_of(db: Session, case: Case) -> list[CaseDocument]:
    """Every document of the case: by kind (in the order of DOCUMENT_KINDS), newest version first."""
    order = {kind: index for index, kind in enumerate(DOCUMENT_KINDS)}
    rows = db.scalars(select(CaseDocument).where(CaseDocument.case_id == case.id))
    return sorted(rows, key=lambda d: (order.get(d.kind, len(order)), d.kind, -d.version))


def latest(db: Session, case: Case, kind: str) -> CaseDocument | None:
    """The newest version of one kind of document of the case, if any."""
    stmt = select(CaseDocument).where(CaseDocument.case_id == case.id, CaseDocument.kind == kind)
    return db.scalar(stmt.order_by(CaseDocument.version.desc()).limit(1))


def path_of(files_root: Path, doc: CaseDocument) -> Path:
    """Where a document's file is stored."""
    return attachments.path_of(files_root, doc.sha256)


def _read_checked(path: Path, sha256: str, what: str) -> bytes:
    if not path.is_file():
        raise FangfeiError(
            "file_missing", f"{what}的文件不在存储目录中，请联系系统管理员从备份恢复。", 500
        )
    content = path.read_bytes()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise FangfeiError(
            "file_altered",
            f"{what}的文件与登记的 SHA-256 校验值不符，可能已被改动；请联系系统管理员从备份恢复。",
            500,
        )
    return content


def read_document(files_root: Path, doc: CaseDocument) -> bytes:
    """The stored bytes of a document, refused if they no longer match the registered hash."""
    label = DOCUMENT_KINDS.get(doc.kind, doc.kind)
    return _read_checked(path_of(files_root, doc), doc.sha256, f"{label}（第 {doc.version} 版）")


def current_template(db: Session, kind: str) -> DocumentTemplate | None:
    """The administrator's latest replacement template of a kind, if any."""
    stmt = select(DocumentTemplate).where(DocumentTemplate.kind == kind)
    return db.scalar(stmt.order_by(DocumentTemplate.version.desc()).limit(1))


def read_template(db: Session, files_root: Path, kind: str) -> bytes:
    """The template in use for a kind: the latest administrator upload, else the shipped default."""
    _check_kind(kind, GENERATED_KINDS, "可生成的文书")
    row = current_template(db, kind)
    if row is None:
        return doc_templates.default_template(kind)
    what = f"{DOCUMENT_KINDS[kind]}模板（第 {row.version} 版）"
    return _read_checked(attachments.path_of(files_root, row.sha256), row.sha256, what)


def replace_template(
    db: Session, *, actor: Actor, kind: str, content: bytes, files_root: Path
) -> DocumentTemplate:
    """Make an administrator's Word file the template of a kind (a new version; older ones kept)."""
    policy.ensure(db, actor, "case.template")
    _check_kind(kind, GENERATED_KINDS, "可生成的文书")
    names = doc_templates.check_template(content)
    stmt = select(func.max(DocumentTemplate.version)).where(DocumentTemplate.kind == kind)
    version = (db.scalar(stmt) or 0) + 1
    stored = attachments.store(files_root, Upload(f"{kind}-v{version}.docx", content))
    row = DocumentTemplate(
        kind=kind, version=version, sha256=stored.sha256, uploaded_by=actor.label
    )
    db.add(row)
    db.flush()
    audit.record(
        db, actor=actor, action="case.template_replace", object_type="document_template",
        object_id=row.id,
        detail={"kind": kind, "version": version, "sha256": stored.sha256, "placeholders": names},
    )  # fmt: skip
    return row


# -- the values of the placeholders ---------------------------------------------------------------


def _main_subject(subjects: list[CaseSubject]) -> CaseSubject | None:
    organisers = [s for s in subjects if s.role == "organiser"]
    candidates = organisers or subjects
    return candidates[0] if candidates else None


def _subject_lines(db: Session, subjects: list[CaseSubject]) -> list[str]:
    roles = reference.names(db, "participant_role")
    lines = []
    for subject in subjects:
        parts = [roles.get(subject.role, subject.role)]
        if subject.uscc:
            parts.append(f"统一社会信用代码 {subject.uscc}")
        lines.append(f"{subject.name}（{'，'.join(parts)}）")
    return lines


def _measures(db: Session, case: Case) -> list[CaseMeasure]:
    stmt = select(CaseMeasure).where(
        CaseMeasure.case_id == case.id, CaseMeasure.voided_at.is_(None)
    )
    return list(db.scalars(stmt.order_by(CaseMeasure.taken_on, CaseMeasure.id)))


def _measure_lines(db: Session, case: Case) -> list[str]:
    labels = reference.names(db, "admin_measure")
    lines = []
    for measure in _measures(db, case):
        parts = [f"对象：{measure.target}"]
        if measure.document_no:
            parts.append(f"文号：{measure.document_no}")
        if measure.fine_yuan is not None:
            parts.append(f"罚款 {wan_text(measure.fine_yuan)}")
        if measure.people_reduced is not None:
            parts.append(f"压降人数 {measure.people_reduced} 人")
        label = labels.get(measure.kind, measure.kind)
        lines.append(f"{date_text(measure.taken_on)}，{label}（{'；'.join(parts)}）")
    return lines


def _criminal_lines(db: Session, case: Case) -> list[str]:
    lines = []
    for event in service.timeline(db, case):
        if event.track != "criminal":
            continue
        line = (
            f"{date_text(event.on_date)}，{workflow.CRIMINAL_STEPS.get(event.action, event.action)}"
        )
        if event.document_no:
            line += f"（文号：{event.document_no}）"
        if event.comment:
            line += f"：{event.comment}"
        lines.append(line)
    return lines


def _rectify_deadline(db: Session, measure: CaseMeasure) -> str:
    if measure.rectify_workdays is None:
        return BLANK
    deadline = workdays.add_workdays(db, measure.taken_on, measure.rectify_workdays)
    return date_text(deadline.date) + ("（暂定）" if deadline.provisional else "")


def _measure_values(db: Session, measure: CaseMeasure | None) -> dict[str, str | list[str]]:
    if measure is None:
        return {"措施对象": BLANK, "措施文号": BLANK, "措施日期": BLANK, "整改期限": BLANK}
    return {
        "措施对象": measure.target,
        "措施文号": measure.document_no or BLANK,
        "措施日期": date_text(measure.taken_on),
        "整改期限": _rectify_deadline(db, measure),
    }


def _path_text(case: Case) -> str:
    text = service.PATH_LABELS.get(case.path, case.path)
    return (
        text + "（先行政后刑事）" if case.path == "criminal" and case.administrative_first else text
    )


def facts_of(
    db: Session,
    case: Case,
    measure: CaseMeasure | None = None,
    *,
    today: date | None = None,
    issuer: str | None = None,
) -> dict[str, str | list[str]]:
    """The value of every placeholder for the case (and the measure a notice is about).

    ``issuer`` is the place the document goes out in the name of; the lead place by default.
    """
    subjects = service.subjects_of(db, case)
    places = service.places_of(db, case)
    main = _main_subject(subjects)

    def place_names(role: str, none: str) -> str:
        return "、".join(p.name for p in places if p.role == role) or none

    values: dict[str, str | list[str]] = {
        "案件编号": case.number,
        "案件名称": case.name,
        "主办地": case.jurisdiction.name,
        "发文单位": issuer or case.jurisdiction.name,
        "协办地": place_names("assisting", "无"),
        "注册地": place_names("registration", "未登记"),
        "涉及金额": wan_text(case.amount_yuan),
        "涉及人数": _people(case.people_count),
        "未兑付金额": wan_text(case.unpaid_amount_yuan),
        "未兑付人数": _people(case.unpaid_people),
        "当前阶段": workflow.STAGE_LABELS.get(case.stage, case.stage),
        "处置路径": _path_text(case),
        "调查方式": service.MODE_LABELS.get(case.investigation_mode or "", "尚未确定"),
        "性质认定": case.characterisation or "尚未认定",
        "主要违法违规事实": case.facts or "（尚未填写）",
        "主要对象": main.name if main else "（尚未登记）",
        "统一社会信用代码": (main.uscc or "") if main else "",
        "包案领导": case.leader_name or "（尚未明确）",
        "文书日期": date_text(today or local_today()),
        "案件线索清单": [
            f"{lead.number}（{date_text(lead.discovered_on)}发现）：{lead.description}"
            for lead in service.leads_of(db, case)
        ],
        "涉案主体清单": _subject_lines(db, subjects),
        "处置措施清单": _measure_lines(db, case),
        "刑事办理清单": _criminal_lines(db, case),
        **_measure_values(db, measure),
    }
    return values
