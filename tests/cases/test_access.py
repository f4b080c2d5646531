"""Who sees and does what in a case: roles, the lead place and the assisting places."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

import docx
import pytest
from sqlalchemy.orm import Session

from fangfei.auth import policy
from fangfei.auth import service as auth
from fangfei.auth.roles import Actor, Role, system_actor
from fangfei.cases import documents, measures, procedure, service
from fangfei.cases.models import Case
from fangfei.cases.schemas import AssetDecisionIn, CaseFilter, MeasureIn, NoteIn, PlaceIn, StepIn
from fangfei.errors import FangfeiError
from fangfei.reference import service as reference
from fangfei.security.crypto import FieldCipher
from tests.cases.helpers import open_case
from tests.county import PASSWORD, County
from tests.leads.helpers import actor_of

CUTOFF = date(2018, 12, 31)


def neighbour_office(db: Session) -> Actor:
    """The lead office of a neighbouring county of the same installation (a city's)."""
    system = system_actor("test")
    county = reference.add_jurisdiction(db, actor=system, code="T200", name="邻县", level="county")
    user = auth.create_user(
        db, actor=system, username="neighbour", display_name="邻县处非办", password=PASSWORD,
        role=Role.LEAD_OFFICE, jurisdiction_id=county.id,
    )  # fmt: skip
    return auth.actor_for(user)


def shared_case(db: Session, county: County, cipher: FieldCipher, neighbour: Actor) -> Case:
    case = open_case(db, county, cipher)
    office = actor_of(county.users["office"])
    place = PlaceIn(role="assisting", jurisdiction_id=neighbour.jurisdiction_id)
    service.add_place(db, actor=office, case_id=case.id, data=place)
    return case


def forbidden(call: object) -> str:
    with pytest.raises(FangfeiError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.status == 403
    return caught.value.message


def test_an_assisting_county_shares_its_part_but_does_not_dispose(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    neighbour = neighbour_office(db)
    case = shared_case(db, county, cipher, neighbour)
    unrelated = open_case(db, county, cipher, subject_name="东城某某投资咨询有限公司")

    assert service.get_or_raise(db, actor=neighbour, case_id=case.id) is case
    listed = service.list_for(db, actor=neighbour, filters=CaseFilter(), cutoff=CUTOFF,
                              overdue_ids=None)  # fmt: skip
    assert [c.number for c in listed.items] == [case.number]
    assert forbidden(lambda: service.get_or_raise(db, actor=neighbour, case_id=unrelated.id)) == (
        "无权执行此操作：该对象不在您的管辖范围内"
    )

    note = measures.add_note(
        db, actor=neighbour, case_id=case.id, data=NoteIn(text="已冻结本县账户")
    )
    assert (note.actor_name, note.jurisdiction_id) == ("neighbour", neighbour.jurisdiction_id)
    taken = measures.record_measure(db, actor=neighbour, case_id=case.id, data=MeasureIn(
        kind="risk_notice", taken_on=date(2025, 9, 1), target="邻县分店"))  # fmt: skip
    assert taken.jurisdiction_id == neighbour.jurisdiction_id

    decision = AssetDecisionIn(description="拍卖查封的车辆")
    message = "无权执行此操作：涉案资产处置只能由主办地（测试县）决定，协办地不能单方处置"
    assert forbidden(lambda: measures.decide_assets(db, actor=neighbour, case_id=case.id,
                                                    data=decision)) == message  # fmt: skip
    assert forbidden(lambda: procedure.take_step(
        db, actor=neighbour, case_id=case.id, track="procedure", step="accept",
        data=StepIn(investigation_mode="special"), files_root=files,
    )).endswith("推进案件程序只能由主办地（测试县）决定，协办地不能单方处置")  # fmt: skip
    office = actor_of(county.users["office"])
    event = measures.decide_assets(db, actor=office, case_id=case.id, data=decision)
    assert (event.track, event.comment) == ("asset", "拍卖查封的车辆")


def test_an_assisting_county_issues_notices_of_its_own_measures_only(
    db: Session, county: County, cipher: FieldCipher, files: Path
) -> None:
    neighbour = neighbour_office(db)
    case = shared_case(db, county, cipher, neighbour)
    office = actor_of(county.users["office"])
    own = measures.record_measure(db, actor=neighbour, case_id=case.id, data=MeasureIn(
        kind="risk_notice", taken_on=date(2025, 9, 1), target="邻县分店"))  # fmt: skip
    leads = measures.record_measure(db, actor=office, case_id=case.id, data=MeasureIn(
        kind="risk_notice", taken_on=date(2025, 9, 2), target="东城总店"))  # fmt: skip

    def issue(actor: Actor, kind: str, measure_id: int | None = None) -> list[str]:
        doc = documents.generate(db, actor=actor, case_id=case.id, kind=kind, files_root=files,
                                 measure_id=measure_id, today=date(2025, 9, 3))  # fmt: skip
        content = BytesIO(documents.read_document(files, doc))
        return [p.text for p in docx.Document(content).paragraphs]

    assert "邻县防范和处置非法集资工作领导小组办公室" in issue(
        neighbour, "risk_notice_letter", own.id
    )
    assert "测试县防范和处置非法集资工作领导小组办公室" in issue(
        office, "risk_notice_letter", leads.id
    )
    assert forbidden(lambda: issue(neighbour, "risk_notice_letter", leads.id)) == (
        "无权执行此操作：协办地只能为本地登记的处置措施制发文书"
    )
    assert forbidden(lambda: issue(neighbour, "disposal_report")) == (
        "无权执行此操作：制发处置报告只能由主办地（测试县）决定，协办地不能单方处置"
    )


def test_place_role_filter(db: Session, county: County, cipher: FieldCipher) -> None:
    neighbour = neighbour_office(db)
    case = shared_case(db, county, cipher, neighbour)

    def numbers(actor: Actor, role: str) -> list[str]:
        page = service.list_for(db, actor=actor, filters=CaseFilter.model_validate(
            {"place_role": role}), cutoff=CUTOFF, overdue_ids=None)  # fmt: skip
        return [c.number for c in page.items]

    assert numbers(neighbour, "assisting") == [case.number]
    assert numbers(neighbour, "lead") == []
    assert numbers(actor_of(county.users["office"]), "lead") == [case.number]
    place = service.places_of(db, case)[0]
    assert (place.name, place.reach) == ("邻县", "county")


@pytest.mark.parametrize(
    ("user", "action", "allowed"),
    [
        ("office", "case.manage", True),
        ("office", "case.dispose_assets", True),
        ("leader", "case.view", True),
        ("leader", "case.manage", False),
        ("market", "case.view", True),
        ("market", "case.measure", False),
        ("east", "case.note", True),
        ("east", "case.create", False),
        ("bank", "case.view", False),
        ("admin", "case.view", False),
        ("admin", "case.template", True),
    ],
)
def test_role_matrix(county: County, user: str, action: str, allowed: bool) -> None:
    assert policy.can(actor_of(county.users[user]), action) is allowed


def test_departments_see_the_cases_of_their_leads_townships_none(
    db: Session, county: County, cipher: FieldCipher
) -> None:
    case = open_case(db, county, cipher)
    market, east = actor_of(county.users["market"]), actor_of(county.users["east"])
    assert service.get_or_raise(db, actor=market, case_id=case.id) is case
    assert forbidden(lambda: service.get_or_raise(db, actor=east, case_id=case.id)) == (
        "无权执行此操作：该对象不在您的管辖范围内"
    )
