"""企业名录导入 — importing an enterprise registry from xlsx or CSV: every row lands, or none does.

The file is read once, row by row, and every row is checked before anything is written; if any
row is rejected the whole import is refused with the full list of problems. Rows whose USCC is
invalid or missing are not rejected: they land flagged (``key_status``) and are reported back.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fangfei.audit import service as audit
from fangfei.auth import policy
from fangfei.auth.roles import Actor, Role
from fangfei.db import utcnow
from fangfei.entities.identifiers import KeyCheck, check_uscc
from fangfei.entities.models import Enterprise, Entity, ImportBatch
from fangfei.errors import FangfeiError, FieldProblem, conflict, invalid
from fangfei.reference import service as reference
from fangfei.screening import supervision
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

KIND = "enterprise_registry"
INSERT_CHUNK = 5000
_LOOKUP_CHUNK = 500
_PROGRESS_EVERY = 1000
_USCC_MAX = 32  # the width of enterprises.uscc

# Core tables: a million rows go in faster without the ORM's per-row bookkeeping.
_ENTITIES = Entity.metadata.tables[Entity.__tablename__]
_ENTERPRISES = Enterprise.metadata.tables[Enterprise.__tablename__]

T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    """One column of the registry: its field, its Chinese header, and its limits."""

    field: str
    label: str
    required: bool = False
    max_length: int | None = None


COLUMNS = (
    Column("name", "企业名称", required=True, max_length=200),
    Column("uscc", "统一社会信用代码", required=True),
    Column("township", "所属乡镇", required=True),
    Column("legal_representative", "法定代表人", max_length=100),
    Column("actual_controller", "实际控制人", max_length=100),
    Column("address", "注册地址", max_length=300),
    Column("business_scope", "经营范围"),
    Column("licence_type", "持牌金融业务类型"),
    Column("registration_date", "成立日期"),
    Column("business_status", "登记状态"),
)
_BY_HEADER = {c.label: c for c in COLUMNS} | {c.field: c for c in COLUMNS}


@dataclass
class ImportResult:
    """What an import wrote: its batch, how many enterprises, which rows lack a valid USCC."""

    batch_id: int
    imported: int
    flagged: list[FieldProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    supervised: int = 0  # enterprises the screening of the import put on the key-supervision list


class _Row(NamedTuple):
    """One checked row, in the column order of the two tables it goes into."""

    name: str
    jurisdiction_id: int
    uscc: str | None
    key_status: str
    key_problem: str | None
    legal_representative: str | None
    actual_controller: str | None
    address: str | None
    business_scope: str | None
    licence_type: str
    registration_date: date | None
    business_status: str | None


_ENTITY_FIELDS = ("name", "jurisdiction_id", "address", "key_status", "key_problem")
_ENTERPRISE_FIELDS = tuple(f for f in _Row._fields if f not in _ENTITY_FIELDS)


def _no_data() -> FangfeiError:
    return invalid("文件中没有数据行：请在第 1 行的表头下方逐行填写企业，再重新导入。")


# --- the header -------------------------------------------------------------------------------


@dataclass
class _Header:
    """Where each known column sits, and how the file spells its header."""

    positions: dict[str, int]
    labels: dict[str, str]
    ignored: list[str]

    def pick(self, cells: Cells) -> dict[str, object]:
        """The raw value of each known column in one row."""
        size = len(cells)
        return {f: cells[i] if i < size else None for f, i in self.positions.items()}


def _parse_header(cells: Cells) -> _Header:
    header = _Header({}, {}, [])
    duplicated: list[str] = []
    for index, cell in enumerate(cells):
        label = cell_text(cell).lstrip("\ufeff").strip()
        column = _BY_HEADER.get(label) or _BY_HEADER.get(label.lower())
        if column is None:
            if label:
                header.ignored.append(label)
        elif column.field in header.positions:
            duplicated.append(label)
        else:
            header.positions[column.field] = index
            header.labels[column.field] = label
    missing = [c.label for c in COLUMNS if c.required and c.field not in header.positions]
    if missing or duplicated:
        raise _header_error(cells, missing, duplicated)
    return header


def _header_error(cells: Cells, missing: list[str], duplicated: list[str]) -> FangfeiError:
    found = "、".join(t for t in (cell_text(c) for c in cells) if t) or "（无）"
    problems = [FieldProblem(label, "缺少必填列", 1) for label in missing]
    problems += [FieldProblem(label, "与前面的列重复", 1) for label in duplicated]
    what = f"缺少必填列：{'、'.join(missing)}" if missing else f"列重复：{'、'.join(duplicated)}"
    return invalid(f"第 1 行表头{what}。文件中的列：{found}。", problems)


def _read_header(rows: Iterator[Cells]) -> _Header:
    first = next(rows, None)
    if first is None:
        raise _no_data()
    if is_blank(first) and all(is_blank(row) for row in rows):
        raise _no_data()
    return _parse_header(first)


# --- checking cells ---------------------------------------------------------------------------


def _text_parser(column: Column) -> Callable[[object], str | None]:
    def parse(raw: object) -> str | None:
        value = cell_text(raw)
        if column.required and not value:
            raise CellRejected("不能为空")
        if column.max_length and len(value) > column.max_length:
            raise CellRejected(f"超过 {column.max_length} 个字符（现有 {len(value)} 个）")
        return value or None

    return parse


_TEXT = {c.field: _text_parser(c) for c in COLUMNS if c.max_length or c.field == "business_scope"}


@dataclass
class _Choices:
    """An enumeration from the reference data, matched by code or by Chinese name."""

    label: str
    codes: dict[str, str]
    default: str | None

    def parse(self, raw: object) -> str | None:
        """The code for a cell value; the default when empty."""
        value = cell_text(raw)
        if not value:
            return self.default
        code = self.codes.get(value) or self.codes.get(value.lower())
        if code is None:
            raise CellRejected(f"未知的{self.label}“{value}”：请填写基础数据中的代码或名称")
        return code


def _choices(db: Session, kind: str, label: str, default: str | None) -> _Choices:
    codes: dict[str, str] = {}
    for item in reference.items(db, kind):
        codes.setdefault(item.name, item.code)
        codes[item.code] = codes[item.code.lower()] = item.code
    return _Choices(label, codes, default)


@dataclass
class _Places:
    """Jurisdictions by code and by name; only those in the actor's subtree are usable."""

    usable: dict[str, int]
    ambiguous: set[str]
    outside: set[str]

    def parse(self, raw: object) -> int:
        """The jurisdiction id for a cell value."""
        value = cell_text(raw)
        if not value:
            raise CellRejected("不能为空")
        if value in self.usable:
            return self.usable[value]
        if value in self.ambiguous:
            raise CellRejected(f"“{value}”对应多个辖区：请改填辖区代码")
        if value in self.outside:
            raise CellRejected(f"“{value}”不在您的管辖范围内")
        raise CellRejected(f"未知的乡镇“{value}”：请填写系统中已有的辖区名称或代码")


def _places(db: Session, actor: Actor) -> _Places:
    places = _Places({}, set(), set())
    named: dict[str, set[int]] = {}
    for place in reference.jurisdictions(db):
        if not place.active:
            continue
        in_scope = actor.role is Role.SYSTEM or bool(
            actor.jurisdiction_path and place.path.startswith(actor.jurisdiction_path)
        )
        if not in_scope:
            places.outside.update((place.code, place.name))
            continue
        places.usable[place.code] = place.id
        named.setdefault(place.name, set()).add(place.id)
    for name, ids in named.items():
        if len(ids) > 1:
            places.ambiguous.add(name)
        else:
            places.usable.setdefault(name, next(iter(ids)))
    places.outside -= places.usable.keys() | places.ambiguous
    return places


# --- checking rows ----------------------------------------------------------------------------


class _Spool(AbstractContextManager["_Spool"]):
    """Checked rows parked in a temporary file in chunks, so a million rows stay out of memory."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by __exit__
        self.buffer: list[_Row] = []
        self.count = self.chunk_count = 0

    def append(self, row: _Row) -> None:
        """Keep one row for writing."""
        self.buffer.append(row)
        self.count += 1
        if len(self.buffer) >= INSERT_CHUNK:
            self._dump()

    def _dump(self) -> None:
        if self.buffer:
            pickle.dump(self.buffer, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.buffer, self.chunk_count = [], self.chunk_count + 1

    def chunks(self) -> Iterator[list[_Row]]:
        """The kept rows, in file order, a chunk at a time."""
        self._dump()
        self.file.seek(0)
        for _ in range(self.chunk_count):
            yield pickle.load(self.file)  # our own temporary file, written just above

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.file.close()


class _Checker:
    """Checks rows one by one, collecting every problem and keeping the rows fit to insert."""

    def __init__(self, header: _Header, lookups: _Lookups, spool: _Spool) -> None:
        self.header, self.lookups, self.rows = header, lookups, spool
        self.problems: list[FieldProblem] = []
        self.flagged: list[FieldProblem] = []
        self.first_row_of: dict[str, int] = {}  # USCC → the row it first appeared on
        self.blank_rows = 0

    def _label(self, name: str) -> str:
        return self.header.labels.get(name) or _BY_HEADER[name].label

    def _check(
        self,
        number: int,
        raw: dict[str, object],
        name: str,
        parse: Callable[[object], T],
        default: T,
    ) -> T:
        try:
            return parse(raw.get(name))
        except CellRejected as exc:
            self.problems.append(FieldProblem(self._label(name), exc.reason, number))
            return default

    def _key(self, number: int, raw: object) -> KeyCheck:
        key = check_uscc(cell_text(raw))
        if key.value and len(key.value) > _USCC_MAX:
            key = KeyCheck(None, "invalid", f"{key.problem}（原值过长，未保存）")
        if key.value:
            first = self.first_row_of.setdefault(key.value, number)
            if first != number:
                reason = f"与第 {first} 行重复：{key.value}"
                self.problems.append(FieldProblem(self._label("uscc"), reason, number))
        if key.status != "valid":
            reason = f"{key.problem}：{key.value}" if key.value else (key.problem or key.status)
            self.flagged.append(FieldProblem(self._label("uscc"), reason, number))
        return key

    def feed(self, number: int, cells: Cells) -> None:
        """Check one spreadsheet row (``number`` counts the header as row 1)."""
        if is_blank(cells):
            self.blank_rows += 1
            return
        raw = self.header.pick(cells)
        text = {name: self._check(number, raw, name, parse, None) for name, parse in _TEXT.items()}
        place = self._check(number, raw, "township", self.lookups.places.parse, 0)
        key = self._key(number, raw.get("uscc"))
        licence = self._check(number, raw, "licence_type", self.lookups.licences.parse, None)
        status = self._check(number, raw, "business_status", self.lookups.statuses.parse, None)
        founded = self._check(number, raw, "registration_date", parse_date, None)
        if self.problems:
            return  # the import is refused anyway: stop holding rows
        self.rows.append(
            _Row(
                name=text["name"] or "",
                jurisdiction_id=place,
                uscc=key.value,
                key_status=key.status,
                key_problem=key.problem,
                legal_representative=text["legal_representative"],
                actual_controller=text["actual_controller"],
                address=text["address"],
                business_scope=text["business_scope"],
                licence_type=licence or "none",
                registration_date=founded,
                business_status=status,
            )
        )

    def check_registered(self, db: Session) -> None:
        """Reject rows whose USCC is already in the database."""
        for uscc in sorted(_registered(db, self.first_row_of), key=self.first_row_of.__getitem__):
            reason = f"已登记：{uscc} 已在系统中，请从文件中删去此行"
            self.problems.append(FieldProblem(self._label("uscc"), reason, self.first_row_of[uscc]))


def _registered(db: Session, usccs: Iterable[str]) -> set[str]:
    wanted = list(usccs)
    found: set[str] = set()
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        chunk = wanted[start : start + _LOOKUP_CHUNK]
        found.update(
            u
            for u in db.scalars(select(Enterprise.uscc).where(Enterprise.uscc.in_(chunk)))
            if u is not None
        )
    return found


@dataclass
class _Lookups:
    """The reference data a row is checked against."""

    places: _Places
    licences: _Choices
    statuses: _Choices


def _lookups(db: Session, actor: Actor) -> _Lookups:
    return _Lookups(
        _places(db, actor),
        _choices(db, "licence_type", "持牌金融业务类型", "none"),
        _choices(db, "enterprise_status", "登记状态", None),
    )


def _check_file(
    path: Path, kind: str, lookups: _Lookups, spool: _Spool, progress: Callable[[int], None] | None
) -> _Checker:
    with open_rows(path, kind) as rows:
        checker = _Checker(_read_header(rows), lookups, spool)
        read = 0
        for read, cells in enumerate(rows, start=1):
            checker.feed(read + 1, cells)  # the header is row 1
            if progress and read % _PROGRESS_EVERY == 0:
                progress(read)
    if progress:
        progress(read)
    return checker


# --- writing ----------------------------------------------------------------------------------


def _insert(db: Session, chunks: Iterable[list[_Row]], batch_id: int) -> None:
    """Insert chunk by chunk: the entity rows first, then their enterprise details by id."""
    now = utcnow()
    base = {"kind": "enterprise", "import_batch_id": batch_id, "created_at": now, "updated_at": now}
    for chunk in chunks:
        values = [row._asdict() for row in chunk]
        entities = [base | {f: v[f] for f in _ENTITY_FIELDS} for v in values]
        ids = db.scalars(
            insert(_ENTITIES).returning(_ENTITIES.c.id, sort_by_parameter_order=True), entities
        ).all()
        details = [
            {"id": entity_id} | {f: v[f] for f in _ENTERPRISE_FIELDS}
            for entity_id, v in zip(ids, values, strict=True)
        ]
        db.execute(insert(_ENTERPRISES), details)


def _notes(kind: str, checker: _Checker) -> list[str]:
    notes = []
    if kind == "gb18030":
        notes.append("文件按 GBK（GB18030）编码读取")
    if checker.header.ignored:
        notes.append(f"已忽略无法识别的列：{'、'.join(checker.header.ignored)}")
    if checker.blank_rows:
        notes.append(f"跳过 {checker.blank_rows} 个空行")
    return notes


def _refuse(problems: list[FieldProblem]) -> FangfeiError:
    problems.sort(key=lambda p: p.row or 0)
    rows = len({p.row for p in problems})
    return invalid(
        f"文件中有 {len(problems)} 处问题（涉及 {rows} 行），未导入任何数据。"
        "请逐条修改后重新导入。",
        problems,
    )


def import_registry(
    db: Session, *, actor: Actor, path: Path, progress: Callable[[int], None] | None = None
) -> ImportResult:
    """Check a whole registry file, then insert every row in one batch, or refuse it all."""
    policy.ensure(db, actor, "entity.import")
    if not path.is_file():
        raise invalid(f"找不到文件：{path}", [FieldProblem("文件", "不存在或不是文件")])
    if path.stat().st_size == 0:
        raise _no_data()
    kind = detect_format(path)
    lookups = _lookups(db, actor)
    with _Spool() as spool:
        checker = _check_file(path, kind, lookups, spool, progress)
        checker.check_registered(db)
        if checker.problems:
            raise _refuse(checker.problems)
        if not spool.count:
            raise _no_data()
        return _write(db, actor=actor, path=path, checker=checker, kind=kind)


def _write(db: Session, *, actor: Actor, path: Path, checker: _Checker, kind: str) -> ImportResult:
    sha256 = file_sha256(path)
    batch = ImportBatch(
        kind=KIND,
        filename=path.name[:255],
        sha256=sha256,
        row_count=checker.rows.count,
        actor_name=actor.label,
    )
    db.add(batch)
    db.flush()
    try:
        _insert(db, checker.rows.chunks(), batch.id)
    except IntegrityError as exc:
        # Another clerk registered one of these USCCs between our check and our insert.
        raise conflict(
            "导入期间有其他用户登记了文件中的统一社会信用代码，未导入任何数据。请重新导入。"
        ) from exc
    run = supervision.screen_batch(db, actor=actor, batch_id=batch.id, input_name=batch.filename,
                                   input_sha256=sha256)  # fmt: skip
    detail: dict[str, Any] = {
        "filename": batch.filename,
        "sha256": sha256,
        "rows": batch.row_count,
        "flagged": len(checker.flagged),
        "screening_run": run.id,
        "supervised": run.flagged,
    }
    audit.record(
        db,
        actor=actor,
        action="entity.import",
        object_type="import_batch",
        object_id=batch.id,
        detail=detail,
    )
    return ImportResult(batch.id, batch.row_count, checker.flagged, _notes(kind, checker),
                        run.flagged)  # fmt: skip
