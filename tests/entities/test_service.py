"""Entity registration, flags, duplicates, the audited identity reveal, and accounts."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.audit.models import AuditEvent
from fangfei.auth import service as auth
from fangfei.entities import service
from fangfei.entities.models import Person
from fangfei.entities.schemas import (
    BankAccountCreate,
    EnterpriseCreate,
    EntityFilter,
    EntityUpdate,
    PersonCreate,
)
from fangfei.errors import FangfeiError
from fangfei.security.crypto import FieldCipher
from tests.county import BANK, County
from tests.entities.test_identifiers import VALID_ID, VALID_USCC


def _office(county: County):  # type: ignore[no-untyped-def]
    return auth.actor_for(county.users["office"])


def test_enterprise_with_invalid_uscc_is_kept_and_flagged(db: Session, county: County) -> None:
    e = service.create_enterprise(
        db,
        actor=_office(county),
        data=EnterpriseCreate(
            name=" 某某财富管理有限公司 ", uscc="91110000600037341A", jurisdiction_id=county.east.id
        ),
    )
    assert (e.name, e.uscc, e.key_status, e.key_problem) == (
        "某某财富管理有限公司",
        "91110000600037341A",
        "invalid",
        "统一社会信用代码校验位错误",
    )
    audit_row = db.scalars(
        select(AuditEvent).where(
            AuditEvent.object_id == str(e.id), AuditEvent.action == "entity.create"
        )
    ).one()
    assert audit_row.actor_name == "office" and audit_row.detail["key_status"] == "invalid"


def test_duplicate_uscc_is_refused(db: Session, county: County) -> None:
    data = EnterpriseCreate(name="甲公司", uscc=VALID_USCC, jurisdiction_id=county.east.id)
    service.create_enterprise(db, actor=_office(county), data=data)
    with pytest.raises(FangfeiError) as refused:
        service.create_enterprise(
            db, actor=_office(county), data=data.model_copy(update={"name": "乙公司"})
        )
    assert refused.value.status == 409
    assert refused.value.message == f"统一社会信用代码 {VALID_USCC} 已登记，请打开已有的企业档案。"


def test_unknown_licence_type_is_refused(db: Session, county: County) -> None:
    with pytest.raises(FangfeiError) as refused:
        service.create_enterprise(
            db,
            actor=_office(county),
            data=EnterpriseCreate(
                name="丙公司", jurisdiction_id=county.east.id, licence_type="casino"
            ),
        )
    assert [(p.field, p.reason) for p in refused.value.problems] == [
        ("licence_type", "未知类型“casino”")
    ]


def test_person_id_is_encrypted_indexed_masked(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    p = service.create_person(
        db,
        actor=_office(county),
        cipher=cipher,
        data=PersonCreate(name="张三", id_number=VALID_ID, jurisdiction_id=county.west.id),
    )
    assert p.id_number_encrypted is not None and VALID_ID.encode() not in p.id_number_encrypted
    assert p.id_number_masked == VALID_ID[:6] + "********" + VALID_ID[-4:]
    found = service.find_person_by_id_number(
        db, actor=_office(county), cipher=cipher, id_number=VALID_ID
    )
    assert found is not None and found.id == p.id
    with pytest.raises(FangfeiError, match="该身份证号码已登记"):
        service.create_person(
            db,
            actor=_office(county),
            cipher=cipher,
            data=PersonCreate(
                name="张三", id_number=VALID_ID.lower(), jurisdiction_id=county.west.id
            ),
        )


def test_identity_reveal_is_audited_and_restricted(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    p = service.create_person(
        db,
        actor=_office(county),
        cipher=cipher,
        data=PersonCreate(name="李四", id_number=VALID_ID, jurisdiction_id=county.east.id),
    )
    assert (
        service.reveal_id_number(db, actor=_office(county), cipher=cipher, entity_id=p.id)
        == VALID_ID
    )
    views = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "entity.view_identity", AuditEvent.object_id == str(p.id)
        )
    ).all()
    assert [v.actor_name for v in views] == ["office"]
    township = auth.actor_for(county.users["east"])
    with pytest.raises(FangfeiError, match="没有“查看身份证号码明文”权限"):
        service.reveal_id_number(db, actor=township, cipher=cipher, entity_id=p.id)


def test_person_without_id_is_kept_as_missing(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    p = service.create_person(
        db,
        actor=_office(county),
        cipher=cipher,
        data=PersonCreate(name="王五", jurisdiction_id=county.east.id),
    )
    assert isinstance(p, Person) and (p.key_status, p.id_blind_index) == ("missing", None)


def test_list_filters_and_scope(db: Session, county: County) -> None:
    office = _office(county)
    for name, place in [("东城甲", county.east), ("东城乙", county.east), ("西城丙", county.west)]:
        service.create_enterprise(
            db, actor=office, data=EnterpriseCreate(name=name, jurisdiction_id=place.id)
        )
    everything = service.list_for(db, actor=office, filters=EntityFilter(q="城"))
    assert [e.name for e in everything.items] == ["西城丙", "东城乙", "东城甲"]
    east_only = service.list_for(
        db, actor=auth.actor_for(county.users["east"]), filters=EntityFilter(q="城")
    )
    assert (east_only.total, [e.name for e in east_only.items]) == (2, ["东城乙", "东城甲"])
    paged = service.list_for(db, actor=office, filters=EntityFilter(q="城", per_page=2, page=2))
    assert (paged.total, paged.pages, [e.name for e in paged.items]) == (3, 2, ["东城甲"])
    percent = service.list_for(db, actor=office, filters=EntityFilter(q="%"))
    assert percent.total == 0  # the search term is matched literally


def test_update_records_before_and_after(db: Session, county: County) -> None:
    e = service.create_enterprise(
        db,
        actor=_office(county),
        data=EnterpriseCreate(name="旧名", jurisdiction_id=county.east.id),
    )
    service.update(
        db, actor=_office(county), entity_id=e.id, data=EntityUpdate(name="新名", address="东街1号")
    )
    row = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "entity.update", AuditEvent.object_id == str(e.id)
        )
    ).one()
    assert row.detail == {
        "name": {"before": "旧名", "after": "新名"},
        "address": {"before": None, "after": "东街1号"},
    }


def test_bank_analyst_registers_only_own_bank(db: Session, county: County) -> None:
    bank = auth.actor_for(county.users["bank"])
    account = service.create_account(
        db,
        actor=bank,
        data=BankAccountCreate(bank=BANK, account_number="6217000000001", holder_name="某人"),
    )
    assert account.bank == BANK
    with pytest.raises(FangfeiError) as refused:
        service.create_account(
            db,
            actor=bank,
            data=BankAccountCreate(
                bank="别的银行", account_number="6217000000002", holder_name="某人"
            ),
        )
    assert [(p.field, p.reason) for p in refused.value.problems] == [("bank", f"须为“{BANK}”")]


def test_dashboard_counts_follow_scope(db: Session, county: County, cipher: FieldCipher) -> None:
    office = _office(county)
    service.create_enterprise(
        db,
        actor=office,
        data=EnterpriseCreate(name="甲", uscc="bad", jurisdiction_id=county.east.id),
    )
    service.create_enterprise(
        db,
        actor=office,
        data=EnterpriseCreate(name="乙", uscc=VALID_USCC, jurisdiction_id=county.west.id),
    )
    service.create_person(
        db,
        actor=office,
        cipher=cipher,
        data=PersonCreate(name="丙", id_number=VALID_ID, jurisdiction_id=county.west.id),
    )
    assert service.counts_for(db, actor=office) == {
        "enterprise": 2,
        "person": 1,
        "flagged": 1,
        "accounts": 0,
    }
    assert service.counts_for(db, actor=auth.actor_for(county.users["east"])) == {
        "enterprise": 1,
        "person": 0,
        "flagged": 1,
        "accounts": 0,
    }
    service.create_enterprise(
        db, actor=office, data=EnterpriseCreate(name="丁", jurisdiction_id=county.west.id)
    )
    assert service.enterprises_per_jurisdiction(db, actor=office) == [("西城镇", 2), ("东城镇", 1)]


def test_void_keeps_the_record_and_hides_it_from_lists(db: Session, county: County) -> None:
    e = service.create_enterprise(
        db,
        actor=_office(county),
        data=EnterpriseCreate(name="重复登记公司", jurisdiction_id=county.east.id),
    )
    with pytest.raises(FangfeiError, match="作废必须写明原因"):
        service.void(db, actor=_office(county), entity_id=e.id, reason="  ")
    with pytest.raises(FangfeiError, match="没有“作废主体”权限"):
        service.void(db, actor=auth.actor_for(county.users["east"]), entity_id=e.id, reason="重复")
    service.void(db, actor=_office(county), entity_id=e.id, reason="与 #1 重复")
    kept = service.get_or_raise(db, actor=_office(county), entity_id=e.id)
    assert (kept.void_reason, kept.voided_at is not None) == ("与 #1 重复", True)
    assert (
        service.list_for(db, actor=_office(county), filters=EntityFilter(q="重复登记")).total == 0
    )
    assert service.counts_for(db, actor=_office(county))["enterprise"] == 0
    with pytest.raises(FangfeiError, match="已于"):
        service.void(db, actor=_office(county), entity_id=e.id, reason="再次")
    row = db.scalars(select(AuditEvent).where(AuditEvent.action == "entity.void")).one()
    assert (row.object_id, row.detail) == (str(e.id), {"reason": "与 #1 重复"})


def test_update_refuses_fields_of_the_other_kind_without_changing_anything(
    db: Session, county: County
) -> None:
    e = service.create_enterprise(
        db,
        actor=_office(county),
        data=EnterpriseCreate(name="原名", jurisdiction_id=county.east.id),
    )
    with pytest.raises(FangfeiError) as refused:
        service.update(
            db, actor=_office(county), entity_id=e.id, data=EntityUpdate(name="新名", phone="123")
        )
    assert [(p.field, p.reason) for p in refused.value.problems] == [("phone", "不适用于此类主体")]
    assert e.name == "原名"
