"""Pages: a case's claims register, pool and rounds (清退兑付), a participant, a round."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from fangfei.auth.roles import Actor
from fangfei.cases.models import Case
from fangfei.clock import local_today
from fangfei.deps import ActorDep, CipherDep, SessionDep
from fangfei.errors import FangfeiError, FieldProblem, form_model, invalid, not_found
from fangfei.leads import attachments
from fangfei.reference import service as reference
from fangfei.refunds import figures, pool, register, rounds, views
from fangfei.refunds.models import PoolReceipt
from fangfei.refunds.pool import ReceiptIn, RegisterSettings
from fangfei.refunds.register import ParticipantFilter
from fangfei.refunds.register_import import RegisterImport, import_register
from fangfei.refunds.rounds import AdjustmentLine
from fangfei.web.render import render, show_refusal

router = APIRouter(include_in_schema=False)
ROUND_PAGE = 500


def _labels(db: SessionDep) -> dict[str, Any]:
    return {
        "status_labels": register.STATUS_LABELS,
        "transitions": register.TRANSITIONS,
        "line_kinds": register.LINE_KINDS,
        "source_labels": pool.SOURCE_LABELS,
        "round_kinds": rounds.KIND_LABELS,
        "round_statuses": rounds.STATUS_LABELS,
        "role_names": reference.names(db, "participant_role"),
        "refunded_roles": register.refundable_roles(db),
    }


def _context(
    db: SessionDep, actor: Actor, case: Case, filters: ParticipantFilter
) -> dict[str, Any]:
    totals = figures.of_case(db, case)
    return {
        **_labels(db),
        "case": case,
        "figures": totals,
        "settings": register.settings_of(db, case.id),
        "by_status": register.count_by_status(db, case.id),
        "receipts": pool.receipts(db, case.id),
        "rounds": rounds.rounds_of(db, case.id),
        "coverage": figures.coverage_by_round(db, case.id, totals.claims_fen),
        "page": register.list_participants(db, actor=actor, case_id=case.id, filters=filters),
        "filters": filters,
        "today": local_today(),
    }


@router.get("/cases/{case_id}/refunds")
def refund_page(
    case_id: int, request: Request, db: SessionDep, actor: ActorDep,
    filters: Annotated[ParticipantFilter, Query()],
) -> Response:  # fmt: skip
    """清退兑付: figures, coverage, the pool, the rounds and the register of one case."""
    case = register.case_for(db, actor=actor, case_id=case_id, action="refund.view")
    return render(request, "refunds/case.html", _context(db, actor, case, filters), actor=actor,
                  partial="refunds/_participants.html")  # fmt: skip


@router.post("/cases/{case_id}/refunds/{action}")
async def refund_action(
    case_id: int, action: str, request: Request, db: SessionDep, actor: ActorDep, cipher: CipherDep
) -> Response:
    """One change from the refund page; a refusal or an import's notes are shown on the page."""
    form = await request.form()
    try:
        files_root = request.app.state.settings.files_dir
        imported = await _apply(db, actor, cipher, case_id, action, form, files_root)
    except FangfeiError as error:
        show_refusal(db, error)
        case = register.case_for(db, actor=actor, case_id=case_id, action="refund.view")
        context = {**_context(db, actor, case, ParticipantFilter()), "error": error}
        return render(request, "refunds/case.html", context, actor=actor, status_code=error.status)
    if imported is not None:
        case = register.case_for(db, actor=actor, case_id=case_id, action="refund.view")
        context = {**_context(db, actor, case, ParticipantFilter()), "imported": imported}
        return render(request, "refunds/case.html", context, actor=actor)
    return RedirectResponse(f"/cases/{case_id}/refunds", status_code=303)


def _numbers(form: FormData) -> list[int]:
    text = " ".join(v for v in form.getlist("numbers") if isinstance(v, str))
    try:
        return [int(n) for n in text.replace("，", ",").replace(",", " ").split()]
    except ValueError:
        raise invalid(
            "登记号须是数字，多个以空格或逗号分隔。", [FieldProblem("numbers", text)]
        ) from None


async def _apply(
    db: SessionDep,
    actor: Actor,
    cipher: CipherDep,
    case_id: int,
    action: str,
    form: FormData,
    files_root: Path,
) -> RegisterImport | None:
    values = {k: v.strip() for k, v in form.items() if isinstance(v, str)}
    if action == "import":
        return await _import(db, actor, cipher, case_id, form.get("file"))
    if action == "status":
        numbers = _numbers(form)
        register.change_status(db, actor=actor, case_id=case_id, action=values.get("status_action", ""),
                               numbers=numbers or None, reason=values.get("reason"))  # fmt: skip
    elif action == "settings":
        pool.update_register(db, actor=actor, case_id=case_id,
                             data=form_model(RegisterSettings, values))  # fmt: skip
    elif action == "receipt":
        upload = form.get("document")
        document = None
        if isinstance(upload, UploadFile) and upload.filename:
            content = await upload.read(attachments.MAX_BYTES + 1)
            document = (files_root, attachments.Upload(upload.filename, content))
        pool.add_receipt(db, actor=actor, case_id=case_id, data=form_model(ReceiptIn, values),
                         document=document)  # fmt: skip
    elif action == "receipt_void":
        pool.void_receipt(db, actor=actor, case_id=case_id, receipt_id=int(values.get("receipt_id") or 0),
                          reason=values.get("reason", ""))  # fmt: skip
    elif action == "round":
        rounds.draft(db, actor=actor, case_id=case_id, amount_yuan=values.get("amount_yuan", ""),
                     note=values.get("note"))  # fmt: skip
    elif action == "adjust":
        who = values.get("number", "")
        line = form_model(AdjustmentLine, {
            "number": None if who == rounds.HELD_BACK else who, "amount_yuan": values.get("amount_yuan", ""),
            "reason": values.get("reason", ""),
        })  # fmt: skip
        rounds.draft_adjustment(
            db, actor=actor, case_id=case_id, lines=[line], note=values.get("note")
        )
    else:
        raise not_found("操作", action)
    return None


async def _import(
    db: SessionDep, actor: Actor, cipher: CipherDep, case_id: int, upload: object
) -> RegisterImport:
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise invalid("请选择要导入的登记表文件。", [FieldProblem("file", "未选择文件")])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.filename).name
        path.write_bytes(await upload.read())
        return import_register(db, actor=actor, cipher=cipher, case_id=case_id, path=path)


@router.get("/cases/{case_id}/refunds/participants/{number}")
def participant_page(
    case_id: int,
    number: int,
    request: Request,
    db: SessionDep,
    actor: ActorDep,
    error: FangfeiError | None = None,
) -> Response:
    """One participant: lines, the claim's computation, the rounds that paid them."""
    case = register.case_for(db, actor=actor, case_id=case_id, action="refund.view")
    person = register.participant(db, actor=actor, case_id=case_id, number=number)
    labels = _labels(db)
    lines = register.lines_of(db, person.id)
    context = {
        **labels, "case": case, "person": person, "lines": lines,
        "explained": register.explain_claim(person, lines, person.role in labels["refunded_roles"]),
        "paid_rounds": rounds.paid_rounds_of(db, person.id), "error": error,
    }  # fmt: skip
    return render(request, "refunds/participant.html", context, actor=actor,
                  status_code=error.status if error else 200)  # fmt: skip


@router.post("/cases/{case_id}/refunds/participants/{number}/identity")
async def correct_identity(
    case_id: int, number: int, request: Request, db: SessionDep, actor: ActorDep, cipher: CipherDep
) -> Response:
    """Correct a mistyped ID number from the participant's page; a refusal is shown there."""
    values = {
        k: v.strip() for k, v in (await request.form()).items() if isinstance(v, str) and v.strip()
    }
    try:
        register.correct_identity(db, actor=actor, cipher=cipher, case_id=case_id, number=number,
                                  data=form_model(register.IdentityIn, values))  # fmt: skip
    except FangfeiError as error:
        show_refusal(db, error)
        return participant_page(case_id, number, request, db, actor, error=error)
    return RedirectResponse(f"/cases/{case_id}/refunds/participants/{number}", status_code=303)


@router.get("/cases/{case_id}/refunds/receipts/{receipt_id}/document")
def receipt_document(
    case_id: int, receipt_id: int, request: Request, db: SessionDep, actor: ActorDep
) -> Response:
    """The source document uploaded with a receipt."""
    register.case_for(db, actor=actor, case_id=case_id, action="refund.view")
    found = db.get(PoolReceipt, receipt_id)
    if found is None or found.case_id != case_id or not found.document_sha256:
        raise not_found("到账凭证", receipt_id)
    path = attachments.path_of(request.app.state.settings.files_dir, found.document_sha256)
    return FileResponse(path, filename=found.document_filename)


# The files are the API's, served at the same paths without the API prefix for the pages' links.
router.get("/cases/{case_id}/refunds/participants/{number}/statement.docx")(
    views.participant_statement
)
router.get("/refund-rounds/{round_id}/payments.xlsx")(views.payment_file)


def _round_context(db: SessionDep, actor: Actor, round_id: int, page: int) -> dict[str, Any]:
    found = rounds.get(db, actor=actor, round_id=round_id)
    case = register.case_for(db, actor=actor, case_id=found.case_id, action="refund.view")
    payments = rounds.payments_of(db, found.id)
    start = (page - 1) * ROUND_PAGE
    return {
        **_labels(db), "case": case, "round": found, "payments": payments[start : start + ROUND_PAGE],
        "payment_count": len(payments), "page": page, "pages": max(1, -(-len(payments) // ROUND_PAGE)),
    }  # fmt: skip


@router.get("/refund-rounds/{round_id}")
def round_page(
    round_id: int,
    request: Request,
    db: SessionDep,
    actor: ActorDep,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    """A round: its figures, its payments, and the approval or discard forms while a draft."""
    return render(
        request, "refunds/round.html", _round_context(db, actor, round_id, page), actor=actor
    )


@router.post("/refund-rounds/{round_id}/{decision}")
async def decide_round(
    round_id: int, decision: str, request: Request, db: SessionDep, actor: ActorDep
) -> Response:
    """Approve or discard a draft; a refusal is shown on the round's page."""
    note = str((await request.form()).get("note") or "")
    try:
        if decision == "approve":
            rounds.approve(db, actor=actor, round_id=round_id, note=note)
        elif decision == "discard":
            rounds.discard(db, actor=actor, round_id=round_id, reason=note)
        else:
            raise not_found("操作", decision)
    except FangfeiError as error:
        show_refusal(db, error)
        context = {**_round_context(db, actor, round_id, 1), "error": error}
        return render(request, "refunds/round.html", context, actor=actor, status_code=error.status)
    return RedirectResponse(f"/refund-rounds/{round_id}", status_code=303)
