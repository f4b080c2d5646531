"""API: the key-supervision list (重点监管对象), a lead from a listing, taking one off the list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from fangfei.clock import local_today
from fangfei.deps import ActorDep, CipherDep, SessionDep
from fangfei.screening import referrals, supervision
from fangfei.screening.models import SupervisionListing

router = APIRouter(tags=["筛查"])


class RemoveIn(BaseModel):
    """Why the enterprise leaves the list."""

    reason: str = Field(max_length=500)


def _listing_json(listing: SupervisionListing, name: str | None = None) -> dict[str, Any]:
    return {
        "id": listing.id, "entity_id": listing.entity_id, "entity_name": name,
        "status": listing.status, "tier": listing.tier, "words": listing.words,
        "reason": listing.reason, "listed_at": listing.listed_at,
        "listed_by": listing.listed_by_name, "removal_reason": listing.removal_reason,
        "lead_id": listing.lead_id, "run_id": listing.run_id,
    }  # fmt: skip


@router.get("/supervision", summary="重点监管对象名单")
def list_listings(
    db: SessionDep, actor: ActorDep, filters: Annotated[supervision.ListingFilter, Depends()]
) -> list[dict[str, Any]]:
    """Listed (or removed) enterprises in the actor's scope, most severe tier first."""
    return [_listing_json(listing, enterprise.name)
            for listing, enterprise in supervision.listings(db, actor=actor, filters=filters)]  # fmt: skip


@router.post("/supervision/{listing_id}/lead", summary="登记为风险线索")
def listing_lead(
    listing_id: int, data: referrals.ListingLeadIn, db: SessionDep, actor: ActorDep,
    cipher: CipherDep,
) -> dict[str, Any]:  # fmt: skip
    """Register a lead about the listed enterprise."""
    lead = referrals.to_lead(db, actor=actor, cipher=cipher, listing_id=listing_id, data=data,
                             today=local_today())  # fmt: skip
    return {"lead": {"id": lead.id, "number": lead.number}}


@router.post("/supervision/{listing_id}/remove", summary="移出重点监管对象")
def remove_listing(
    listing_id: int, data: RemoveIn, db: SessionDep, actor: ActorDep
) -> dict[str, Any]:
    """Take the enterprise off the list, with the reason."""
    return _listing_json(supervision.remove(db, actor=actor, listing_id=listing_id,
                                            reason=data.reason))  # fmt: skip
