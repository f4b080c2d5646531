"""Case documents: filled templates, versions, checksums, uploaded evidence, admin templates."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import docx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.audit.models import AuditEvent
from fangfei.cases import doc_templates, documents, service, workflow
from fangfei.cases.models import Case, CaseEvent, CaseMeasure
from fangfei.errors import FangfeiError
from fangfei.leads.attachments import Upload
from fangfei.security.crypto import FieldCipher
from fangfei.workdays.service import add_workdays
from tests.cases.helpers import open_case
from tests.county import County
from tests.leads.helpers import actor_of

PDF = b"%PDF-1.7\n" + b"0" * 64
HEADINGS = [
    "一、案件线索",
    "二、被处置对象基本情况",
    "三、调查取证及性质认定情况",
    "四、主要违法违规事实",
    "五、处置措施及处理结果",
]
ORGANISER = "东城鑫盛财富管理有限公司"


def _texts(content: bytes) -> list[str]:
    return [p.text for p in docx.Document(BytesIO(content)).paragraphs]


def _docx(*paragraphs: list[str], style: str | None = None) -> bytes:
    """A Word file with one paragraph per list of run texts."""
    document = docx.Document()
    for runs in paragraphs:
        paragraph = document.add_paragraph(style=style)
        for text in runs:
            paragraph.add_run(text)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _measure(db: Session, case: Case, **values: object) -> CaseMeasure:
    fields: dict[str, object] = {
        "kind": "rectification_order",
        "taken_on": date(2025, 9, 26),
        "target": ORGANISER,
        "document_no": "测市监责改〔2025〕3号",
        "rectify_workdays": 10,
        "actor_name": "office",
    }
    fields.update(values)
    measure = CaseMeasure(case_id=case.id, jurisdiction_id=case.jurisdiction_id, **fields)
    db.add(measure)
    db.flush()
    return measure


def test_the_disposal_report_holds_its_required_contents(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    office = actor_of(county.users["office"])
    case = open_case(db, county, cipher, path="criminal")
    case.facts = "以年化 18% 保本理财为名吸收资金。"
    workflow.advance(db, actor=office, case=case, track="criminal", step="refer",
                     on_date=date(2026, 6, 1), jurisdiction_id=office.jurisdiction_id,
                     document_no="测防非移〔2026〕1号")  # fmt: skip
    _measure(db, case, kind="fine", taken_on=date(2026, 6, 3), rectify_workdays=None,
             document_no="测市监罚〔2026〕7号", fine_yuan=Decimal("50000"), people_reduced=12)  # fmt: skip
    lead = service.leads_of(db, case)[0]

    doc = documents.generate(db, actor=office, case_id=case.id, kind="disposal_report",
                             files_root=files, today=date(2026, 12, 6))  # fmt: skip

    content = documents.path_of(files, doc).read_bytes()
    texts = _texts(content)
    assert [texts.index(h) for h in HEADINGS] == sorted(texts.index(h) for h in HEADINGS)
    assert texts[0] == "处置报告"
    assert texts[1] == f"（{case.name}，案件编号 {case.number}）"
    after_leads = texts[texts.index(HEADINGS[0]) + 1]
    assert after_leads == f"{lead.number}（2026年5月18日发现）：{lead.description}"
    assert texts[texts.index(HEADINGS[1]) + 1] == f"{ORGANISER}（组织者）"
    assert "涉及金额 250.00 万元，涉及人数 60 人；未兑付金额 不详，未兑付人数 不详。" in texts
    assert texts[texts.index(HEADINGS[3]) + 1] == "以年化 18% 保本理财为名吸收资金。"
    assert texts[texts.index(HEADINGS[4]) + 1] == (
        f"2026年6月3日，罚款（对象：{ORGANISER}；文号：测市监罚〔2026〕7号；"
        "罚款 5.00 万元；压降人数 12 人）"
    )
    assert "2026年6月1日，移送公安（文号：测防非移〔2026〕1号）" in texts
    assert "处置路径：刑事；当前阶段：待受理。" in texts
    assert texts[-2:] == ["测试县防范和处置非法集资工作领导小组办公室", "2026年12月6日"]
    assert not any("{" in text for text in texts)

    assert (doc.version, doc.generated, doc.created_by) == (1, True, "office")
    assert doc.filename == f"{case.number}-处置报告-v1.docx"
    assert doc.sha256 == hashlib.sha256(content).hexdigest()
    assert doc.size == len(content)
    assert doc.content_type.endswith("wordprocessingml.document")
    event = db.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()[-1]
    assert (event.track, event.action, event.comment) == (
        "document",
        "generate",
        "生成处置报告（第 1 版）",
    )
    audited = db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert audited is not None and audited.action == "case.document.generate"
    assert audited.detail["sha256"] == doc.sha256


def test_a_second_generation_is_a_new_version_and_the_first_stays(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    office = actor_of(county.users["office"])
    case = open_case(db, county, cipher)
    first = documents.generate(db, actor=office, case_id=case.id, kind="disposal_report",
                               files_root=files, today=date(2026, 12, 6))  # fmt: skip
    first_bytes = documents.path_of(files, first).read_bytes()
    case.unpaid_amount_yuan = Decimal("1234567")

    second = documents.generate(db, actor=office, case_id=case.id, kind="disposal_report",
                                files_root=files, today=date(2026, 12, 7))  # fmt: skip

    assert second.version == 2
    assert second.filename == f"{case.number}-处置报告-v2.docx"
    assert second.sha256 != first.sha256
    assert documents.path_of(files, first).read_bytes() == first_bytes
    assert hashlib.sha256(first_bytes).hexdigest() == first.sha256
    assert "未兑付金额 123.46 万元" in "".join(_texts(documents.read_document(files, second)))
    assert [(d.kind, d.version) for d in documents.documents_of(db, case)] == [
        ("disposal_report", 2),
        ("disposal_report", 1),
    ]
    assert documents.latest(db, case, "disposal_report") == second
    assert documents.latest(db, case, "referral_letter") is None


def test_a_rectification_notice_states_the_deadline_in_working_days(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    office = actor_of(county.users["office"])
    case = open_case(db, county, cipher)
    measure = _measure(db, case)
    # Ten working days after Friday 26 September 2025, across National Day (1–8 October off,
    # Sunday 28 September and Saturday 11 October worked): Thursday 16 October.
    assert add_workdays(db, date(2025, 9, 26), 10) == (date(2025, 10, 16), False)

    doc = documents.generate(db, actor=office, case_id=case.id, kind="rectification_notice",
                             files_root=files, measure_id=measure.id, today=date(2025, 9, 26))  # fmt: skip

    texts = _texts(documents.read_document(files, doc))
    assert texts[:3] == ["责令整改通知书", "测市监责改〔2025〕3号", f"{ORGANISER}："]
    assert "整改期限：2025年10月16日。逾期不整改或者整改不到位的，我办将依法处理。" in texts
    event = db.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()[-1]
    assert event.document_no == "测市监责改〔2025〕3号"


def test_a_deadline_in_a_year_without_a_published_schedule_is_provisional(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    office = actor_of(county.users["office"])
    case = open_case(db, county, cipher)
    measure = _measure(db, case, taken_on=date(2098, 3, 2), rectify_workdays=5)
    deadline = add_workdays(db, date(2098, 3, 2), 5)
    assert deadline.provisional

    doc = documents.generate(db, actor=office, case_id=case.id, kind="rectification_notice",
                             files_root=files, measure_id=measure.id)  # fmt: skip

    expected = f"整改期限：{documents.date_text(deadline.date)}（暂定）。"
    assert any(t.startswith(expected) for t in _texts(documents.read_document(files, doc)))


def test_a_notice_needs_a_measure_of_its_own_kind_from_the_same_case(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    office = actor_of(county.users["office"])
    case = open_case(db, county, cipher)
    other = open_case(db, county, cipher, subject_name="西城某养老公寓")
    fine = _measure(db, case, kind="fine")
    elsewhere = _measure(db, other)

    with pytest.raises(FangfeiError) as wrong_kind:
        documents.generate(db, actor=office, case_id=case.id, kind="rectification_notice",
                           files_root=files, measure_id=fine.id)  # fmt: skip
    with pytest.raises(FangfeiError) as wrong_case:
        documents.generate(db, actor=office, case_id=case.id, kind="rectification_notice",
                           files_root=files, measure_id=elsewhere.id)  # fmt: skip
    with pytest.raises(FangfeiError) as not_a_notice:
        documents.generate(db, actor=office, case_id=case.id, kind="disposal_report",
                           files_root=files, measure_id=fine.id)  # fmt: skip

    assert [(p.field, p.reason) for p in wrong_kind.value.problems] == [
        ("measure_id", "所选措施是“罚款”，责令整改通知书须对应“责令整改”措施")
    ]
    assert wrong_case.value.status == 404
    assert not_a_notice.value.problems[0].field == "measure_id"
    assert documents.documents_of(db, case) == []


def test_a_renamed_script_is_refused_naming_the_field(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    office = actor_of(county.users["office"])
    case = open_case(db, county, cipher)
    script = Upload("合同.pdf", b"#!/bin/sh\nrm -rf /\n")

    with pytest.raises(FangfeiError) as caught:
        documents.upload(db, actor=office, case_id=case.id, kind="evidence", upload=script,
                         files_root=files, note=None)  # fmt: skip

    assert caught.value.status == 422
    assert [(p.field, p.reason) for p in caught.value.problems] == [
        ("file", "“合同.pdf”的内容与扩展名 .pdf 不符")
    ]
    assert documents.documents_of(db, case) == []
    assert not files.exists()


def test_uploaded_evidence_is_kept_by_version_with_who_when_and_hash(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    office = actor_of(county.users["office"])
    case = open_case(db, county, cipher)
    second_pdf = PDF + b"second"

    first = documents.upload(db, actor=office, case_id=case.id, kind="evidence",
                             upload=Upload("C:\\证据\\转账记录.pdf", PDF), files_root=files,
                             note="  银行调取  ")  # fmt: skip
    second = documents.upload(db, actor=office, case_id=case.id, kind="evidence",
                              upload=Upload("转账记录.pdf", second_pdf), files_root=files,
                              note=None)  # fmt: skip

    assert [(d.version, d.filename, d.note) for d in documents.documents_of(db, case)] == [
        (2, "转账记录.pdf", None),
        (1, "转账记录.pdf", "银行调取"),
    ]
    assert (first.generated, first.created_by, first.content_type) == (
        False,
        "office",
        "application/pdf",
    )
    assert first.created_at is not None
    assert first.sha256 == hashlib.sha256(PDF).hexdigest()
    assert documents.path_of(files, first).read_bytes() == PDF
    assert documents.path_of(files, second).read_bytes() == second_pdf
    events = db.scalars(select(CaseEvent).where(CaseEvent.action == "upload")).all()
    assert [e.comment for e in events] == [
        f"上传证据材料“转账记录.pdf”（第 1 版，SHA-256 {first.sha256[:12]}）",
        f"上传证据材料“转账记录.pdf”（第 2 版，SHA-256 {second.sha256[:12]}）",
    ]

    with pytest.raises(FangfeiError) as again:
        documents.upload(db, actor=office, case_id=case.id, kind="evidence",
                         upload=Upload("副本.pdf", PDF), files_root=files, note=None)  # fmt: skip
    assert again.value.code == "conflict"
    assert "第 1 版" in again.value.message


def test_a_stored_file_that_was_altered_is_not_served(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    office = actor_of(county.users["office"])
    case = open_case(db, county, cipher)
    doc = documents.upload(db, actor=office, case_id=case.id, kind="audit_report",
                           upload=Upload("审计.pdf", PDF), files_root=files, note=None)  # fmt: skip
    documents.path_of(files, doc).write_bytes(PDF + b"tampered")

    with pytest.raises(FangfeiError) as caught:
        documents.read_document(files, doc)

    assert caught.value.code == "file_altered"


@pytest.mark.parametrize(
    ("call", "kind"),
    [("generate", "evidence"), ("upload", "disposal_report"), ("generate", "nonsense")],
)
def test_a_kind_must_fit_the_operation(
    db: Session, county: County, cipher: FieldCipher, files: Path, call: str, kind: str
) -> None:
    office = actor_of(county.users["office"])
    case = open_case(db, county, cipher)
    with pytest.raises(FangfeiError) as caught:
        if call == "generate":
            documents.generate(db, actor=office, case_id=case.id, kind=kind, files_root=files)
        else:
            documents.upload(db, actor=office, case_id=case.id, kind=kind,
                             upload=Upload("a.pdf", PDF), files_root=files, note=None)  # fmt: skip
    assert caught.value.problems[0].field == "kind"


def test_an_administrator_template_is_used_for_the_next_generation(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    admin, office = actor_of(county.users["admin"]), actor_of(county.users["office"])
    case = open_case(db, county, cipher)
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "编号：{案件编号}"
    title = document.add_paragraph()
    title.add_run("关于{案件")
    title.add_run("名称}").bold = True
    title.add_run("的提示")
    document.add_table(rows=1, cols=2).rows[0].cells[1].text = "｛涉及金额｝"
    document.add_paragraph("{涉案主体清单}")
    out = BytesIO()
    document.save(out)

    template = documents.replace_template(db, actor=admin, kind="risk_notice_letter",
                                          content=out.getvalue(), files_root=files)  # fmt: skip
    doc = documents.generate(db, actor=office, case_id=case.id, kind="risk_notice_letter",
                             files_root=files)  # fmt: skip

    assert (template.version, template.uploaded_by) == (1, "admin")
    assert documents.read_template(db, files, "risk_notice_letter") == out.getvalue()
    filled = docx.Document(BytesIO(documents.read_document(files, doc)))
    assert [p.text for p in filled.paragraphs] == [
        f"关于{case.name}的提示",
        f"{ORGANISER}（组织者）",
    ]
    assert [r.text for r in filled.paragraphs[0].runs] == [f"关于{case.name}的提示", "", ""]
    assert filled.tables[0].rows[0].cells[1].text == "250.00 万元"
    assert filled.sections[0].header.paragraphs[0].text == f"编号：{case.number}"
    audited = db.scalar(select(AuditEvent).where(AuditEvent.action == "case.template_replace"))
    # Body paragraphs, then table cells, then headers and footers.
    assert audited is not None and audited.detail["placeholders"] == [
        "案件名称",
        "涉案主体清单",
        "涉及金额",
        "案件编号",
    ]
    # Other kinds keep the shipped default.
    assert documents.read_template(db, files, "announcement") == doc_templates.default_template(
        "announcement"
    )


def test_a_template_with_an_unknown_placeholder_is_refused(
    db: Session, county: County, files: Path
) -> None:
    admin = actor_of(county.users["admin"])
    with pytest.raises(FangfeiError) as caught:
        documents.replace_template(db, actor=admin, kind="announcement",
                                   content=_docx(["致{不存", "在}：{案件名称}"]), files_root=files)  # fmt: skip

    [problem] = caught.value.problems
    assert problem.field == "file"
    assert problem.reason.startswith(
        "模板中有未知的占位符：{不存在}。可用的占位符：{案件编号}、{案件名称}"
    )
    assert documents.current_template(db, "announcement") is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "文件是空的"),
        (b"plain text", "不是有效的 Word（docx）文件"),
        (PDF, "不是有效的 Word（docx）文件"),
    ],
)
def test_a_file_that_is_not_a_word_document_is_refused(content: bytes, reason: str) -> None:
    with pytest.raises(FangfeiError) as caught:
        doc_templates.check_template(content)
    [problem] = caught.value.problems
    assert problem.field == "file" and problem.reason.startswith(reason)


@pytest.mark.parametrize(
    ("user", "call"),
    [
        ("west", "generate"),
        ("east", "upload"),
        ("market", "generate"),
        ("leader", "upload"),
        ("admin", "generate"),
        ("office", "template"),
        ("east", "template"),
    ],
)
def test_only_the_case_office_writes_documents_and_only_the_admin_templates(
    db: Session, county: County, cipher: FieldCipher, files: Path, user: str, call: str
) -> None:
    case = open_case(db, county, cipher)
    actor = actor_of(county.users[user])
    with pytest.raises(FangfeiError) as caught:
        if call == "generate":
            documents.generate(
                db, actor=actor, case_id=case.id, kind="announcement", files_root=files
            )
        elif call == "upload":
            documents.upload(db, actor=actor, case_id=case.id, kind="evidence",
                             upload=Upload("a.pdf", PDF), files_root=files, note=None)  # fmt: skip
        else:
            documents.replace_template(db, actor=actor, kind="announcement",
                                       content=doc_templates.default_template("announcement"),
                                       files_root=files)  # fmt: skip
    assert caught.value.status == 403
    assert documents.documents_of(db, case) == []


@pytest.mark.parametrize("kind", documents.GENERATED_KINDS)
def test_every_default_template_is_valid_and_titled(kind: str) -> None:
    content = doc_templates.default_template(kind)
    names = doc_templates.check_template(content)
    assert _texts(content)[0] == documents.DOCUMENT_KINDS[kind]
    assert _texts(content)[-2:] == ["{发文单位}防范和处置非法集资工作领导小组办公室", "{文书日期}"]
    assert names[-1] == "文书日期"
    if kind == "rectification_notice":
        assert "整改期限" in names
    if kind == "disposal_report":
        texts = _texts(content)
        assert [t for t in texts if t in HEADINGS] == HEADINGS


def test_a_list_placeholder_becomes_one_paragraph_per_item() -> None:
    template = _docx(
        ["前言"], ["{涉案", "主体清单}"], ["后记：{案件线索清单}"], style="List Bullet"
    )

    filled = docx.Document(BytesIO(doc_templates.fill(template, {
        "涉案主体清单": ["甲公司", "乙", "丙"], "案件线索清单": ["一", "二"],
    })))  # fmt: skip
    empty = _texts(doc_templates.fill(template, {"涉案主体清单": [], "案件线索清单": []}))

    assert [p.text for p in filled.paragraphs] == ["前言", "甲公司", "乙", "丙", "后记：一；二"]
    assert {p.style.name for p in filled.paragraphs if p.style is not None} == {"List Bullet"}
    assert empty == ["前言", "无", "后记："]


def test_fill_refuses_an_unknown_placeholder_and_leaves_names_not_given() -> None:
    assert _texts(doc_templates.fill(_docx(["{案件名称}/{案件编号}"]), {"案件名称": "甲"})) == [
        "甲/{案件编号}"
    ]
    with pytest.raises(FangfeiError) as caught:
        doc_templates.fill(_docx(["{案件名称}{不存在}"]), {"案件名称": "甲"})
    assert "{不存在}" in caught.value.problems[0].reason


def test_money_is_shown_in_ten_thousands_rounded_half_up() -> None:

    assert documents.wan_text(Decimal("2500000")) == "250.00 万元"
    assert documents.wan_text(Decimal("50.00")) == "0.01 万元"
    assert documents.wan_text(Decimal("49.99")) == "0.00 万元"
    assert documents.wan_text(None) == "不详"
