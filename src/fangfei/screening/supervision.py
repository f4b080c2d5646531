"""重点监管对象 — the key-supervision list that name and scope screening fills.

Every enterprise registered or changed (name, business scope, licence) is screened at once
(:func:`screen_entity`); a registry import is screened as one run (:func:`screen_batch`), and
``fangfei screen entities`` screens every registered enterprise again (:func:`screen_all`), for
instance after the lexicon changed. A hit lists the enterprise with the words, the tier and the
reason; a listed enterprise whose words are gone after a change leaves the list with that
reason; an officer may take one off the list with a reason. Nothing is deleted, and each
change has its audit row (one per run for the batch screenings).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, Field
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.db import utcnow
from fangfei.entities.models import Enterprise, Entity
from fangfei.errors import FieldProblem, conflict, invalid, not_found
from fangfei.screening import runs
from fangfei.screening.lexicon import name_lexicon
from fangfei.screening.models import ScreeningRun, SupervisionListing
from fangfei.screening.names import NameResult, default_screener

GONE = "名称、经营范围或持牌类型变更后，不再含需关注的字样"
RELISTED = "名称或经营范围变更，按新的字样重新列入"
CHUNK = 5000


def _result(enterprise: Enterprise) -> NameResult:
    return default_screener().screen(
        name=enterprise.name, scope=enterprise.business_scope or "",
        licence=enterprise.licence_type or "none",
    )  # fmt: skip


def _words(result: NameResult) -> list[str]:
    return list(dict.fromkeys(hit.word for hit in result.hits))


def _active(db: Session, entity_id: int) -> SupervisionListing | None:
    return db.scalar(
        select(SupervisionListing).where(
            SupervisionListing.entity_id == entity_id, SupervisionListing.status == "listed"
        )
    )


def _listing(
    result: NameResult, entity_id: int, actor: Actor, run_id: int | None
) -> dict[str, object]:
    return {
        "entity_id": entity_id, "status": "listed", "tier": result.tier or "",
        "words": _words(result), "reason": result.explanation(), "run_id": run_id,
        "listed_by_name": actor.label, "listed_at": utcnow(),
    }  # fmt: skip


def _end(listing: SupervisionListing, actor: Actor, reason: str) -> None:
    listing.status, listing.removal_reason = "removed", reason
    listing.removed_by_name, listing.removed_at = actor.label, utcnow()


def _apply(
    db: Session, actor: Actor, entity_id: int, result: NameResult,
    active: SupervisionListing | None,
) -> tuple[SupervisionListing | None, str]:  # fmt: skip
    """Bring one enterprise's listing in line with its screening: the listing in force, and
    what happened (listed, unlisted, unchanged or none)."""
    if result.flagged:
        if active is not None and active.words == _words(result):
            return active, "unchanged"
        if active is not None:
            _end(active, actor, RELISTED)
        listing = SupervisionListing(**_listing(result, entity_id, actor, None))
        db.add(listing)
        return listing, "listed"
    if active is not None:
        _end(active, actor, GONE)
        return None, "unlisted"
    return None, "none"


def screen_entity(
    db: Session, *, actor: Actor, enterprise: Enterprise
) -> SupervisionListing | None:
    """Screen one enterprise and bring its listing up to date; the listing it has now."""
    listing, change = _apply(db, actor, enterprise.id, _result(enterprise),
                             _active(db, enterprise.id))  # fmt: skip
    db.flush()
    if change == "listed" and listing is not None:
        audit.record(db, actor=actor, action="supervision.list", object_type="entity",
                     object_id=enterprise.id, detail={"words": listing.words, "tier": listing.tier})  # fmt: skip
    elif change == "unlisted":
        audit.record(db, actor=actor, action="supervision.unlist", object_type="entity",
                     object_id=enterprise.id, detail={"reason": GONE})  # fmt: skip
    return listing


def screen_batch(
    db: Session, *, actor: Actor, batch_id: int, input_name: str, input_sha256: str
) -> ScreeningRun:
    """Screen the enterprises one registry import added; their listings in one insert per chunk
    (the import's audit row records the run and its count)."""
    stmt = select(Enterprise).where(Enterprise.import_batch_id == batch_id).order_by(Enterprise.id)
    rows = 0
    pending: list[dict[str, object]] = []
    for enterprise in db.execute(stmt.execution_options(yield_per=CHUNK)).scalars():
        rows += 1
        result = _result(enterprise)
        if result.flagged:
            pending.append(_listing(result, enterprise.id, actor, None))
    run = runs.record(db, actor, "registry_import", input_name, input_sha256, rows, len(pending),
               audited=False)  # the import's audit row names the run  # fmt: skip
    for start in range(0, len(pending), CHUNK):
        chunk = [row | {"run_id": run.id} for row in pending[start : start + CHUNK]]
        db.execute(insert(SupervisionListing), chunk)
    return run


@dataclass(frozen=True)
class Rescreened:
    """What screening every registered enterprise changed."""

    run: ScreeningRun
    listed: int
    unlisted: int
    unchanged: int


def _digest(rows: Iterable[tuple[object, ...]]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(row).encode("utf-8"))
    return digest.hexdigest()


def screen_all(db: Session, *, actor: Actor) -> Rescreened:
    """Screen every registered enterprise in the actor's area again; one run, one audit row."""
    policy.ensure(db, actor, "supervision.manage")
    stmt = policy.scoped(select(Enterprise), actor, "entity.view").where(
        Enterprise.voided_at.is_(None)
    )
    enterprises = list(db.scalars(stmt.order_by(Enterprise.id)))
    actives = {
        listing.entity_id: listing
        for listing in db.scalars(
            select(SupervisionListing).where(SupervisionListing.status == "listed")
        )
    }
    changes: dict[str, int] = {"listed": 0, "unlisted": 0, "unchanged": 0, "none": 0}
    new, in_force = [], 0
    for enterprise in enterprises:
        listing, change = _apply(db, actor, enterprise.id, _result(enterprise),
                                 actives.get(enterprise.id))  # fmt: skip
        changes[change] += 1
        in_force += listing is not None
        if change == "listed" and listing is not None:
            new.append(listing)
    digest = _digest((e.id, e.name, e.business_scope, e.licence_type) for e in enterprises)
    run = runs.record(db, actor, "enterprises", "已登记企业", digest, len(enterprises), in_force)
    for listing in new:
        listing.run_id = run.id
    return Rescreened(run, changes["listed"], changes["unlisted"], changes["unchanged"])


class ListingFilter(BaseModel):
    """Filters of the key-supervision list."""

    status: str = Field(default="listed", pattern="^(listed|removed)$")
    tier: str | None = None
    q: str | None = None


def listings(
    db: Session, *, actor: Actor, filters: ListingFilter
) -> list[tuple[SupervisionListing, Enterprise]]:
    """The listings of enterprises the actor may see, the most severe tier first."""
    stmt = policy.scoped(
        select(SupervisionListing, Enterprise).join(
            Enterprise, Enterprise.id == SupervisionListing.entity_id
        ),
        actor, "entity.view",
    ).where(SupervisionListing.status == filters.status)  # fmt: skip
    if filters.tier:
        stmt = stmt.where(SupervisionListing.tier == filters.tier)
    if filters.q:
        stmt = stmt.where(Enterprise.name.like(f"%{filters.q.strip()}%"))
    tiers = list(name_lexicon().tiers)
    found = [(listing, entity) for listing, entity in db.execute(stmt)]
    return sorted(found, key=lambda pair: (
        tiers.index(pair[0].tier) if pair[0].tier in tiers else len(tiers), -pair[0].id))  # fmt: skip


def get(db: Session, *, actor: Actor, listing_id: int) -> SupervisionListing:
    """One listing, if its enterprise is in the actor's scope."""
    listing = db.get(SupervisionListing, listing_id)
    if listing is None:
        raise not_found("重点监管对象", listing_id)
    entity = db.get(Entity, listing.entity_id)
    policy.ensure(db, actor, "entity.view", entity)
    return listing


def current(db: Session, entity_id: int) -> SupervisionListing | None:
    """The enterprise's listing in force, if any (for its page)."""
    return _active(db, entity_id)


def remove(db: Session, *, actor: Actor, listing_id: int, reason: str) -> SupervisionListing:
    """Take an enterprise off the list, with the reason (the lead office)."""
    listing = get(db, actor=actor, listing_id=listing_id)
    policy.ensure(db, actor, "supervision.manage")
    if listing.status != "listed":
        raise conflict("该企业已不在重点监管名单中。")
    if len(reason.strip()) < 4:
        raise invalid("移出名单须写明理由。", [FieldProblem("reason", "请写明理由（至少 4 个字）")])
    _end(listing, actor, reason.strip()[:500])
    audit.record(db, actor=actor, action="supervision.unlist", object_type="entity",
                 object_id=listing.entity_id, detail={"reason": listing.removal_reason})  # fmt: skip
    return listing
