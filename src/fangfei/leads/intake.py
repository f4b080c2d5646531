"""Intake of a lead: checks, the protected informant, attachments, and duplicate proposals."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from fangfei.auth import policy
from fangfei.auth.roles import Actor
from fangfei.entities import service as entities
from fangfei.entities.identifiers import check_id_number, check_uscc
from fangfei.entities.models import Enterprise, Person
from fangfei.errors import FieldProblem, invalid
from fangfei.leads import attachments
from fangfei.leads.matching import same_subject_loosely, similar_keys, subject_key
from fangfei.leads.models import Lead, LeadAttachment, LeadLink
from fangfei.leads.schemas import DuplicateDecisionIn, InformantIn, LeadCreate
from fangfei.leads.service import get_or_raise
from fangfei.leads.workflow import record_event, transition
from fangfei.reference import service as reference
from fangfei.security.crypto import FieldCipher

# No 0/O, 1/I/L: a receipt code is read out over the phone.
_RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_DIGITS = re.compile(r"\D+")


def _reference_problems(db: Session, data: LeadCreate) -> list[FieldProblem]:
    problems = []
    for kind, value, fieldname, label in (
        ("channel", data.channel, "channel", "线索渠道"),
        ("industry_domain", data.domain, "domain", "所属行业领域"),
        ("focus_area", data.focus_area, "focus_area", "整治重点领域"),
    ):
        if value is not None and value not in {
            i.code for i in reference.items(db, kind, active_only=True)
        }:
            problems.append(FieldProblem(fieldname, f"“{value}”不是有效的{label}"))
    return problems


def _subject(
    db: Session, actor: Actor, cipher: FieldCipher, data: LeadCreate
) -> tuple[dict[str, object], list[FieldProblem]]:
    """The subject columns of the new lead, from an existing entity or from what was typed."""
    if data.subject_entity_id is not None:
        entity = entities.get_or_raise(db, actor=actor, entity_id=data.subject_entity_id)
        return {
            "subject_entity_id": entity.id,
            "subject_name": entity.name,
            "subject_uscc": entity.uscc if isinstance(entity, Enterprise) else None,
            "subject_id_blind_index": entity.id_blind_index if isinstance(entity, Person) else None,
            "jurisdiction_id": data.jurisdiction_id or entity.jurisdiction_id,
        }, []
    problems = []
    if not data.subject_name or not data.subject_name.strip():
        problems.append(FieldProblem("subject_name", "请填写风险主体名称，或选择已有主体"))
    if data.jurisdiction_id is None:
        problems.append(FieldProblem("jurisdiction_id", "请选择风险主体所在的乡镇（街道）"))
    uscc = check_uscc(data.subject_uscc)
    if uscc.status == "invalid":
        problems.append(FieldProblem("subject_uscc", f"统一社会信用代码有误：{uscc.problem}"))
    person = check_id_number(data.subject_id_number)
    if person.status == "invalid":
        problems.append(FieldProblem("subject_id_number", f"身份证号码有误：{person.problem}"))
    return {
        "subject_entity_id": None,
        "subject_name": (data.subject_name or "").strip(),
        "subject_uscc": uscc.value,
        "subject_id_blind_index": cipher.blind_index(person.value) if person.value else None,
        "jurisdiction_id": data.jurisdiction_id,
    }, problems


def _informant(
    cipher: FieldCipher, informant: InformantIn | None
) -> tuple[dict[str, object], list[FieldProblem]]:
    """Encrypted informant columns; the ID number must be valid when given."""
    if informant is None:
        return {}, []
    problems, id_number = [], None
    if informant.id_number:
        checked = check_id_number(informant.id_number)
        if checked.status != "valid":
            problems.append(
                FieldProblem("informant.id_number", f"举报人身份证号码有误：{checked.problem}")
            )
        id_number = checked.value
    phone_digits = _DIGITS.sub("", informant.phone or "") or None

    def seal(value: str | None) -> bytes | None:
        return cipher.encrypt(value.strip()) if value and value.strip() else None

    return {
        "informant_real_name": bool(informant.name and (id_number or phone_digits)),
        "informant_name_enc": seal(informant.name),
        "informant_id_enc": seal(id_number),
        "informant_phone_enc": seal(informant.phone),
        "informant_address_enc": seal(informant.address),
        "informant_id_blind_index": cipher.blind_index(id_number) if id_number else None,
        "informant_phone_blind_index": cipher.blind_index(phone_digits) if phone_digits else None,
    }, problems


def next_number(db: Session, year: int) -> str:
    """The next lead number of a year: XS2026-000123."""
    prefix = f"XS{year}-"
    last = db.scalar(select(func.max(Lead.number)).where(Lead.number.startswith(prefix)))
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def new_receipt_code() -> str:
    """A random code a member of the public keeps to look up the status of their report."""
    return "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(10))


def create(
    db: Session,
    *,
    actor: Actor,
    cipher: FieldCipher,
    data: LeadCreate,
    uploads: list[attachments.Upload] | None = None,
    files_root: Path | None = None,
    with_receipt: bool = False,
) -> Lead:
    """Register a lead with its informant sealed and its attachments stored; all or nothing."""
    policy.ensure(db, actor, "lead.create")
    subject, problems = _subject(db, actor, cipher, data)
    informant, informant_problems = _informant(cipher, data.informant)
    problems = _reference_problems(db, data) + problems + informant_problems
    if problems:
        raise invalid("线索信息有误，未登记。", problems)
    jurisdiction_id = subject["jurisdiction_id"]
    assert isinstance(jurisdiction_id, int)
    policy.ensure_jurisdiction(db, actor, jurisdiction_id)
    uploads = uploads or []
    attachments.check_all(uploads)
    channel = next(i for i in reference.items(db, "channel") if i.code == data.channel)
    lead = Lead(
        number=next_number(db, data.discovered_on.year),
        receipt_code=new_receipt_code() if with_receipt else None,
        channel=data.channel,
        source=channel.extra.get("source", "self_discovered"),
        domain=data.domain,
        focus_area=data.focus_area,
        subject_key=subject_key(str(subject["subject_name"])),
        description=data.description.strip(),
        amount_yuan=data.amount_yuan,
        people_count=data.people_count,
        discovered_on=data.discovered_on,
        status="registered",
        created_by_user_id=actor.user_id,
        created_by_name=actor.label,
        **subject,
        **informant,
    )
    db.add(lead)
    db.flush()
    for upload in uploads:
        add_attachment(db, actor=actor, lead=lead, upload=upload, files_root=files_root)
    record_event(db, actor=actor, lead=lead, action="register", detail={"number": lead.number})
    return lead


def add_attachment(
    db: Session,
    *,
    actor: Actor,
    lead: Lead,
    upload: attachments.Upload,
    files_root: Path | None,
) -> LeadAttachment:
    """Store one checked file and attach it to the lead."""
    if files_root is None:
        raise invalid("此入口不接收附件。", [FieldProblem("attachments", "请不要附带文件")])
    stored = attachments.store(files_root, upload)
    row = LeadAttachment(
        lead_id=lead.id,
        filename=stored.filename,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=actor.label,
    )
    db.add(row)
    db.flush()
    return row


@dataclass
class Candidate:
    """A lead that may be the same matter, and why it was proposed."""

    lead: Lead
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0


def candidates(db: Session, *, actor: Actor, lead: Lead) -> list[Candidate]:
    """Other leads that may report the same subject, best first; decided pairs are left out."""
    base = policy.scoped(select(Lead), actor, "lead.view").where(
        Lead.id != lead.id, Lead.merged_into_id.is_(None)
    )
    found: dict[int, Candidate] = {}

    def propose(other: Lead | None, reason: str, score: float) -> None:
        assert other is not None
        entry = found.setdefault(other.id, Candidate(other))
        if reason not in entry.reasons:
            entry.reasons.append(reason)
        entry.score = max(entry.score, score)

    for column, value, reason in (
        (Lead.subject_uscc, lead.subject_uscc, "统一社会信用代码相同"),
        (Lead.subject_id_blind_index, lead.subject_id_blind_index, "身份证号码相同"),
        (Lead.subject_entity_id, lead.subject_entity_id, "同一主体档案"),
    ):
        if value is not None:
            for other in db.scalars(base.where(column == value).limit(50)):
                propose(other, reason, 100.0)
    for column, value in (
        (Lead.informant_id_blind_index, lead.informant_id_blind_index),
        (Lead.informant_phone_blind_index, lead.informant_phone_blind_index),
    ):
        if value is not None:
            for other in db.scalars(base.where(column == value).limit(50)):
                if same_subject_loosely(lead.subject_key, other.subject_key):
                    propose(other, "同一举报人反映同一主体", 100.0)
    keys = db.execute(base.with_only_columns(Lead.id, Lead.subject_key)).all()
    by_key: dict[str, list[int]] = {}
    for other_id, key in keys:
        by_key.setdefault(key, []).append(other_id)
    for match in similar_keys(lead.subject_key, list(by_key)):
        for other_id in by_key[match.key][:20]:
            propose(
                db.get(Lead, other_id), f"主体名称相近（相似度 {match.score:.0f}%）", match.score
            )
    decided = _decided_pairs(db, lead)
    kept = [c for c in found.values() if c.lead.id not in decided]
    return sorted(kept, key=lambda c: (-c.score, -c.lead.id))[:20]


def _decided_pairs(db: Session, lead: Lead) -> set[int]:
    stmt = select(LeadLink.lead_id, LeadLink.other_lead_id).where(
        or_(LeadLink.lead_id == lead.id, LeadLink.other_lead_id == lead.id)
    )
    return {b if a == lead.id else a for a, b in db.execute(stmt)}


DECISION_LABELS = {"linked": "关联", "merged": "合并", "separate": "确认不重复"}


def decide_duplicate(
    db: Session, *, actor: Actor, lead_id: int, data: DuplicateDecisionIn
) -> LeadLink:
    """Record the officer's decision; merging closes this lead into the other one."""
    lead = get_or_raise(db, actor=actor, lead_id=lead_id, action="lead.decide_duplicate")
    other = get_or_raise(db, actor=actor, lead_id=data.other_lead_id, action="lead.view")
    if other.id == lead.id or other.id in _decided_pairs(db, lead):
        raise invalid(
            "这两条线索已处理过。", [FieldProblem("other_lead_id", "不能重复处理同一对线索")]
        )
    if data.decision == "merged" and other.merged_into_id is not None:
        raise invalid("不能合并到已被合并的线索。", [FieldProblem("other_lead_id", other.number)])
    link = LeadLink(
        lead_id=lead.id,
        other_lead_id=other.id,
        decision=data.decision,
        reason=data.reason,
        actor_name=actor.label,
    )
    db.add(link)
    comment = f"{DECISION_LABELS[data.decision]}：{other.number}" + (
        f"（{data.reason}）" if data.reason else ""
    )
    if data.decision == "merged":
        transition(db, actor=actor, lead=lead, step="merge", comment=comment)
        lead.merged_into_id = other.id
    else:
        record_event(
            db, actor=actor, lead=lead, action=f"duplicate_{data.decision}", comment=comment
        )
    return link
