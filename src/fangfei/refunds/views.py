"""JSON API: a case's claims register, pool and distribution rounds. Amounts are integer fen."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from fangfei.cases.documents import DOCX_TYPE
from fangfei.clock import local_today
from fangfei.deps import ActorDep, CipherDep, SessionDep
from fangfei.refunds import figures, outputs, pool, register, rounds
from fangfei.refunds.models import Participant, PoolReceipt, RefundRound
from fangfei.refunds.pool import ReceiptIn, RegisterSettings
from fangfei.refunds.register import ParticipantFilter
from fangfei.refunds.register_import import import_register
from fangfei.refunds.rounds import AdjustmentLine
from fangfei.web.render import download

router = APIRouter(tags=["清退兑付"])


class StatusIn(BaseModel):
    """A status change for the given 登记号 (all it applies to when ``numbers`` is omitted)."""

    action: str = Field(description="verify | dispute | withhold")
    numbers: list[int] | None = None
    reason: str | None = Field(default=None, max_length=500)


class RoundIn(BaseModel):
    """A pro-rata round to draft."""

    amount_yuan: str = Field(description="元，最多两位小数")
    note: str | None = Field(default=None, max_length=2000)


class AdjustmentIn(BaseModel):
    """An adjusting round to draft."""

    lines: list[AdjustmentLine]
    note: str | None = Field(default=None, max_length=2000)


class DecisionIn(BaseModel):
    """An approval note, or the reason a draft is discarded."""

    note: str | None = Field(default=None, max_length=500)


def participant_view(p: Participant, refunded: frozenset[str]) -> dict[str, Any]:
    """A participant with their claim and what is still owed."""
    owed = max(0, p.claim_fen - p.paid_fen) if p.role in refunded else 0
    return {
        "number": p.number, "name": p.name, "id_number_masked": p.id_number_masked,
        "id_status": p.id_status, "id_problem": p.id_problem, "phone": p.phone, "bank": p.bank,
        "bank_account": p.bank_account, "role": p.role, "refunded_role": p.role in refunded,
        "status": p.status, "status_reason": p.status_reason,
        "contributed_fen": p.contributed_fen, "returned_fen": p.returned_fen,
        "claim_fen": p.claim_fen, "paid_fen": p.paid_fen, "owed_fen": owed,
    }  # fmt: skip


def round_view(r: RefundRound) -> dict[str, Any]:
    """A round without its payments."""
    return {
        "id": r.id, "number": r.number, "kind": r.kind, "status": r.status,
        "requested_fen": r.requested_fen, "total_fen": r.total_fen, "claims_fen": r.claims_fen,
        "payees": r.payees, "inputs_sha256": r.inputs_sha256, "result_sha256": r.result_sha256,
        "note": r.note, "drafted_by": r.drafted_by_name, "drafted_at": r.drafted_at,
        "decided_by": r.decided_by_name, "decided_at": r.decided_at, "decision_note": r.decision_note,
    }  # fmt: skip


def _receipt(r: PoolReceipt) -> dict[str, Any]:
    return {
        "id": r.id, "received_on": r.received_on, "source": r.source, "amount_fen": r.amount_fen,
        "document_no": r.document_no, "note": r.note, "recorded_by": r.actor_name,
        "voided_at": r.voided_at, "void_reason": r.void_reason,
    }  # fmt: skip


@router.get("/cases/{case_id}/refunds", summary="清退兑付概况")
def overview(case_id: int, db: SessionDep, actor: ActorDep) -> dict[str, Any]:
    """The register's figures, settings, participants by status and the rounds."""
    case = register.case_for(db, actor=actor, case_id=case_id, action="refund.view")
    settings = register.settings_of(db, case.id)
    return {
        "case": {"id": case.id, "number": case.number, "name": case.name},
        "figures": figures.as_dict(figures.of_case(db, case)),
        "register": {
            "pool_bank": settings.pool_bank if settings else None,
            "pool_account": settings.pool_account if settings else None,
            "held_back_claim_fen": settings.held_back_claim_fen if settings else 0,
            "held_back_reason": settings.held_back_reason if settings else None,
        },
        "by_status": register.count_by_status(db, case.id),
        "rounds": [round_view(r) for r in rounds.rounds_of(db, case.id)],
    }  # fmt: skip


@router.put("/cases/{case_id}/refunds/register", summary="设置专户和提存")
def update_register(
    case_id: int, body: RegisterSettings, db: SessionDep, actor: ActorDep
) -> dict[str, Any]:
    """The dedicated account and the held-back claim for unregistered participants."""
    found = pool.update_register(db, actor=actor, case_id=case_id, data=body)
    return {"held_back_claim_fen": found.held_back_claim_fen, "pool_account": found.pool_account}


@router.get("/cases/{case_id}/refunds/participants", summary="集资参与人登记册")
def list_participants(
    case_id: int, db: SessionDep, actor: ActorDep, filters: Annotated[ParticipantFilter, Query()]
) -> dict[str, Any]:
    """The register in 登记号 order, filtered by status or a name."""
    page = register.list_participants(db, actor=actor, case_id=case_id, filters=filters)
    refunded = register.refundable_roles(db)
    return {
        "total": page.total, "capped": page.capped, "page": page.page, "per_page": page.per_page,
        "items": [participant_view(p, refunded) for p in page.items],
    }  # fmt: skip


@router.post("/cases/{case_id}/refunds/participants/import", status_code=201, summary="导入登记表")
async def import_participants(
    case_id: int, file: UploadFile, db: SessionDep, actor: ActorDep, cipher: CipherDep
) -> dict[str, Any]:
    """Import a register file (xlsx or CSV): every row lands, or none does."""
    name = Path(file.filename or "register.csv").name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(await file.read())
        result = import_register(db, actor=actor, cipher=cipher, case_id=case_id, path=path)
    return {
        "rows": result.rows, "new_participants": result.new_participants,
        "existing_participants": result.existing_participants,
        "flagged": [{"row": p.row, "field": p.field, "reason": p.reason} for p in result.flagged],
        "notes": result.notes,
    }  # fmt: skip


@router.post("/cases/{case_id}/refunds/participants/status", summary="核实、异议、暂缓")
def change_status(case_id: int, body: StatusIn, db: SessionDep, actor: ActorDep) -> dict[str, int]:
    """Verify, dispute or withhold participants."""
    changed = register.change_status(db, actor=actor, case_id=case_id, action=body.action,
                                     numbers=body.numbers, reason=body.reason)  # fmt: skip
    return {"changed": changed}


@router.get("/cases/{case_id}/refunds/participants/{number}", summary="参与人详情")
def participant_detail(
    case_id: int, number: int, db: SessionDep, actor: ActorDep
) -> dict[str, Any]:
    """One participant: lines, how the claim is computed, and the rounds that paid them."""
    person = register.participant(db, actor=actor, case_id=case_id, number=number)
    refunded = register.refundable_roles(db)
    lines = register.lines_of(db, person.id)
    return participant_view(person, refunded) | {
        "lines": [
            {"kind": line.kind, "on_date": line.on_date, "amount_fen": line.amount_fen,
             "reference": line.reference, "source_row": line.source_row}
            for line in lines
        ],
        "claim_explained": register.explain_claim(person, lines, person.role in refunded),
        "payments": [{"round": r.number, "round_id": r.id, "amount_fen": amount}
                     for r, amount in rounds.paid_rounds_of(db, person.id)],
    }  # fmt: skip


@router.put("/cases/{case_id}/refunds/participants/{number}/identity", summary="更正身份证号码")
def correct_identity(
    case_id: int, number: int, body: register.IdentityIn, db: SessionDep, actor: ActorDep,
    cipher: CipherDep,
) -> dict[str, Any]:  # fmt: skip
    """Correct a mistyped ID number (and name) with the reason; the participant can then be verified."""
    person = register.correct_identity(db, actor=actor, cipher=cipher, case_id=case_id,
                                       number=number, data=body)  # fmt: skip
    return participant_view(person, register.refundable_roles(db))


@router.get("/cases/{case_id}/refunds/participants/{number}/statement.docx", summary="对账单")
def participant_statement(case_id: int, number: int, db: SessionDep, actor: ActorDep) -> Response:
    """The participant's statement as a Word file."""
    person = register.participant(db, actor=actor, case_id=case_id, number=number)
    case = register.case_for(db, actor=actor, case_id=case_id, action="refund.view")
    content = outputs.statement(db, case, person, local_today())
    return download(content, outputs.statement_filename(case, person), DOCX_TYPE)


@router.get("/cases/{case_id}/refunds/receipts", summary="专户到账记录")
def list_receipts(case_id: int, db: SessionDep, actor: ActorDep) -> list[dict[str, Any]]:
    """Every receipt of the dedicated account, voided ones included."""
    register.case_for(db, actor=actor, case_id=case_id, action="refund.view")
    return [_receipt(r) for r in pool.receipts(db, case_id)]


@router.post("/cases/{case_id}/refunds/receipts", status_code=201, summary="登记专户到账")
def add_receipt(case_id: int, body: ReceiptIn, db: SessionDep, actor: ActorDep) -> dict[str, Any]:
    """Record money recovered into the dedicated account."""
    return _receipt(pool.add_receipt(db, actor=actor, case_id=case_id, data=body))


@router.post("/cases/{case_id}/refunds/receipts/{receipt_id}/void", summary="作废到账记录")
def void_receipt(
    case_id: int, receipt_id: int, body: DecisionIn, db: SessionDep, actor: ActorDep
) -> dict[str, Any]:
    """Void a wrong receipt with its reason."""
    found = pool.void_receipt(db, actor=actor, case_id=case_id, receipt_id=receipt_id,
                              reason=body.note or "")  # fmt: skip
    return _receipt(found)


@router.post("/cases/{case_id}/refunds/rounds", status_code=201, summary="起草按比例清退批次")
def draft_round(case_id: int, body: RoundIn, db: SessionDep, actor: ActorDep) -> dict[str, Any]:
    """Draft a pro-rata round over what is still owed."""
    found = rounds.draft(
        db, actor=actor, case_id=case_id, amount_yuan=body.amount_yuan, note=body.note
    )
    return round_view(found)


@router.post("/cases/{case_id}/refunds/adjustments", status_code=201, summary="起草调整批次")
def draft_adjustment(
    case_id: int, body: AdjustmentIn, db: SessionDep, actor: ActorDep
) -> dict[str, Any]:
    """Draft an adjusting round."""
    found = rounds.draft_adjustment(
        db, actor=actor, case_id=case_id, lines=body.lines, note=body.note
    )
    return round_view(found)


@router.get("/refund-rounds/{round_id}", summary="清退批次详情")
def round_detail(
    round_id: int, db: SessionDep, actor: ActorDep, page: Annotated[int, Query(ge=1)] = 1
) -> dict[str, Any]:
    """A round with one page (1,000) of its payments."""
    found = rounds.get(db, actor=actor, round_id=round_id)
    payments = rounds.payments_of(db, found.id)
    start = (page - 1) * 1000
    return round_view(found) | {
        "payments": [
            {"number": person.number if person else None, "name": person.name if person else "提存",
             "amount_fen": payment.amount_fen, "reason": payment.reason}
            for person, payment in payments[start : start + 1000]
        ],
        "page": page,
    }  # fmt: skip


@router.post("/refund-rounds/{round_id}/approve", summary="审批清退批次")
def approve_round(
    round_id: int, body: DecisionIn, db: SessionDep, actor: ActorDep
) -> dict[str, Any]:
    """Approve a draft drafted by someone else."""
    return round_view(rounds.approve(db, actor=actor, round_id=round_id, note=body.note))


@router.post("/refund-rounds/{round_id}/discard", summary="放弃清退批次")
def discard_round(
    round_id: int, body: DecisionIn, db: SessionDep, actor: ActorDep
) -> dict[str, Any]:
    """Set a draft aside with its reason."""
    return round_view(rounds.discard(db, actor=actor, round_id=round_id, reason=body.note or ""))


@router.get("/refund-rounds/{round_id}/payments.xlsx", summary="付款文件")
def payment_file(round_id: int, db: SessionDep, actor: ActorDep) -> Response:
    """The approved round's bank payment file."""
    found = rounds.get(db, actor=actor, round_id=round_id)
    case = register.case_for(db, actor=actor, case_id=found.case_id, action="refund.view")
    return download(outputs.payment_file(db, case, found), outputs.payment_filename(case, found))
