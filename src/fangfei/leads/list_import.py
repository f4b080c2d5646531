"""Importing a list of leads (one per row) through the same intake as the form, all or nothing.

Columns (first row; Chinese names): 线索渠道, 风险主体名称, 统一社会信用代码 (optional), 所属乡镇,
所属行业领域, 线索内容, 涉及金额（元）, 涉及人数, 发现日期, 举报人姓名, 举报人电话 (optional).
Channel, township and domain are given by name (a domain also by its number 1–6). Every row goes
through :func:`fangfei.leads.intake.create`, so informants are sealed and every check of the form
applies; the problems of every row are collected and one problem means nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.clock import local_today
from fangfei.errors import FangfeiError, FieldProblem, invalid
from fangfei.leads import intake
from fangfei.leads.schemas import LeadCreate
from fangfei.reference import service as reference
from fangfei.security.crypto import FieldCipher
from fangfei.tables import cell_text, detect_format, file_sha256, is_blank, open_rows

COLUMNS = {
    "线索渠道": "channel", "风险主体名称": "subject_name", "统一社会信用代码": "subject_uscc",
    "所属乡镇": "jurisdiction_id", "所属行业领域": "domain", "线索内容": "description",
    "涉及金额（元）": "amount_yuan", "涉及人数": "people_count", "发现日期": "discovered_on",
    "举报人姓名": "informant_name", "举报人电话": "informant_phone",
}  # fmt: skip
REQUIRED = ("线索渠道", "风险主体名称", "所属乡镇", "所属行业领域", "线索内容", "发现日期")
LABELS = {field: label for label, field in COLUMNS.items()}


def _codes(db: Session) -> dict[str, dict[str, Any]]:
    domains = reference.items(db, "industry_domain")
    return {
        "channel": {i.name: i.code for i in reference.items(db, "channel", active_only=True)},
        "domain": {i.name: i.code for i in domains} | {str(n): i.code for n, i in enumerate(domains, 1)},
        "jurisdiction_id": {j.name: j.id for j in reference.jurisdictions(db)},
    }  # fmt: skip


def _values(cells: dict[str, str], codes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for label, name in COLUMNS.items():
        text = cells.get(label, "")
        values[name] = codes[name].get(text, text) if name in codes and text else (text or None)
    informant = {k: values.pop(f"informant_{k}") for k in ("name", "phone")}
    values["informant"] = informant if any(informant.values()) else None
    return values


def _row_problems(exc: Exception, row: int) -> list[FieldProblem]:
    if isinstance(exc, ValidationError):
        return [FieldProblem(LABELS.get(str(e["loc"][0]), str(e["loc"][0])), e["msg"], row)
                for e in exc.errors()]  # fmt: skip
    assert isinstance(exc, FangfeiError)
    if not exc.problems:
        return [FieldProblem("行", exc.message, row)]
    return [FieldProblem(LABELS.get(p.field, p.field), p.reason, row) for p in exc.problems]


def import_leads(db: Session, *, actor: Actor, cipher: FieldCipher, path: Path) -> int:
    """Register every row as a lead, or none when any row has a problem."""
    policy.ensure(db, actor, "lead.import")
    codes, problems, count = _codes(db), [], 0
    whole = db.begin_nested()  # rolled back below if any row fails: the file lands whole or not
    with open_rows(path, detect_format(path)) as rows:
        header = [cell_text(c) for c in next(rows, [])]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise invalid("线索表缺少必填列。", [FieldProblem(c, "缺少此列", 1) for c in missing])
        for number, raw in enumerate(rows, start=2):
            if is_blank(raw):
                continue
            cells = dict(zip(header, (cell_text(c) for c in raw), strict=False))
            try:
                with db.begin_nested():
                    data = LeadCreate.model_validate(_values(cells, codes))
                    intake.create(db, actor=actor, cipher=cipher, data=data)
                count += 1
            except (FangfeiError, ValidationError) as exc:
                problems += _row_problems(exc, number)
    if problems or not count:
        whole.rollback()
        raise invalid(
            "线索表有问题，未导入任何一行。", problems or [FieldProblem("文件", "没有线索行")]
        )
    whole.commit()
    audit.record(db, actor=actor, action="lead.import", object_type="file", object_id=path.name,
                 detail={"rows": count, "sha256": file_sha256(path), "on": local_today()})  # fmt: skip
    return count
