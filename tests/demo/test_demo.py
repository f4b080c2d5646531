"""The demo county: deterministic, valid keys (or flagged ones), every role can log in, and the CLI."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.cn import ric, uscc
from typer.testing import CliRunner

from fangfei.audit import service as audit
from fangfei.audit.models import AuditEvent
from fangfei.auth import service as auth
from fangfei.auth.models import User
from fangfei.auth.roles import LOGIN_ROLES, Role, system_actor
from fangfei.cases import deadlines, documents
from fangfei.cases.models import Case, CaseDocument, CaseMeasure, CasePlace
from fangfei.cases.workflow import CRIMINAL_LABELS, FINAL_STAGES, STAGE_LABELS
from fangfei.cli import app
from fangfei.clock import local_today
from fangfei.config import get_settings
from fangfei.db import unit_of_work
from fangfei.demo.cases import JOURNEYS
from fangfei.demo.county import (
    COUNTY_CODE,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    FINANCIAL,
    RURAL_BANK,
    DemoSummary,
    build_demo,
    organisation_code,
)
from fangfei.entities.models import BankAccount, Enterprise, Entity, ImportBatch, Person
from fangfei.errors import FangfeiError
from fangfei.leads.models import Lead, LeadEvent
from fangfei.leads.workflow import STATUS_LABELS
from fangfei.monitoring.models import MonitorAlert
from fangfei.reference import service as reference
from fangfei.reference.models import Jurisdiction
from fangfei.refunds import figures, register, rounds
from fangfei.reports import attachment1, case_tables, parts
from fangfei.runtime import open_runtime
from fangfei.security.crypto import FieldCipher
from tests.county import County

ACTOR = system_actor("demo-test")
SMALL = {"enterprises": 200, "persons": 50, "leads": 120, "participants": 80}
FILES = Path("files")  # the demo's stored documents: a fresh directory for each test, see below


@pytest.fixture(autouse=True)
def _fresh_files(tmp_path: Path) -> None:
    global FILES
    FILES = tmp_path / "files"


def _load(db: Session, cipher: FieldCipher, **sizes: int) -> DemoSummary:
    return build_demo(db, actor=ACTOR, cipher=cipher, files_root=FILES, **{**SMALL, **sizes})


def _snapshot(db: Session) -> list[tuple[str, str | None]]:
    firms = db.execute(select(Enterprise.name, Enterprise.uscc).order_by(Enterprise.id))
    people = db.execute(select(Person.name, Person.id_number_masked).order_by(Person.id))
    return [(name, key) for name, key in [*firms, *people]]


def _load_and_forget(
    db: Session, cipher: FieldCipher, seed: int
) -> tuple[DemoSummary, list[tuple[str, str | None]]]:
    """Build the demo in a savepoint, read it back, and roll it away again."""
    nested = db.begin_nested()
    summary = build_demo(db, actor=ACTOR, cipher=cipher, seed=seed, files_root=FILES, **SMALL)
    snapshot = _snapshot(db)
    nested.rollback()
    return summary, snapshot


def test_same_seed_gives_the_same_county(db: Session, cipher: FieldCipher) -> None:
    first, first_rows = _load_and_forget(db, cipher, seed=7)
    again, again_rows = _load_and_forget(db, cipher, seed=7)
    other, other_rows = _load_and_forget(db, cipher, seed=8)
    assert first_rows == again_rows and first.dataset_sha256 == again.dataset_sha256
    assert other_rows != first_rows and other.dataset_sha256 != first.dataset_sha256


def test_another_key_gives_the_same_data(db: Session, cipher: FieldCipher) -> None:
    first, _ = _load_and_forget(db, cipher, seed=7)
    second, _ = _load_and_forget(db, FieldCipher(b"k" * 32), seed=7)
    assert first.dataset_sha256 == second.dataset_sha256


def test_counts_batch_and_audit(db: Session, cipher: FieldCipher) -> None:
    summary = _load(db, cipher)
    county = reference.jurisdiction_by_code(db, COUNTY_CODE)
    townships = db.scalars(select(Jurisdiction).where(Jurisdiction.parent_id == county.id)).all()
    assert (summary.townships, len(townships), summary.county_id) == (20, 20, county.id)
    assert {t.code for t in townships} == {f"DEMO{n:02d}" for n in range(1, 21)}
    kinds = dict(db.execute(select(Entity.kind, func.count()).group_by(Entity.kind)).all())
    assert kinds == {"enterprise": 200, "person": 50}
    batch = db.get(ImportBatch, summary.import_batch_id)
    assert batch is not None and (batch.kind, batch.row_count) == ("demo", 250)
    assert db.scalar(select(func.count()).where(Entity.import_batch_id == batch.id)) == 250
    accounts = db.scalars(select(BankAccount)).all()
    assert len(accounts) == summary.accounts > 0 and all(a.holder_entity_id for a in accounts)
    actions = dict(
        db.execute(select(AuditEvent.action, func.count()).group_by(AuditEvent.action)).all()
    )
    assert (actions["jurisdiction.create"], actions["user.create"], actions["demo.load"]) == (
        21,
        len(DEMO_LOGINS),
        1,
    )
    assert audit.verify(db).ok


def test_usccs_are_valid_or_flagged(db: Session, cipher: FieldCipher) -> None:
    summary = _load(db, cipher, enterprises=1000)
    firms = db.scalars(select(Enterprise)).all()
    by_status: dict[str, list[Enterprise]] = {}
    for firm in firms:
        by_status.setdefault(firm.key_status, []).append(firm)
    assert all(f.uscc and uscc.is_valid(f.uscc) for f in by_status["valid"])
    assert all(
        organisation_code(f.uscc[8:16]) == f.uscc[8:17] for f in by_status["valid"] if f.uscc
    )
    flagged = by_status.get("invalid", []) + by_status.get("missing", [])
    assert len(flagged) == summary.flagged_enterprises and 0 < len(flagged) < 20
    assert all(f.key_problem and not (f.uscc and uscc.is_valid(f.uscc)) for f in flagged)
    assert all(f.uscc is None for f in by_status.get("missing", []))


def test_enterprises_look_like_a_county_registry(db: Session, cipher: FieldCipher) -> None:
    _load(db, cipher, enterprises=1000)
    firms = db.scalars(select(Enterprise)).all()
    licences = {f.licence_type for f in firms}
    assert {"none", "small_loan", "pawn", "financing_guarantee"} <= licences
    screened = [f for f in firms if any(word in (f.business_scope or "") for word, _ in FINANCIAL)]
    assert 10 < len(screened) < 150
    statuses = set(reference.names(db, "enterprise_status"))
    assert {f.business_status for f in firms} <= statuses
    assert all(1995 <= f.registration_date.year <= 2025 for f in firms if f.registration_date)
    assert all(f.name.endswith("公司") and f.legal_representative and f.address for f in firms)


def test_id_numbers_decrypt_to_valid_numbers(db: Session, cipher: FieldCipher) -> None:
    summary = _load(db, cipher, persons=400)
    people = db.scalars(select(Person)).all()
    valid = [p for p in people if p.key_status == "valid"]
    assert len(people) - len(valid) == summary.flagged_persons
    for person in valid:
        assert person.id_number_encrypted is not None
        number = cipher.decrypt(person.id_number_encrypted)
        assert ric.is_valid(number) and person.id_blind_index == cipher.blind_index(number)
        assert person.id_number_masked == number[:6] + "*" * 8 + number[-4:]


def test_every_role_can_log_in(db: Session, cipher: FieldCipher) -> None:
    _load(db, cipher)
    assert {login.role for login in DEMO_LOGINS} == set(LOGIN_ROLES)
    for login in DEMO_LOGINS:
        user = auth.authenticate(
            db, username=login.username, password=DEMO_PASSWORD, address="test"
        )
        assert user is not None and user.role == login.role.value
    users = {u.username: u for u in db.scalars(select(User))}
    assert users["xiangzhen"].jurisdiction.name == "城关镇"
    assert users["yinhang"].bank == RURAL_BANK
    assert users["gongan"].department is not None
    assert users["gongan"].department.code == "public_security"
    assert (
        users["lingdao"].role == Role.LEADER and users["lingdao"].jurisdiction.code == COUNTY_CODE
    )


def test_refuses_a_database_with_users(db: Session, cipher: FieldCipher, county: County) -> None:
    with pytest.raises(FangfeiError, match="只能载入空数据库"):
        _load(db, cipher)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private installation for the command line (settings are cached per process)."""
    monkeypatch.setenv("FANGFEI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FANGFEI_ENV", "test")
    for name in ("FANGFEI_DATABASE_URL", "FANGFEI_ENCRYPTION_KEY", "FANGFEI_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield tmp_path / "home"
    get_settings.cache_clear()


def test_cli_loads_once_and_if_empty_leaves_it_alone(home: Path) -> None:
    runner = CliRunner()
    sizes = ["--enterprises", "30", "--persons", "10"]
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    loaded = runner.invoke(app, ["demo", "--if-empty", *sizes])
    assert loaded.exit_code == 0, loaded.output
    assert "chufei" in loaded.output and "http://127.0.0.1:8000" in loaded.output
    assert re.search(r"近6个月的银行流水和资金监测预警\d+条", "".join(loaded.output.split()))
    with unit_of_work(open_runtime().sessions) as db:
        alerts = db.scalars(select(MonitorAlert)).all()
    typologies = {t for a in alerts for t in a.typologies}
    assert {"collection", "payout", "lending"} <= typologies
    assert any(a.bank == RURAL_BANK for a in alerts)  # the demo analyst yinhang has some to open
    again = runner.invoke(app, ["demo", "--if-empty", *sizes])
    assert again.exit_code == 0 and "未载入演示数据" in again.output and "yinhang" in again.output
    refused = runner.invoke(app, ["demo", *sizes])
    assert refused.exit_code == 2 and "只能载入空数据库" in refused.output
    assert (home / "keys" / "encryption.key").exists()


def test_cli_asks_for_the_database_first(home: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--enterprises", "5", "--persons", "5"])
    assert result.exit_code == 2 and "fangfei db upgrade" in result.output


def test_the_demo_leads_cover_every_status_channel_source_and_some_are_overdue(
    db: Session, cipher: FieldCipher
) -> None:
    summary = _load(db, cipher)
    leads = db.scalars(select(Lead)).all()
    assert len(leads) == summary.leads == 120
    assert {lead.status for lead in leads} == set(STATUS_LABELS)
    assert {lead.source for lead in leads} == {"public_report", "self_discovered", "joint_meeting"}
    assert len({lead.domain for lead in leads}) == 6
    today = local_today()
    overdue = [
        lead for lead in leads
        if lead.status in ("assigned", "verifying") and lead.due_on and lead.due_on < today
    ]  # fmt: skip
    assert overdue
    assert any(lead.informant_name_enc for lead in leads)
    keys = [lead.subject_key for lead in leads]
    assert len(set(keys)) < len(keys)  # the same subject reported more than once
    events = db.scalar(select(func.count()).select_from(LeadEvent))
    assert events is not None and events > len(leads)


def test_the_demo_cases_reach_every_stage_of_both_tracks(db: Session, cipher: FieldCipher) -> None:
    summary = _load(db, cipher)
    cases = db.scalars(select(Case).order_by(Case.id)).all()
    assert len(cases) == summary.cases >= len(JOURNEYS)
    assert {c.stage for c in cases} == set(STAGE_LABELS)
    assert {c.criminal_stage for c in cases} - {None} == set(CRIMINAL_LABELS)
    kinds = {m.kind for m in db.scalars(select(CaseMeasure))}
    assert kinds == {"risk_notice", "warning_interview", "rectification_order", "fine"}
    today = local_today()
    overdue = deadlines.overdue_case_ids(db, actor=ACTOR, today=today)
    assert overdue and all(db.get(Case, i).stage not in FINAL_STAGES for i in overdue)  # type: ignore[union-attr]
    assert any(c.over_100m and c.supervised_nationally for c in cases)
    assert db.scalar(select(func.count()).select_from(CasePlace)) == 3
    cutoff = date(2018, 12, 31)
    assert len(case_tables.a3_cases(db, actor=ACTOR, cutoff=cutoff)) == 1
    assert len(case_tables.a4_cases(db, actor=ACTOR, cutoff=cutoff)) == 1
    announced = [c for c in cases if c.stage in ("announced", "auditing", "refunding")]
    assert announced and all(documents.latest(db, c, "announcement") for c in announced)
    for doc in db.scalars(select(CaseDocument)):
        content = documents.read_document(FILES, doc)
        assert hashlib.sha256(content).hexdigest() == doc.sha256
    reported = [c for c in cases if c.stage in ("reported", "closed")]
    assert all(documents.latest(db, c, "disposal_report") for c in reported)


def test_the_cross_province_case_has_a_register_a_paid_round_and_one_awaiting_approval(
    db: Session, cipher: FieldCipher
) -> None:
    summary = _load(db, cipher)
    case = db.scalars(select(Case).where(Case.judicial_opinion.is_not(None))).one()
    found = figures.of_case(db, case)
    assert summary.participants == found.participants == 80
    assert found.excluded == 4
    by_status = register.count_by_status(db, case.id)
    assert (by_status["registered"], by_status["disputed"]) == (5, 2)  # the mistyped ID numbers
    # Receipts of 13% and 12% of the claims, a first round of 20%, each in whole 万元.
    wan = 1_000_000
    assert (
        found.received_fen
        == found.claims_fen * 13 // 100 // wan * wan + found.claims_fen * 12 // 100 // wan * wan
    )
    assert found.paid_fen == found.claims_fen * 20 // 100 // wan * wan
    statuses = [(r.number, r.status, r.drafted_by_name, r.decided_by_name)
                for r in rounds.rounds_of(db, case.id)]  # fmt: skip
    assert statuses == [(2, "draft", "chufei", None), (1, "approved", "chufei", "fuhe")]
    assert case.refunded_yuan == Decimal(found.paid_fen).scaleb(-2)
    assert case.unpaid_people == found.owed_people == found.participants - found.excluded


def test_the_demo_county_has_parts_of_the_current_half_year(
    db: Session, cipher: FieldCipher
) -> None:
    _load(db, cipher, today=date(2026, 12, 7))
    office = auth.actor_for(db.scalars(select(User).where(User.username == "chufei")).one())
    views = {v.unit.name: v for v in parts.overview(db, actor=office, period="2026H2")}
    assert (views["县市场监管局"].status, views["城关镇"].status) == ("submitted", "submitted")
    assert views["县公安局"].status == "draft"
    assert sum(v.status == "missing" for v in views.values()) == len(views) - 3
    market = views["县市场监管局"]
    offline = attachment1.LEAVES.index(("宣传教育", "线下宣传活动（场次）", None))
    assert market.part is not None and list(market.part.changes) == [str(offline)]
    assert market.reported[offline] == market.counted[offline] + 2
