"""Writing and verifying the audit chain.

Every change writes its row here in the same transaction as the change itself. Each row's hash
covers its content and the previous row's hash, and ``audit_head`` holds the last link, so that an
altered, removed or truncated row breaks the chain at a point :func:`verify` can name.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from fangfei.audit.models import AuditEvent, AuditHead
from fangfei.auth.roles import Actor
from fangfei.db import utcnow

GENESIS = "0" * 64
# Any constant works: it names the advisory lock that serialises appends on PostgreSQL.
_PG_CHAIN_LOCK = 0x66616E67


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_ready(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _digest(event: AuditEvent) -> str:
    body = {
        "id": event.id,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _lock_head(db: Session) -> AuditHead | None:
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_CHAIN_LOCK})
    return db.get(AuditHead, 1)


def record(
    db: Session,
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row in the caller's transaction and move the chain head."""
    head = _lock_head(db)
    event = AuditEvent(
        id=(head.last_id + 1) if head else 1,
        at=utcnow(),
        actor_id=actor.user_id,
        actor_name=actor.label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=_json_ready(detail or {}),
        prev_hash=head.last_hash if head else GENESIS,
    )
    event.hash = _digest(event)
    db.add(event)
    if head is None:
        db.add(AuditHead(id=1, last_id=event.id, last_hash=event.hash, count=1))
    else:
        head.last_id, head.last_hash, head.count = event.id, event.hash, head.count + 1
    db.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    """The result of a verification: ``broken_at`` is None when the chain is whole."""

    checked: int
    broken_at: int | None
    reason: str
    head_hash: str

    @property
    def ok(self) -> bool:
        """Whether every link held."""
        return self.broken_at is None


def _rows(db: Session, batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = db.scalars(
            select(AuditEvent).where(AuditEvent.id > last).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        db.expunge_all()


def verify(db: Session) -> ChainReport:
    """Walk the chain from the first row and report the first broken link."""
    expected_id, prev_hash, checked = 1, GENESIS, 0
    for event in _rows(db):
        if event.id != expected_id:
            return ChainReport(
                checked, expected_id, f"第 {expected_id} 条审计记录缺失（已被删除）", prev_hash
            )
        if event.prev_hash != prev_hash:
            return ChainReport(
                checked, event.id, f"第 {event.id} 条记录与上一条的链接不符", prev_hash
            )
        if _digest(event) != event.hash:
            return ChainReport(checked, event.id, f"第 {event.id} 条记录的内容已被改动", prev_hash)
        prev_hash, expected_id, checked = event.hash, expected_id + 1, checked + 1
    head = db.get(AuditHead, 1)
    if head is None and checked:
        return ChainReport(checked, checked, "链头记录缺失", prev_hash)
    if head is not None and (head.last_id != checked or head.last_hash != prev_hash):
        return ChainReport(
            checked,
            checked + 1,
            f"链头指向第 {head.last_id} 条，但只找到 {checked} 条：末尾记录已被删除或改动",
            prev_hash,
        )
    return ChainReport(checked, None, "审计链完整", prev_hash)


def history(
    db: Session, *, object_type: str, object_id: object, limit: int = 100
) -> list[AuditEvent]:
    """The newest audit rows about one object."""
    return list(
        db.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id))
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        )
    )
