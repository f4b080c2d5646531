"""Pages: the screening desk — paste a text and see its hits highlighted; a loan calculator.

Nothing is stored by screening itself; a flagged text can be registered as a lead
(:func:`referrals.text_to_lead`). The text result is an htmx partial (``screening/_text_result.html``)
as is the loan result (``screening/_loan_result.html``); without htmx the full page is returned.
Highlighting is built here as plain segments and escaped by the template, never as HTML strings.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from fangfei.auth.roles import Actor
from fangfei.clock import local_today
from fangfei.deps import ActorDep, CipherDep, SessionDep
from fangfei.errors import FangfeiError, FieldProblem, form_model, invalid
from fangfei.leads.models import Lead
from fangfei.reference import service as reference
from fangfei.screening import referrals
from fangfei.screening.loan_files import KIND_NAMES
from fangfei.screening.loan_input import KIND_LABELS
from fangfei.screening.loans import screen_loan_data
from fangfei.screening.lpr import default_benchmark_pct
from fangfei.screening.names import licence_names
from fangfei.screening.texts import TextHit, screen_text
from fangfei.screening.views import MAX_TEXT, ensure_may_screen
from fangfei.web.render import render, show_refusal

router = APIRouter(include_in_schema=False)
_FLOW_SEPARATORS = re.compile(r"[,，\t ]+")
MAX_FLOWS = 2000


@dataclass(frozen=True)
class Segment:
    """A stretch of the text, highlighted when hits cover it."""

    text: str
    group: str = ""  # fundraising | lending when highlighted
    title: str = ""


def segments(text: str, hits: tuple[TextHit, ...] | list[TextHit]) -> list[Segment]:
    """The text cut at every hit boundary; each piece names the hits covering it."""
    cuts = sorted({0, len(text), *(h.start for h in hits), *(h.end for h in hits)})
    pieces = []
    for start, end in itertools.pairwise(cuts):
        covering = [h for h in hits if h.start <= start and end <= h.end]
        if not covering:
            pieces.append(Segment(text[start:end]))
            continue
        labels = "、".join(dict.fromkeys(h.label for h in covering))
        pieces.append(Segment(text[start:end], covering[0].group, labels))
    return pieces


def _form_context(
    values: dict[str, str], db: Session | None = None, actor: Actor | None = None
) -> dict[str, Any]:
    lead_choices = {} if db is None or actor is None else {
        "channels": referrals.channels(db), "domains": reference.items(db, "industry_domain"),
        "places": reference.jurisdictions(db, under_path=actor.jurisdiction_path),
    }  # fmt: skip
    return lead_choices | {
        "values": values,
        "default_benchmark": default_benchmark_pct(),
        "licences": licence_names(),
        "kinds": KIND_LABELS,
    }


@router.get("/screening")
def screening_page(request: Request, actor: ActorDep) -> Response:
    """The screening desk with its two empty forms."""
    ensure_may_screen(actor)
    return render(request, "screening/index.html", _form_context({}), actor=actor)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


def _benchmark(value: str) -> Decimal | None:
    if not value.strip():
        return None
    try:
        pct = Decimal(value.strip().rstrip("%"))
    except InvalidOperation:
        pct = Decimal(0)
    if not pct.is_finite() or pct <= 0:
        raise invalid("收益基准须为大于 0 的年化百分比。", [FieldProblem("benchmark", "不是正数")])
    return pct


def _status(request: Request, error: FangfeiError | None) -> int:
    """htmx swaps only successful responses: a refused form comes back as 200 with its message."""
    if error is None or request.headers.get("HX-Request") == "true":
        return 200
    return error.status


@router.post("/screening/text")
async def screen_text_page(request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """Screen the pasted text and show it with its hits highlighted."""
    ensure_may_screen(actor)
    values = await _form(request)
    context = _form_context(values, db, actor)
    error: FangfeiError | None = None
    try:
        text = values.get("text", "").strip()
        if not text or len(text) > MAX_TEXT:
            raise invalid(
                f"请粘贴要筛查的文本（1 至 {MAX_TEXT:,} 字）。",
                [FieldProblem("text", "为空或过长")],
            )
        result = screen_text(text, benchmark_pct=_benchmark(values.get("benchmark", "")))
        context |= {"result": result, "segments": segments(result.text, result.hits)}
    except FangfeiError as exc:
        error = exc
        context["text_error"] = exc
    return render(
        request,
        "screening/index.html",
        context,
        actor=actor,
        partial="screening/_text_result.html",
        status_code=_status(request, error),
    )


@router.post("/screening/text/lead")
async def text_lead(
    request: Request, db: SessionDep, actor: ActorDep, cipher: CipherDep
) -> Response:
    """Register a flagged text as a lead and open it."""
    values = await _form(request)

    def register() -> Lead:
        data = form_model(referrals.TextLeadIn, {k: v for k, v in values.items() if v != ""})
        return referrals.text_to_lead(db, actor=actor, cipher=cipher, data=data,
                                      today=local_today())  # fmt: skip

    return _lead_or_refusal(request, db, actor, values, "text_error", register)


def _lead_or_refusal(
    request: Request, db: Session, actor: Actor, values: dict[str, str], error_key: str,
    register: Callable[[], Lead],
) -> Response:  # fmt: skip
    """Open the lead registered, or show the screening page again with the refusal."""
    try:
        lead = register()
    except FangfeiError as error:
        show_refusal(db, error)
        context = _form_context(values, db, actor) | {error_key: error}
        return render(request, "screening/index.html", context, actor=actor,
                      status_code=error.status)  # fmt: skip
    return RedirectResponse(f"/leads/{lead.id}", status_code=303)


def _flows(text: str) -> list[dict[str, str]]:
    flows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = _FLOW_SEPARATORS.split(line.strip())
        if len(parts) != 3:
            raise invalid(
                f"现金流第 {number} 行应为“日期, 金额, 类型”三项（收到“{line.strip()}”）。",
                [FieldProblem("flows", f"第 {number} 行格式不对")],
            )
        day, amount, kind = parts
        flows.append({"date": day, "amount": amount, "kind": KIND_NAMES.get(kind, kind)})
    if len(flows) > MAX_FLOWS:
        raise invalid(f"现金流最多 {MAX_FLOWS} 笔。", [FieldProblem("flows", "过多")])
    return flows


def _loan_data(values: dict[str, str]) -> dict[str, Any]:
    return {
        "loan_id": values.get("loan_id", ""),
        "lender": {
            "name": values.get("lender_name") or "（未填）",
            "licensed": values.get("licensed", ""),
        },
        "borrower": {"name": values.get("borrower_name", ""), "is_student": "is_student" in values},
        "contract_date": values.get("contract_date", ""),
        "principal_stated": values.get("principal_stated", ""),
        "withheld": values.get("withheld", ""),
        "cash_flows": _flows(values.get("flows", "")),
    }


@router.post("/screening/loan")
async def screen_loan_page(request: Request, db: SessionDep, actor: ActorDep) -> Response:
    """Compute a loan's rates from the calculator form."""
    ensure_may_screen(actor)
    values = await _form(request)
    context = _form_context(values, db, actor)
    error: FangfeiError | None = None
    try:
        context["loan"] = screen_loan_data(_loan_data(values))
    except FangfeiError as exc:
        error = exc
        context["loan_error"] = exc
    return render(
        request,
        "screening/index.html",
        context,
        actor=actor,
        partial="screening/_loan_result.html",
        status_code=_status(request, error),
    )


@router.post("/screening/loan/lead")
async def loan_lead(
    request: Request, db: SessionDep, actor: ActorDep, cipher: CipherDep
) -> Response:
    """Register a flagged loan as a lead about its lender and open it."""
    values = await _form(request)

    def register() -> Lead:
        fields = {k: values[k] for k in ("lender_uscc", "jurisdiction_id", "channel", "domain")
                  if values.get(k)}  # fmt: skip
        data = form_model(referrals.LoanLeadIn, {"loan": _loan_data(values), **fields})
        return referrals.loan_to_lead(db, actor=actor, cipher=cipher, data=data,
                                      today=local_today())  # fmt: skip

    return _lead_or_refusal(request, db, actor, values, "loan_error", register)
