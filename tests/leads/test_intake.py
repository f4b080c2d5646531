"""Intake: derived source, numbering, the sealed informant, checked attachments, duplicates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangfei.audit.models import AuditEvent
from fangfei.errors import FangfeiError
from fangfei.leads import attachments, intake
from fangfei.leads.attachments import Upload
from fangfei.leads.matching import subject_key
from fangfei.leads.models import Lead, LeadAttachment, LeadEvent
from fangfei.leads.schemas import DuplicateDecisionIn
from fangfei.security.crypto import FieldCipher
from tests.county import County
from tests.leads.helpers import INFORMANT, actor_of, lead_data, make_lead

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


def test_a_lead_gets_its_source_from_the_channel_and_a_yearly_number(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    first = make_lead(db, county, cipher)
    second = make_lead(db, county, cipher, channel="grid_worker", subject_name="西城某养老公寓")
    assigned = make_lead(db, county, cipher, channel="assigned_from_above", subject_name="甲")
    older = make_lead(db, county, cipher, discovered_on=date(2025, 12, 30), subject_name="乙")

    assert (first.source, second.source, assigned.source) == (
        "public_report",
        "self_discovered",
        "joint_meeting",
    )
    assert [first.number, second.number, assigned.number] == [
        "XS2026-000001",
        "XS2026-000002",
        "XS2026-000003",
    ]
    assert older.number == "XS2025-000001"
    assert first.status == "registered"
    events = db.scalars(select(LeadEvent).where(LeadEvent.lead_id == first.id)).all()
    assert [(e.action, e.actor_name) for e in events] == [("register", "office")]
    audited = db.scalar(
        select(AuditEvent).where(
            AuditEvent.object_type == "lead", AuditEvent.object_id == str(first.id)
        )
    )
    assert audited is not None and audited.action == "lead.register"


def test_the_informant_is_stored_only_encrypted(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    lead = make_lead(db, county, cipher, informant=INFORMANT)
    sealed = [lead.informant_name_enc, lead.informant_id_enc, lead.informant_phone_enc]
    assert all(isinstance(value, bytes) for value in sealed)
    raw = b"".join(v for v in sealed if v is not None)
    for clear in ("王秀英".encode(), b"11010519491231002X", b"13812345678"):
        assert clear not in raw
    assert cipher.decrypt(lead.informant_name_enc or b"") == "王秀英"
    assert lead.informant_real_name is True
    assert lead.informant_id_blind_index == cipher.blind_index("11010519491231002X")
    assert lead.informant_phone_blind_index == cipher.blind_index("13812345678")
    audit_text = " ".join(str(e.detail) for e in db.scalars(select(AuditEvent)))
    assert "王秀英" not in audit_text and "13812345678" not in audit_text


def test_an_anonymous_informant_with_only_a_name_is_not_real_name(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    lead = make_lead(db, county, cipher, informant={"name": "老李"})
    assert lead.informant_real_name is False
    assert lead.has_informant is True
    assert make_lead(db, county, cipher, subject_name="丙").has_informant is False


def test_bad_intake_names_every_field_and_writes_nothing(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    data = lead_data(
        county,
        channel="pigeon",
        domain="d9",
        subject_name=" ",
        jurisdiction_id=None,
        subject_uscc="91110000ABCDEFGHIJ",
        informant={"id_number": "110105194912310021"},
    )
    with pytest.raises(FangfeiError) as caught:
        intake.create(db, actor=actor_of(county.users["office"]), cipher=cipher, data=data)
    assert caught.value.message == "线索信息有误，未登记。"
    assert [p.field for p in caught.value.problems] == [
        "channel",
        "domain",
        "subject_name",
        "jurisdiction_id",
        "subject_uscc",
        "informant.id_number",
    ]
    assert caught.value.problems[0].reason == "“pigeon”不是有效的线索渠道"
    assert db.scalar(select(func.count()).select_from(Lead)) == 0


def test_a_township_user_cannot_register_a_lead_in_another_township(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    with pytest.raises(FangfeiError) as caught:
        make_lead(db, county, cipher, by="east", jurisdiction_id=county.west.id)
    assert caught.value.status == 403
    assert make_lead(db, county, cipher, by="east").jurisdiction_id == county.east.id


def test_a_leader_cannot_register_leads(db: Session, county: County, cipher: FieldCipher) -> None:
    with pytest.raises(FangfeiError) as caught:
        make_lead(db, county, cipher, by="leader")
    assert caught.value.message == "无权执行此操作：角色“领导（只读）”没有“登记风险线索”权限"


def test_attachments_are_stored_by_checksum(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    lead = intake.create(
        db,
        actor=actor_of(county.users["office"]),
        cipher=cipher,
        data=lead_data(county),
        uploads=[Upload("宣传单.png", PNG), Upload("C:\\Users\\合同.pdf", PDF)],
        files_root=tmp_path,
    )
    rows = db.scalars(select(LeadAttachment).where(LeadAttachment.lead_id == lead.id)).all()
    assert [(r.filename, r.content_type, r.size) for r in rows] == [
        ("宣传单.png", "image/png", len(PNG)),
        ("合同.pdf", "application/pdf", len(PDF)),
    ]
    assert attachments.path_of(tmp_path, rows[0].sha256).read_bytes() == PNG


@pytest.mark.parametrize(
    ("upload", "reason"),
    [
        (Upload("run.exe", b"MZ\x90\x00"), "“run.exe”的类型不在允许范围内"),
        (Upload("photo.jpg", b"<script>alert(1)</script>"), "“photo.jpg”的内容与扩展名 .jpg 不符"),
        (Upload("empty.pdf", b""), "“empty.pdf”是空文件"),
        (Upload("big.pdf", b"%PDF-" + b"0" * attachments.MAX_BYTES), "“big.pdf”超过 20 MB"),
    ],
)
def test_unacceptable_attachments_refuse_the_whole_lead(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path, upload: Upload, reason: str
) -> None:
    with pytest.raises(FangfeiError) as caught:
        intake.create(
            db,
            actor=actor_of(county.users["office"]),
            cipher=cipher,
            data=lead_data(county),
            uploads=[Upload("ok.png", PNG), upload],
            files_root=tmp_path,
        )
    assert caught.value.problems[0].reason.startswith(reason)
    assert db.scalar(select(func.count()).select_from(Lead)) == 0
    assert not (tmp_path / "leads").exists()


def test_subject_keys_fold_legal_forms_width_and_traditional_characters() -> None:
    assert subject_key("东城鑫盛财富管理有限公司") == "东城鑫盛财富管理"
    assert subject_key("東城鑫盛財富管理有限公司") == "东城鑫盛财富管理"
    assert subject_key("ＡＢＣ 理财（北京）股份有限公司") == "abc理财北京"
    assert subject_key("公司") == "公司"


def test_duplicates_are_proposed_by_key_by_name_and_by_informant(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    uscc = "91110105MA01ABCD0X"
    from stdnum.cn import uscc as uscc_check

    uscc = uscc[:17] + uscc_check.calc_check_digit(uscc[:17])
    by_code = make_lead(db, county, cipher, subject_name="完全不同的名字", subject_uscc=uscc)
    by_name = make_lead(db, county, cipher, subject_name="東城鑫盛財富管理公司")
    by_informant = make_lead(db, county, cipher, subject_name="东城鑫盛财富", informant=INFORMANT)
    unrelated = make_lead(db, county, cipher, subject_name="西城康乐养老服务中心")
    new = make_lead(
        db,
        county,
        cipher,
        subject_name="东城鑫盛财富管理有限公司",
        subject_uscc=uscc,
        informant=INFORMANT,
    )

    found = {
        c.lead.id: c.reasons
        for c in intake.candidates(db, actor=actor_of(county.users["office"]), lead=new)
    }
    assert found[by_code.id] == ["统一社会信用代码相同"]
    assert found[by_name.id] == ["主体名称相近（相似度 100%）"]
    assert found[by_informant.id] == ["同一举报人反映同一主体"]
    assert unrelated.id not in found


def test_a_merge_closes_the_lead_into_the_other_and_decided_pairs_are_not_proposed_again(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    office = actor_of(county.users["office"])
    original = make_lead(db, county, cipher)
    again = make_lead(db, county, cipher)
    separate = make_lead(db, county, cipher)
    intake.decide_duplicate(
        db,
        actor=office,
        lead_id=separate.id,
        data=DuplicateDecisionIn(other_lead_id=original.id, decision="separate", reason="不同门店"),
    )
    intake.decide_duplicate(
        db,
        actor=office,
        lead_id=again.id,
        data=DuplicateDecisionIn(other_lead_id=original.id, decision="merged"),
    )
    assert (again.status, again.merged_into_id) == ("closed", original.id)
    assert [c.lead.id for c in intake.candidates(db, actor=office, lead=separate)] == []
    with pytest.raises(FangfeiError) as caught:
        intake.decide_duplicate(
            db,
            actor=office,
            lead_id=separate.id,
            data=DuplicateDecisionIn(other_lead_id=original.id, decision="linked"),
        )
    assert caught.value.message == "这两条线索已处理过。"
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("lead.%")).order_by(AuditEvent.id)
    ).all()
    assert actions[-2:] == ["lead.duplicate_separate", "lead.merge"]
