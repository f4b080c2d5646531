"""Cases: opening from leads, the procedure and criminal path with their refusals, measures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import docx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.audit.models import AuditEvent
from fangfei.cases import documents, measures, procedure, service
from fangfei.cases.models import Case, CaseDocument
from fangfei.cases.schemas import CaseOpen, CaseUpdate, MeasureIn, StepIn
from fangfei.clock import local_today
from fangfei.errors import FangfeiError
from fangfei.security.crypto import FieldCipher
from tests.cases.helpers import judged_lead, open_case
from tests.county import County
from tests.leads.helpers import actor_of, make_lead


def _office(county: County) -> object:
    return actor_of(county.users["office"])


def step(
    db: Session, files: Path, county: County, case: Case, track: str, name: str, **data: object
) -> Case:
    """Take a step as the lead office on 2025-09-26 unless a date is given."""
    values = {"on_date": date(2025, 9, 26), **data}
    return procedure.take_step(
        db, actor=_office(county), case_id=case.id, track=track, step=name,
        data=StepIn.model_validate(values), files_root=files,
    )  # fmt: skip


def refused(
    db: Session, files: Path, county: County, case: Case, track: str, name: str, **data: object
) -> str:
    with pytest.raises(FangfeiError) as caught:
        step(db, files, county, case, track, name, **data)
    assert caught.value.status == 409
    return caught.value.message


def add_document(db: Session, case: Case, kind: str) -> None:
    db.add(CaseDocument(case_id=case.id, kind=kind, version=1, generated=False, filename="a.pdf",
                        content_type="application/pdf", size=1, sha256="0" * 64, created_by="t"))  # fmt: skip
    db.flush()


def test_a_judged_lead_becomes_a_case(db: Session, county: County, cipher: FieldCipher) -> None:
    case = open_case(db, county, cipher)
    lead = service.leads_of(db, case)[0]
    assert (lead.status, lead.case_id) == ("transferred", case.id)
    assert case.number == f"AJ{local_today().year}-000001"
    assert (case.name, case.stage, case.path) == (
        "东城鑫盛财富管理有限公司涉嫌非法集资案",
        "received",
        "administrative",
    )
    assert (case.amount_yuan, case.people_count) == (Decimal("2500000.00"), 60)
    assert case.jurisdiction_id == county.county.id
    assert [(s.name, s.role) for s in service.subjects_of(db, case)] == [
        ("东城鑫盛财富管理有限公司", "organiser")
    ]
    events = service.timeline(db, case)
    assert [(e.action, e.comment) for e in events] == [("open", f"由线索 {lead.number} 转入")]
    audited = db.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "case"))
    assert list(audited) == ["case.procedure.open"]


def test_only_judged_leads_with_a_path_become_cases(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    fresh = make_lead(db, county, cipher)
    with pytest.raises(FangfeiError) as caught:
        service.open_from_leads(db, actor=_office(county), data=CaseOpen(lead_ids=[fresh.id]))
    assert caught.value.status == 422
    assert [str(p) for p in caught.value.problems] == [
        f"字段“lead_ids”：线索 {fresh.number} 尚未研判确定处置路径，不能转为案件"
    ]


def test_two_leads_make_one_case_with_summed_figures(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    first = judged_lead(db, county, cipher)
    second = judged_lead(db, county, cipher, subject_name="鑫盛文化传播有限公司",
                         amount_yuan=Decimal("500000.50"), people_count=7)  # fmt: skip
    data = CaseOpen(lead_ids=[first.id, second.id], name="鑫盛系列非法集资案")
    case = service.open_from_leads(db, actor=_office(county), data=data)
    assert (case.amount_yuan, case.people_count) == (Decimal("3000000.50"), 67)
    assert [s.name for s in service.subjects_of(db, case)] == [
        "东城鑫盛财富管理有限公司",
        "鑫盛文化传播有限公司",
    ]


def test_the_ten_steps_in_order_with_their_requirements(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    case = open_case(db, county, cipher)
    with pytest.raises(FangfeiError) as missing:
        step(db, files, county, case, "procedure", "accept")
    assert [str(p) for p in missing.value.problems] == [
        "字段“investigation_mode”：受理时须选择调查方式（行业执法调查或专项调查）"
    ]
    step(db, files, county, case, "procedure", "accept", investigation_mode="special")
    assert (case.stage, case.acceptance_outcome, case.accepted_on) == (
        "investigating",
        "accepted",
        date(2025, 9, 26),
    )
    step(
        db,
        files,
        county,
        case,
        "procedure",
        "characterise",
        characterisation="认定意见书 X〔2025〕3号",
    )
    step(db, files, county, case, "procedure", "register")
    step(db, files, county, case, "procedure", "announce")
    announcement = documents.latest(db, case, "announcement")
    assert announcement is not None and announcement.generated
    text = [
        p.text
        for p in docx.Document(BytesIO(documents.read_document(files, announcement))).paragraphs
    ]
    assert "被取缔对象：东城鑫盛财富管理有限公司" in text
    assert text[-1] == "2025年9月26日"
    step(db, files, county, case, "procedure", "audit")
    assert refused(db, files, county, case, "procedure", "refund") == (
        "不能“清偿兑付”：清偿兑付前须上传审计报告和资产评估报告（审计评估）。"
    )
    add_document(db, case, "audit_report")
    add_document(db, case, "valuation_report")
    step(db, files, county, case, "procedure", "refund")
    step(db, files, county, case, "procedure", "stabilise")
    step(db, files, county, case, "procedure", "end_disposal", on_date=date(2025, 9, 30))
    assert (
        refused(db, files, county, case, "procedure", "report")
        == "不能“报送处置报告”：报送前须先生成处置报告。"
    )
    add_document(db, case, "disposal_report")
    step(db, files, county, case, "procedure", "report", on_date=date(2025, 10, 10))
    step(db, files, county, case, "procedure", "close", on_date=date(2025, 12, 1))
    assert (case.stage, case.disposal_ended_on, case.closed_on) == (
        "closed",
        date(2025, 9, 30),
        date(2025, 12, 1),
    )
    procedure_events = [e for e in service.timeline(db, case) if e.track == "procedure"]
    trail = [(e.from_state, e.to_state) for e in procedure_events][1:]
    assert trail == [
        ("received", "investigating"), ("investigating", "characterised"),
        ("characterised", "registering"), ("registering", "announced"),
        ("announced", "auditing"), ("auditing", "refunding"), ("refunding", "stabilising"),
        ("stabilising", "reporting"), ("reporting", "reported"), ("reported", "closed"),
    ]  # fmt: skip


def test_refused_transitions_say_why(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    case = open_case(db, county, cipher)
    step(db, files, county, case, "procedure", "accept", investigation_mode="industry")
    assert refused(db, files, county, case, "procedure", "refund") == (
        "案件当前为“调查取证”，不能“清偿兑付”；此时可以：性质认定、清理登记、处置结束。"
    )
    assert refused(db, files, county, case, "procedure", "close") == (
        "案件当前为“调查取证”，不能“结案”；此时可以：性质认定、清理登记、处置结束。"
    )
    step(db, files, county, case, "procedure", "end_disposal")
    assert refused(db, files, county, case, "procedure", "close") == (
        "案件当前为“待报处置报告”，不能“结案”；此时可以：报送处置报告。"
    )
    assert refused(db, files, county, case, "criminal", "file") == (
        "案件当前为“未移送公安”，不能“公安立案”；此时可以：移送公安。"
    )
    assert refused(db, files, county, case, "procedure", "file_by_police") == (
        "立案侦查随公安立案自动记录：请在刑事办理中登记“公安立案”。"
    )
    assert case.stage == "reporting"


def test_administrative_first_then_criminal_keeps_both(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    case = open_case(db, county, cipher)
    office = _office(county)
    step(db, files, county, case, "procedure", "accept", investigation_mode="industry")
    measures.record_measure(db, actor=office, case_id=case.id, data=MeasureIn(
        kind="warning_interview", taken_on=date(2025, 9, 1), target="法定代表人张某",
        document_no="约谈〔2025〕1号"))  # fmt: skip
    step(db, files, county, case, "criminal", "refer", document_no="移送〔2025〕2号")
    assert (case.path, case.administrative_first, case.criminal_stage) == (
        "criminal",
        True,
        "referred",
    )
    step(db, files, county, case, "criminal", "file", on_date=date(2025, 10, 9))
    assert (case.filed_on, case.stage) == (date(2025, 10, 9), "filed")
    step(db, files, county, case, "criminal", "investigate", on_date=date(2025, 10, 9), arrests=3)
    step(db, files, county, case, "criminal", "prosecute", on_date=date(2025, 10, 20))
    step(db, files, county, case, "criminal", "try", on_date=date(2025, 10, 30))
    step(db, files, county, case, "procedure", "end_disposal", on_date=date(2025, 11, 3))
    add_document(db, case, "disposal_report")
    step(db, files, county, case, "procedure", "report", on_date=date(2025, 11, 10))
    assert (
        refused(db, files, county, case, "procedure", "close")
        == "不能“结案”：刑事部分尚未结案，案件不能结案。"
    )
    step(db, files, county, case, "criminal", "enforce", on_date=date(2025, 12, 2),
         amount_yuan=Decimal("800000.00"))  # fmt: skip
    step(db, files, county, case, "criminal", "close", on_date=date(2025, 12, 2),
         amount_yuan=Decimal("200000.00"))  # fmt: skip
    step(db, files, county, case, "procedure", "close", on_date=date(2025, 12, 3))
    assert (case.arrests, case.enforced_yuan, case.judgement_on, case.criminal_stage) == (
        3,
        Decimal("1000000.00"),
        date(2025, 12, 2),
        "closure",
    )
    tracks = [(e.track, e.action) for e in service.timeline(db, case)]
    assert ("measure", "warning_interview") in tracks
    assert tracks.index(("measure", "warning_interview")) < tracks.index(("criminal", "refer"))
    assert ("procedure", "file_by_police") in tracks


def test_a_step_is_dated_between_the_step_before_it_and_today(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    case = open_case(db, county, cipher)
    step(db, files, county, case, "procedure", "accept", investigation_mode="special")
    with pytest.raises(FangfeiError) as early:
        step(db, files, county, case, "procedure", "characterise", characterisation="认定意见书",
             on_date=date(2025, 9, 25))  # fmt: skip
    assert [str(p) for p in early.value.problems] == [
        "字段“on_date”：日期不能早于本路径上一步的日期（2025-09-26）"
    ]
    with pytest.raises(FangfeiError) as future:
        procedure.take_step(db, actor=_office(county), case_id=case.id, track="procedure",
                            step="characterise", today=date(2025, 10, 1), files_root=files,
                            data=StepIn(on_date=date(2025, 10, 2), characterisation="认定意见书"))  # fmt: skip
    assert [str(p) for p in future.value.problems] == ["字段“on_date”：日期不能晚于今天"]
    # The criminal path keeps its own dates: a referral may be dated before the characterisation.
    step(db, files, county, case, "procedure", "characterise", characterisation="认定意见书",
         on_date=date(2025, 10, 1))  # fmt: skip
    step(db, files, county, case, "criminal", "refer", on_date=date(2025, 9, 28))
    assert [e.on_date for e in service.timeline(db, case)][1:] == [
        date(2025, 9, 26), date(2025, 9, 28), date(2025, 10, 1)
    ]  # fmt: skip
    assert case.stage == "characterised"


def test_acceptance_may_refer_to_the_judiciary_or_end(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    referred = open_case(db, county, cipher)
    step(db, files, county, referred, "procedure", "refer_judiciary")
    assert (referred.stage, referred.acceptance_outcome, referred.criminal_stage) == (
        "investigating",
        "referred_judiciary",
        "referred",
    )
    ended = open_case(db, county, cipher, subject_name="西城某某养老服务中心")
    with pytest.raises(FangfeiError) as missing:
        step(db, files, county, ended, "procedure", "terminate")
    assert [p.field for p in missing.value.problems] == ["comment"]
    step(db, files, county, ended, "procedure", "terminate", comment="经核查不属于非法金融活动")
    assert (ended.stage, ended.closed_on) == ("terminated", date(2025, 9, 26))
    assert refused(db, files, county, ended, "criminal", "refer") == (
        "案件当前为“未移送公安”，不能“移送公安”；此时可以：无。"
    )


@pytest.mark.parametrize(
    ("values", "problems"),
    [
        ({"kind": "fine"}, ["字段“fine_yuan”：罚款须填写金额（元）"]),
        ({"kind": "rectification_order"}, ["字段“rectify_workdays”：责令整改须给出整改期限（工作日）"]),
        ({"kind": "warning", "rectify_workdays": 5}, ["字段“rectify_workdays”：只有责令整改设整改期限"]),
        ({"kind": "police_referral"},
         ["字段“kind”：移送公安请在“刑事办理”中登记，以便跟踪立案、侦查、起诉各阶段"]),
        ({"kind": "nonsense"}, ["字段“kind”：“nonsense”不是有效的处置措施"]),
    ],
)  # fmt: skip
def test_bad_measures_are_refused(
    db: Session, county: County, cipher: FieldCipher, values: dict[str, object],
    problems: list[str],
) -> None:  # fmt: skip
    case = open_case(db, county, cipher)
    data = MeasureIn.model_validate({"taken_on": date(2025, 9, 1), "target": "某公司", **values})
    with pytest.raises(FangfeiError) as caught:
        measures.record_measure(db, actor=_office(county), case_id=case.id, data=data)
    assert [str(p) for p in caught.value.problems] == problems


def test_a_measure_voided_is_kept_with_its_reason(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    case = open_case(db, county, cipher)
    office = _office(county)
    data = MeasureIn(kind="fine", taken_on=date(2025, 9, 1), target="某公司",
                     fine_yuan=Decimal("50000"))  # fmt: skip
    fine = measures.record_measure(db, actor=office, case_id=case.id, data=data)
    measures.void_measure(db, actor=office, case_id=case.id, measure_id=fine.id, reason="录入错误")
    assert measures.measures_of(db, case) == []
    assert (fine.voided_at is not None, fine.void_reason) == (True, "录入错误")


def test_facts_are_updated_with_old_and_new_values_audited(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    case = open_case(db, county, cipher)
    office = _office(county)
    with pytest.raises(FangfeiError) as caught:
        service.update(db, actor=office, case_id=case.id,
                       data=CaseUpdate(officer_user_id=county.users["market"].id))  # fmt: skip
    assert [str(p) for p in caught.value.problems] == [
        "字段“officer_user_id”：承办人须是主办地处非办的在职人员"
    ]
    data = CaseUpdate(amount_yuan=Decimal("120000000"), officer_user_id=county.users["office"].id)
    service.update(db, actor=office, case_id=case.id, data=data)
    assert (case.over_100m, case.officer.username if case.officer else None) == (True, "office")
    row = db.scalars(select(AuditEvent).where(AuditEvent.action == "case.update")).one()
    assert row.detail["amount_yuan"] == {"from": "2500000.00", "to": "120000000"}
