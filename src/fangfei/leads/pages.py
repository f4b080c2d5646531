"""Pages: leads list and inbox, the new-lead form, the lead file with its timeline and steps."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from starlette.datastructures import FormData, UploadFile

from fangfei.auth import policy
from fangfei.auth.roles import Actor, Role
from fangfei.deps import ActorDep, CipherDep, SessionDep
from fangfei.errors import FangfeiError, form_invalid, form_model, not_found
from fangfei.leads import attachments, handling, intake, rewards, service
from fangfei.leads.models import Lead, LeadAttachment, Reward
from fangfei.leads.schemas import (
    AssignIn,
    DuplicateDecisionIn,
    InformantIn,
    JudgeIn,
    LeadCreate,
    LeadFilter,
)
from fangfei.leads.workflow import STATUS_LABELS, STEP_LABELS, allowed_steps
from fangfei.reference import service as reference
from fangfei.web.render import render, show_refusal

router = APIRouter(include_in_schema=False)


class PaymentIn(BaseModel):
    """The payment of an approved reward."""

    paid_on: date
    payment_reference: str


def labels(db: SessionDep) -> dict[str, Any]:
    """Chinese names of every code a lead page shows."""
    return {
        "status_labels": STATUS_LABELS,
        "step_labels": STEP_LABELS,
        "domain_names": reference.names(db, "industry_domain"),
        "channel_names": reference.names(db, "channel"),
        "source_names": reference.names(db, "lead_source"),
        "focus_names": reference.names(db, "focus_area"),
        "regulator_names": reference.names(db, "regulator"),
        "path_names": reference.names(db, "disposal_path"),
    }


def _choices(db: SessionDep, actor: Actor) -> dict[str, Any]:
    return {
        **labels(db),
        "channels": reference.items(db, "channel", active_only=True),
        "domains": reference.items(db, "industry_domain", active_only=True),
        "focus_areas": reference.items(db, "focus_area", active_only=True),
        "regulators": reference.items(db, "regulator", active_only=True),
        "paths": reference.items(db, "disposal_path", active_only=True),
        "departments": [d for d in reference.departments(db) if not d.is_lead_office and d.active],
        "jurisdictions": reference.jurisdictions(db, under_path=actor.jurisdiction_path),
    }


@router.get("/leads")
def lead_list(
    request: Request, db: SessionDep, actor: ActorDep, filters: Annotated[LeadFilter, Query()]
) -> Response:
    """Search the leads in scope; htmx replaces only the results table."""
    context = {
        **_choices(db, actor),
        "page": service.list_for(db, actor=actor, filters=filters),
        "filters": filters,
        "overdue_per_department": (
            service.overdue_by_department(db, actor=actor)
            if actor.role in (Role.LEAD_OFFICE, Role.LEADER)
            else []
        ),
    }
    return render(request, "leads/list.html", context, actor=actor, partial="leads/_table.html")


@router.get("/leads/inbox")
def inbox(request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """待办: what waits for the actor's unit — given to it, or (lead office) not yet assigned."""
    if actor.role is Role.DEPARTMENT and actor.department_id is not None:
        wanted = [LeadFilter(department_id=actor.department_id, status=s, per_page=200)
                  for s in ("assigned", "verifying")]  # fmt: skip
    elif actor.role is Role.LEAD_OFFICE:
        wanted = [LeadFilter(status=s, per_page=200) for s in ("registered", "judged")]
    else:
        wanted = [LeadFilter(status=s, per_page=200) for s in ("assigned", "verifying")]
    groups = [(STATUS_LABELS[f.status or ""], service.list_for(db, actor=actor, filters=f))
              for f in wanted]  # fmt: skip
    return render(request, "leads/inbox.html", {**labels(db), "groups": groups}, actor=actor)


@router.get("/leads/new")
def new_lead_form(request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """The intake form."""
    policy.ensure(db, actor, "lead.create")
    return render(request, "leads/new.html", _choices(db, actor), actor=actor)


async def uploads_of(form: FormData) -> list[attachments.Upload]:
    """The files attached to a form (empty file inputs are ignored)."""
    files = [v for v in form.getlist("attachments") if isinstance(v, UploadFile) and v.filename]
    uploads = []
    for upload in files:
        content = await upload.read(attachments.MAX_BYTES + 1)
        uploads.append(attachments.Upload(upload.filename or "附件", content))
    return uploads


def lead_input(form: FormData, **fixed: Any) -> LeadCreate:
    """The lead described by an intake form (officer's or public); ``fixed`` values win."""
    text = {k: v for k, v in form.items() if isinstance(v, str)}
    informant = InformantIn.model_validate(
        {k.removeprefix("informant_"): v for k, v in text.items() if k.startswith("informant_")}
    )
    values: dict[str, Any] = {k: v for k, v in text.items() if k in LeadCreate.model_fields}
    values["informant"] = informant if informant.model_dump(exclude_none=True) else None
    return LeadCreate.model_validate(values | fixed)


@router.post("/leads/new")
async def create_lead(
    request: Request, db: SessionDep, actor: ActorDep, cipher: CipherDep
) -> Response:
    """Register from the form; problems are shown beside the form with the values kept."""
    attachments.check_request_size(request.headers.get("content-length"))
    form = await request.form()
    try:
        lead = intake.create(
            db,
            actor=actor,
            cipher=cipher,
            data=lead_input(form),
            uploads=await uploads_of(form),
            files_root=request.app.state.settings.files_dir,
        )
    except (FangfeiError, ValidationError) as exc:
        error = exc if isinstance(exc, FangfeiError) else form_invalid(exc)
        if error.status == 403:
            raise error from None
        db.rollback()
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        context = {**_choices(db, actor), "error": error, "values": values}
        return render(request, "leads/new.html", context, actor=actor, status_code=error.status)
    return RedirectResponse(f"/leads/{lead.id}", status_code=303)


def _detail_context(db: SessionDep, actor: Actor, lead: Lead) -> dict[str, Any]:
    may_assign = policy.can(actor, "lead.assign") and lead.status in ("registered", "assigned")
    may_decide = policy.can(actor, "lead.decide_duplicate") and lead.status == "registered"
    return {
        **_choices(db, actor),
        "lead": lead,
        "steps": allowed_steps(lead.status),
        "timeline": service.timeline(db, lead=lead),
        "files": service.attachments_of(db, lead=lead),
        "links": service.links_of(db, lead=lead),
        "candidates": intake.candidates(db, actor=actor, lead=lead) if may_decide else [],
        "route": handling.propose_route(db, lead=lead) if may_assign else None,
        "may_assign": may_assign,
        "may_work": policy.can(actor, "lead.work") and handling.holds(db, actor, lead),
        "may_close": policy.can(actor, "lead.close"),
        **_reward_context(db, actor, lead),
    }


def _reward_context(db: SessionDep, actor: Actor, lead: Lead) -> dict[str, Any]:
    if not (policy.can(actor, "reward.propose") and lead.verified_true):
        return {}
    reward = db.scalar(select(Reward).where(Reward.lead_id == lead.id))
    return {
        "reward": reward,
        "conditions": rewards.evaluate(db, lead=lead) if reward is None else [],
        "reward_band": rewards.band_for(db, lead.amount_yuan) if reward is None else None,
    }


@router.get("/leads/{lead_id}")
def lead_page(lead_id: int, request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """The lead with its subject, attachments, duplicates, routing, steps and timeline."""
    lead = service.get_or_raise(db, actor=actor, lead_id=lead_id)
    return render(request, "leads/detail.html", _detail_context(db, actor, lead), actor=actor)


@router.get("/leads/{lead_id}/attachments/{attachment_id}")
def download(
    lead_id: int, attachment_id: int, request: Request, db: SessionDep, actor: ActorDep
) -> Response:
    """One attachment of a lead the actor may see."""
    lead = service.get_or_raise(db, actor=actor, lead_id=lead_id)
    row = db.get(LeadAttachment, attachment_id)
    if row is None or row.lead_id != lead.id:
        raise not_found("附件", attachment_id)
    path = attachments.path_of(request.app.state.settings.files_dir, row.sha256)
    return FileResponse(path, media_type=row.content_type, filename=row.filename)


@router.post("/leads/{lead_id}/informant")
def reveal_informant(
    lead_id: int, request: Request, db: SessionDep, actor: ActorDep, cipher: CipherDep
) -> Response:
    """The informant in clear text, once; the view is written to the audit log."""
    found = service.reveal_informant(db, actor=actor, cipher=cipher, lead_id=lead_id)
    return render(request, "leads/_informant.html", {"informant": found}, actor=actor)


async def _form(request: Request) -> dict[str, str]:
    return {k: v.strip() for k, v in (await request.form()).items() if isinstance(v, str)}


@router.post("/leads/{lead_id}/{step}")
async def take_step(
    lead_id: int, step: str, request: Request, db: SessionDep, actor: ActorDep
) -> Response:
    """One workflow step from the lead page; a refusal is shown on the page with its reason."""
    form = await _form(request)
    try:
        _apply(request, db, actor, lead_id, step, form)
    except FangfeiError as error:
        show_refusal(db, error)
        lead = service.get_or_raise(db, actor=actor, lead_id=lead_id)
        context = {**_detail_context(db, actor, lead), "error": error, "values": form}
        return render(request, "leads/detail.html", context, actor=actor, status_code=error.status)
    return RedirectResponse(f"/leads/{lead_id}", status_code=303)


def _apply(
    request: Request, db: SessionDep, actor: Actor, lead_id: int, step: str, form: dict[str, str]
) -> None:
    comment = form.get("comment") or None
    if step == "assign":
        workdays_allowed = request.app.state.settings.lead_verification_workdays
        data = form_model(AssignIn, {k: v or None for k, v in form.items()})
        handling.assign(
            db, actor=actor, lead_id=lead_id, data=data, workdays_allowed=workdays_allowed
        )
    elif step == "claim":
        handling.claim(db, actor=actor, lead_id=lead_id, comment=comment)
    elif step == "return":
        handling.return_lead(db, actor=actor, lead_id=lead_id, reason=form.get("reason", ""))
    elif step == "judge":
        handling.judge(db, actor=actor, lead_id=lead_id, data=form_model(JudgeIn, form))
    elif step == "close":
        handling.close(db, actor=actor, lead_id=lead_id, comment=comment)
    elif step == "reward_propose":
        confirmed = frozenset(k.removeprefix("confirm_") for k in form if k.startswith("confirm_"))
        rewards.propose(db, actor=actor, lead_id=lead_id, confirmed=confirmed)
    elif step == "reward_approve":
        rewards.approve(db, actor=actor, lead_id=lead_id)
    elif step == "reward_pay":
        paid_on = form_model(PaymentIn, form)
        rewards.pay(db, actor=actor, lead_id=lead_id, paid_on=paid_on.paid_on,
                    reference_no=paid_on.payment_reference)  # fmt: skip
    elif step == "duplicate":
        decision = form_model(DuplicateDecisionIn, {k: v or None for k, v in form.items()})
        intake.decide_duplicate(db, actor=actor, lead_id=lead_id, data=decision)
    else:
        raise not_found("操作", step)
