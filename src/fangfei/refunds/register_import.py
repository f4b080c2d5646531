"""参与人登记表导入 — a case's register from xlsx or CSV (UTF-8 or GBK): every row lands, or none.

One row per contribution or return received. Columns (first row): 姓名, 身份证号码, 联系电话,
开户银行, 银行账号, 人员类别 (default 参与群众), 明细类型 (出资, 利息, 分红, 返利, 礼品折价,
其他回报), 日期, 金额（元）, 产品或合同编号. Rows with the same ID number are one person with all
their rows kept; they must agree on name, role and bank account (an empty cell agrees with
anything), also with a person registered by an earlier file. An invalid ID number is not a
refusal: the person lands flagged and cannot be verified until it is corrected.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth.roles import Actor
from fangfei.cases.models import Case
from fangfei.clock import local_today
from fangfei.entities.identifiers import check_id_number, mask_id_number
from fangfei.entities.models import ImportBatch
from fangfei.errors import FangfeiError, FieldProblem, conflict, invalid
from fangfei.reference import service as reference
from fangfei.refunds import figures
from fangfei.refunds.allocation import fen_to_yuan, yuan_to_fen
from fangfei.refunds.models import Participant, ParticipantLine
from fangfei.refunds.register import LINE_KINDS, case_for
from fangfei.security.crypto import FieldCipher
from fangfei.tables import (
    CellRejected,
    Cells,
    cell_text,
    detect_format,
    file_sha256,
    is_blank,
    open_rows,
    parse_date,
)

# field → (official header, other spellings accepted)
COLUMNS = {
    "name": ("姓名", ("参与人姓名",)),
    "id_number": ("身份证号码", ("身份证号", "证件号码")),
    "phone": ("联系电话", ("电话", "手机号码")),
    "bank": ("开户银行", ("开户行",)),
    "bank_account": ("银行账号", ("账号", "银行卡号")),
    "role": ("人员类别", ("身份",)),
    "kind": ("明细类型", ("类型",)),
    "on_date": ("日期", ("发生日期", "出资日期")),
    "amount": ("金额（元）", ("金额",)),
    "reference": ("产品或合同编号", ("合同编号", "产品名称")),
}
REQUIRED = ("name", "id_number", "kind", "on_date", "amount")
LIMITS = {"name": 100, "phone": 40, "bank": 100, "bank_account": 64, "reference": 100}
KIND_SPELLINGS = {name: code for code, name in LINE_KINDS.items()} | {
    "投资": "contribution", "认购": "contribution", "存入": "contribution",
    "礼品": "gift", "回报": "other_return", "收益": "other_return",
}  # fmt: skip
DEFAULT_ROLE = "participant"


@dataclass
class RegisterImport:
    """What an import wrote, and what the clerk should look at."""

    batch_id: int
    rows: int
    new_participants: int
    existing_participants: int
    flagged: list[FieldProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Row:
    number: int
    name: str
    id_text: str
    id_valid: bool
    id_problem: str | None
    phone: str | None
    bank: str | None
    bank_account: str | None
    role: str | None
    kind: str
    on_date: date
    amount_fen: int
    reference: str | None


@dataclass
class _Person:
    """The rows of one ID number, and the participant they add to when already registered."""

    rows: list[_Row]
    existing: Participant | None = None


def _normal(label: str) -> str:
    return unicodedata.normalize("NFKC", label.lstrip("\ufeff")).strip().lower()


def _header(cells: Cells) -> dict[str, int]:
    spellings = {
        _normal(spelling): name
        for name, (label, others) in COLUMNS.items()
        for spelling in (label, name, *others)
    }
    positions: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(cells):
        name = spellings.get(_normal(cell_text(cell)))
        if name in positions:
            problems.append(FieldProblem(cell_text(cell), "与前面的列重复", 1))
        elif name is not None:
            positions[name] = index
    problems += [
        FieldProblem(COLUMNS[n][0], "缺少必填列", 1) for n in REQUIRED if n not in positions
    ]
    if problems:
        found = "、".join(t for t in (cell_text(c) for c in cells) if t) or "（无）"
        raise invalid(f"参与人登记表第 1 行表头有误。文件中的列：{found}。", problems)
    return positions


class _RowReader:
    """Turns cells into checked rows, collecting every problem with its row and column."""

    def __init__(self, positions: dict[str, int], role_names: dict[str, str]) -> None:
        self.positions = positions
        self.role_names = role_names  # code → name, in official order
        self.roles = {name: code for code, name in role_names.items()} | {c: c for c in role_names}
        self.problems: list[FieldProblem] = []

    def _cell(self, cells: Cells, name: str) -> str:
        index = self.positions.get(name)
        if index is None or index >= len(cells):
            return ""
        return cell_text(cells[index])

    def _bad(self, number: int, name: str, reason: str) -> None:
        self.problems.append(FieldProblem(COLUMNS[name][0], reason, number))

    def read(self, number: int, cells: Cells) -> _Row | None:
        """The checked row, or None when one of its cells was refused."""
        before = len(self.problems)
        text = {name: self._cell(cells, name) for name in COLUMNS}
        for name in REQUIRED:
            if not text[name]:
                self._bad(number, name, "不能为空")
        for name, limit in LIMITS.items():
            if len(text[name]) > limit:
                self._bad(number, name, f"超过 {limit} 个字符（现有 {len(text[name])} 个）")
        kind = KIND_SPELLINGS.get(text["kind"])
        if text["kind"] and kind is None:
            self._bad(
                number,
                "kind",
                f"“{text['kind']}”不是明细类型：可填 {'、'.join(LINE_KINDS.values())}",
            )
        role = self.roles.get(text["role"]) if text["role"] else None
        if text["role"] and role is None:
            self._bad(
                number,
                "role",
                f"“{text['role']}”不是人员类别：可填 {'、'.join(self.role_names.values())}",
            )
        on_date = self._date(number, text["on_date"])
        amount = self._amount(number, text["amount"])
        if len(self.problems) > before or kind is None or on_date is None or amount is None:
            return None
        check = check_id_number(text["id_number"])
        return _Row(
            number, text["name"], check.value or "", check.status == "valid", check.problem,
            text["phone"] or None, text["bank"] or None, text["bank_account"] or None, role,
            kind, on_date, amount, text["reference"] or None,
        )  # fmt: skip

    def _date(self, number: int, text: str) -> date | None:
        if not text:
            return None
        try:
            found = parse_date(text)
        except CellRejected as exc:
            self._bad(number, "on_date", exc.reason)
            return None
        if found is not None and found > local_today():
            self._bad(number, "on_date", f"日期 {found.isoformat()} 晚于今天")
            return None
        return found

    def _amount(self, number: int, text: str) -> int | None:
        if not text:
            return None
        try:
            fen = yuan_to_fen(text, field=COLUMNS["amount"][0])
        except FangfeiError as exc:
            self._bad(number, "amount", exc.problems[0].reason if exc.problems else exc.message)
            return None
        if fen == 0:
            self._bad(number, "amount", "金额必须大于 0")
            return None
        return fen


def _read(db: Session, path: Path) -> tuple[list[_Row], list[FieldProblem]]:
    with open_rows(path, detect_format(path)) as rows:
        first = next(rows, None)
        if first is None or is_blank(first):
            raise _no_rows()
        reader = _RowReader(_header(first), reference.names(db, "participant_role"))
        checked = [
            row
            for number, cells in enumerate(rows, start=2)
            if not is_blank(cells) and (row := reader.read(number, cells)) is not None
        ]
    if not checked and not reader.problems:
        raise _no_rows()
    return checked, reader.problems


def _no_rows() -> FangfeiError:
    return invalid("参与人登记表中没有数据行：第 1 行写表头，其下每行一笔出资或回报。")


# --- grouping rows into people ----------------------------------------------------------------


def _group(
    db: Session, cipher: FieldCipher, case_id: int, rows: list[_Row]
) -> tuple[dict[str, _Person], list[FieldProblem]]:
    people: dict[str, _Person] = {}
    for row in rows:
        people.setdefault(cipher.blind_index(row.id_text), _Person([])).rows.append(row)
    stmt = select(Participant).where(
        Participant.case_id == case_id, Participant.id_blind_index.in_(list(people))
    )
    for existing in db.scalars(stmt):
        people[existing.id_blind_index].existing = existing
    problems = [problem for person in people.values() for problem in _disagreements(person)]
    return people, problems


def _disagreements(person: _Person) -> list[FieldProblem]:
    """Rows of one ID number that name a different person, role or account than the first."""
    problems = []
    known = person.existing
    for name, label in (("name", "姓名"), ("role", "人员类别"), ("bank_account", "银行账号")):
        settled = getattr(known, name) if known else None
        where = f"已登记的第 {known.number} 号参与人" if known and settled else None
        for row in person.rows:
            value = getattr(row, name)
            if not value:
                continue
            if settled is None:
                settled, where = value, f"第 {row.number} 行"
            elif value != settled:
                problems.append(FieldProblem(
                    COLUMNS[name][0], f"身份证号码与{where}相同，但{label}不同（“{settled}”／“{value}”）："
                    "请核对是否为同一人", row.number,
                ))  # fmt: skip
    return problems


def _paid_beyond(person: _Person) -> FieldProblem | None:
    """A new return that would leave an already paid participant owed less than they got."""
    known = person.existing
    if known is None or not known.paid_fen:
        return None
    contributed = known.contributed_fen + sum(
        r.amount_fen for r in person.rows if r.kind == "contribution"
    )
    returned = known.returned_fen + sum(
        r.amount_fen for r in person.rows if r.kind != "contribution"
    )
    if max(0, contributed - returned) >= known.paid_fen:
        return None
    return FieldProblem(
        COLUMNS["amount"][0],
        f"第 {known.number} 号参与人已兑付 {fen_to_yuan(known.paid_fen)} 元，按本表计算的债权"
        f" {fen_to_yuan(max(0, contributed - returned))} 元少于已兑付金额：请先以调整批次处理",
        person.rows[-1].number,
    )


# --- writing ----------------------------------------------------------------------------------


def import_register(
    db: Session,
    *,
    actor: Actor,
    cipher: FieldCipher,
    case_id: int,
    path: Path,
    filename: str | None = None,
) -> RegisterImport:
    """Add the file's participants and lines to the case's register, or nothing at all."""
    case = case_for(db, actor=actor, case_id=case_id, action="refund.register")
    filename = filename or path.name
    sha256 = file_sha256(path)
    kind = f"refund_register/{case.number}"
    earlier = db.scalar(
        select(ImportBatch).where(ImportBatch.kind == kind, ImportBatch.sha256 == sha256)
    )
    if earlier is not None:
        raise conflict(
            f"该文件已于 {earlier.created_at:%Y-%m-%d} 导入本案（“{earlier.filename}”），未重复导入。"
        )
    rows, problems = _read(db, path)
    people, disagreements = _group(db, cipher, case.id, rows)
    problems += disagreements
    problems += [p for person in people.values() if (p := _paid_beyond(person))]
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.field))
        raise invalid(f"参与人登记表有 {len(problems)} 处问题，未导入任何一行。", problems)
    batch = ImportBatch(
        kind=kind, filename=filename, sha256=sha256, row_count=len(rows), actor_name=actor.label
    )
    db.add(batch)
    db.flush()
    result = RegisterImport(batch.id, len(rows), 0, 0)
    next_number = (
        db.scalar(select(func.max(Participant.number)).where(Participant.case_id == case.id)) or 0
    ) + 1
    landed = []
    for index, person in people.items():
        target = person.existing
        if target is None:
            target = _new_participant(case, cipher, index, person.rows, next_number, batch.id)
            db.add(target)
            next_number += 1
            result.new_participants += 1
        else:
            _fill_blanks(target, person.rows)
            result.existing_participants += 1
        landed.append((target, person.rows))
    db.flush()
    for target, person_rows in landed:
        _add_lines(db, target, person_rows, batch.id)
        _note(result, target, person_rows)
    audit.record(
        db, actor=actor, action="refund.import", object_type="case", object_id=case.number,
        detail={"file": filename, "sha256": sha256, "rows": len(rows), "new": result.new_participants,
                "existing": result.existing_participants, "invalid_ids": len(result.flagged),
                "case_figures": figures.sync_case(db, case)},
    )  # fmt: skip
    return result


def _new_participant(
    case: Case, cipher: FieldCipher, index: str, rows: list[_Row], number: int, batch_id: int
) -> Participant:
    first = rows[0]
    pick = {name: next((getattr(r, name) for r in rows if getattr(r, name)), None)
            for name in ("phone", "bank", "bank_account", "role")}  # fmt: skip
    return Participant(
        case_id=case.id, number=number, name=first.name,
        id_number_encrypted=cipher.encrypt(first.id_text), id_blind_index=index,
        id_number_masked=mask_id_number(first.id_text),
        id_status="valid" if first.id_valid else "invalid", id_problem=first.id_problem,
        phone=pick["phone"], bank=pick["bank"], bank_account=pick["bank_account"],
        role=pick["role"] or DEFAULT_ROLE, status="registered",
        contributed_fen=0, returned_fen=0, paid_fen=0, import_batch_id=batch_id,
    )  # fmt: skip


def _fill_blanks(target: Participant, rows: list[_Row]) -> None:
    for name in ("phone", "bank", "bank_account"):
        if getattr(target, name) is None:
            setattr(target, name, next((getattr(r, name) for r in rows if getattr(r, name)), None))


def _add_lines(db: Session, target: Participant, rows: list[_Row], batch_id: int) -> None:
    db.add_all(
        ParticipantLine(
            participant_id=target.id, kind=row.kind, on_date=row.on_date, amount_fen=row.amount_fen,
            reference=row.reference, import_batch_id=batch_id, source_row=row.number,
        )
        for row in rows
    )  # fmt: skip
    target.contributed_fen += sum(r.amount_fen for r in rows if r.kind == "contribution")
    target.returned_fen += sum(r.amount_fen for r in rows if r.kind != "contribution")


def _note(result: RegisterImport, target: Participant, rows: list[_Row]) -> None:
    who = f"第 {target.number} 号参与人 {target.name}"
    if target.id_status != "valid":
        result.flagged.append(
            FieldProblem("身份证号码", f"{who}：{target.id_problem}，暂不能核实", rows[0].number)
        )
    if len(rows) > 1:
        lines = "、".join(str(r.number) for r in rows)
        result.notes.append(f"{who}：第 {lines} 行身份证号码相同，合并为一人，各行明细均保留")
    if target.returned_fen > target.contributed_fen:
        excess = fen_to_yuan(target.returned_fen - target.contributed_fen, grouped=True)
        result.notes.append(f"{who}：已收回报超过出资 {excess} 元，债权计为 0 元")
