"""The audit chain: written with each change, append-only, and every kind of tampering detected."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.audit.models import AuditEvent, AuditHead
from fangfei.auth.roles import system_actor

ACTOR = system_actor("auditor-test")


def _append(db: Session, n: int) -> list[AuditEvent]:
    return [
        audit.record(
            db,
            actor=ACTOR,
            action="test.event",
            object_type="thing",
            object_id=i,
            detail={"n": i, "note": "测试"},
        )
        for i in range(n)
    ]


def _disable_protection(db: Session) -> None:
    """What an intruder with database access would do first."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
    else:
        db.execute(text("DROP TRIGGER audit_events_no_update"))
        db.execute(text("DROP TRIGGER audit_events_no_delete"))


def test_rows_chain_to_each_other(db: Session) -> None:
    events = _append(db, 3)
    assert [e.id for e in events] == [events[0].id, events[0].id + 1, events[0].id + 2]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    head = db.get(AuditHead, 1)
    assert head is not None and (head.last_id, head.last_hash) == (events[2].id, events[2].hash)
    report = audit.verify(db)
    assert report.ok and report.checked == events[2].id and report.head_hash == events[2].hash


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"]
)
def test_database_refuses_to_change_the_log(db: Session, statement: str) -> None:
    _append(db, 1)
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(text(statement))


def test_altered_row_is_named(db: Session) -> None:
    events = _append(db, 4)
    _disable_protection(db)
    db.execute(
        text("UPDATE audit_events SET detail = :d WHERE id = :id"),
        {"d": '{"n": 99, "note": "篡改"}', "id": events[1].id},
    )
    db.expire_all()
    report = audit.verify(db)
    assert (report.ok, report.broken_at) == (False, events[1].id)
    assert report.reason == f"第 {events[1].id} 条记录的内容已被改动"


def test_removed_row_is_named(db: Session) -> None:
    removed = _append(db, 4)[2].id
    _disable_protection(db)
    db.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": removed})
    db.expire_all()
    report = audit.verify(db)
    assert (report.ok, report.broken_at) == (False, removed)
    assert report.reason == f"第 {removed} 条审计记录缺失（已被删除）"


def test_truncated_tail_is_detected(db: Session) -> None:
    last = _append(db, 3)[2].id
    _disable_protection(db)
    db.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": last})
    db.expire_all()
    report = audit.verify(db)
    assert (report.ok, report.broken_at) == (False, last)
    assert "末尾记录已被删除或改动" in report.reason


def test_rewritten_row_with_recomputed_hash_breaks_the_next_link(db: Session) -> None:
    events = _append(db, 3)
    _disable_protection(db)
    forged = db.get(AuditEvent, events[0].id)
    assert forged is not None
    forged.detail = {"n": 0, "note": "伪造"}
    forged.hash = audit._digest(forged)
    db.flush()
    db.expire_all()
    report = audit.verify(db)
    assert (report.ok, report.broken_at) == (False, events[1].id)
    assert report.reason == f"第 {events[1].id} 条记录与上一条的链接不符"


def test_change_and_audit_row_share_the_transaction(db: Session) -> None:
    before = db.get(AuditHead, 1)
    count = before.count if before else 0
    with pytest.raises(RuntimeError), db.begin_nested():
        audit.record(db, actor=ACTOR, action="test.rolled_back", object_type="thing", object_id=1)
        raise RuntimeError("the change failed")
    db.expire_all()
    after = db.get(AuditHead, 1)
    assert (after.count if after else 0) == count
