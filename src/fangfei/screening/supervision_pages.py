"""Pages: 重点监管对象 — the enterprises name and scope screening put on the list, with the words
and the reason, a lead to register from each, and taking one off the list with a reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from fangfei.auth.roles import Actor
from fangfei.clock import local_today
from fangfei.deps import ActorDep, CipherDep, SessionDep
from fangfei.errors import FangfeiError
from fangfei.reference import service as reference
from fangfei.screening import referrals, supervision
from fangfei.screening.lexicon import name_lexicon
from fangfei.web.render import render, show_refusal

router = APIRouter(include_in_schema=False)


@router.get("/screening/supervision")
def supervision_list(
    request: Request, db: SessionDep, actor: ActorDep,
    filters: Annotated[supervision.ListingFilter, Depends()],
) -> Response:  # fmt: skip
    """The key-supervision list."""
    return _page(request, db, actor, filters, None)


def _page(
    request: Request, db: SessionDep, actor: Actor, filters: supervision.ListingFilter,
    error: FangfeiError | None,
) -> Response:  # fmt: skip
    context = {
        "items": supervision.listings(db, actor=actor, filters=filters), "filters": filters,
        "tiers": name_lexicon().tiers, "channels": referrals.channels(db),
        "domains": reference.items(db, "industry_domain"), "error": error,
        "places": {j.id: j.name for j in reference.jurisdictions(db)},
    }  # fmt: skip
    return render(request, "screening/supervision.html", context, actor=actor,
                  status_code=error.status if error else 200)  # fmt: skip


@router.post("/screening/supervision/{listing_id}/{action}")
async def listing_action(
    listing_id: int, action: str, request: Request, db: SessionDep, actor: ActorDep,
    cipher: CipherDep,
) -> Response:  # fmt: skip
    """Register a lead from a listing, or take it off the list."""
    form = {k: v.strip() for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        if action == "lead":
            data = referrals.ListingLeadIn(channel=form.get("channel", ""),
                                           domain=form.get("domain", ""), note=form.get("note", ""))  # fmt: skip
            lead = referrals.to_lead(db, actor=actor, cipher=cipher, listing_id=listing_id,
                                     data=data, today=local_today())  # fmt: skip
            return RedirectResponse(f"/leads/{lead.id}", status_code=303)
        if action == "remove":
            supervision.remove(db, actor=actor, listing_id=listing_id,
                               reason=form.get("reason", ""))  # fmt: skip
            return RedirectResponse("/screening/supervision", status_code=303)
    except FangfeiError as error:
        show_refusal(db, error)
        return _page(request, db, actor, supervision.ListingFilter(), error)
    return RedirectResponse("/screening/supervision", status_code=303)
