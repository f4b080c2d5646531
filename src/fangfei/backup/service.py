"""Backups as backend-neutral logical archives, and their verified restore.

An archive (tar.gz) holds one JSON Lines file per table, the stored files, and ``manifest.json``
with the sha256 of every member, the row counts, the audit chain head and the fingerprint of the
encryption key the data was written with. Being logical, a backup taken from SQLite restores into
PostgreSQL and the other way round. Keys are never part of an archive.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Connection, Engine, Table, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from fangfei import __version__
from fangfei import models as _models  # noqa: F401  (registers every table on the metadata)
from fangfei.audit import service as audit
from fangfei.db import Base, utcnow
from fangfei.errors import FangfeiError
from fangfei.migrate import alembic_config

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLES_DIR, FILES_DIR = "tables", "files"
CHUNK = 1000
# What `fangfei db upgrade` writes into a new database; a restore may replace exactly this.
SEED_TABLES = frozenset({"ref_items", "departments", "lpr_rates", "audit_events", "audit_head"})
SEED_AUDIT_ACTION = "reference.sync"


@dataclass(frozen=True)
class Manifest:
    """The table of contents of an archive; ``members`` maps each member to its sha256."""

    format_version: int
    fangfei_version: str
    alembic_revision: str | None
    created_at: str
    source_dialect: str
    tables: dict[str, int]
    files: int
    members: dict[str, str]
    audit_chain_ok: bool
    audit_checked: int
    audit_head_hash: str
    key_fingerprint: str

    def to_json(self) -> bytes:
        """The manifest as stored in the archive."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        """Parse a stored manifest, refusing one that is not a fangfei manifest."""
        try:
            return cls(**json.loads(raw))
        except (ValueError, TypeError) as exc:
            raise _not_an_archive("清单 manifest.json 无法解析") from exc


@dataclass(frozen=True)
class RestoreReport:
    """What a restore wrote and the verification it passed."""

    manifest: Manifest
    tables: dict[str, int]
    files: int
    audit_checked: int
    audit_head_hash: str
    replaced_seed_rows: int


def _error(code: str, message: str) -> FangfeiError:
    return FangfeiError(code, message, 400)


def _cause(exc: SQLAlchemyError) -> object:
    """The driver's own message when there is one (without the SQL and parameters)."""
    return getattr(exc, "orig", None) or exc


def _not_an_archive(reason: str) -> FangfeiError:
    return _error("backup_invalid", f"这不是有效的 fangfei 备份文件：{reason}。")


def head_revision() -> str | None:
    """The newest schema revision this version of fangfei knows."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


_PARSERS: dict[type, Callable[[Any], Any]] = {
    datetime: datetime.fromisoformat, date: date.fromisoformat, Decimal: Decimal,
    bytes: base64.b64decode,
}  # fmt: skip


def _decoder(column: Column[Any]) -> Callable[[Any], Any]:
    """Turn a JSON value back into what the column takes, by the column's Python type."""
    kind = column.type.impl_instance if isinstance(column.type, TypeDecorator) else column.type
    try:
        convert = _PARSERS.get(kind.python_type)
    except NotImplementedError:  # types without a Python type are stored as they are
        convert = None
    return lambda value: value if value is None or convert is None else convert(value)


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One read transaction over the whole database, so that every table agrees."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        # SQLite: fangfei's engine issues an explicit BEGIN; WAL readers then see one snapshot.
        with conn.begin():
            yield conn


def _dump_table(conn: Connection, table: Table, path: Path) -> tuple[int, str]:
    """Write one table as JSON Lines in primary-key order; its row count and sha256."""
    digest, rows = hashlib.sha256(), 0
    names = [column.name for column in table.columns]
    stmt = select(table).order_by(*(table.primary_key.columns or table.columns))
    with path.open("wb") as out:
        for row in conn.execute(stmt, execution_options={"yield_per": CHUNK}):
            record = dict(zip(names, map(_encode, row), strict=True))
            line = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
            out.write(line)
            digest.update(line)
            rows += 1
    return rows, digest.hexdigest()


def _dump_database(engine: Engine, stage: Path, fingerprint: str) -> Manifest:
    """Stage every table from one snapshot; the manifest so far (files still to come)."""
    (stage / TABLES_DIR).mkdir()
    tables, members = {}, {}
    with _snapshot(engine) as conn:
        revision = conn.scalar(text("SELECT version_num FROM alembic_version"))
        for table in _tables():
            member = f"{TABLES_DIR}/{table.name}.jsonl"
            tables[table.name], members[member] = _dump_table(conn, table, stage / member)
        with Session(bind=conn) as session:
            chain = audit.verify(session)
    return Manifest(
        format_version=FORMAT_VERSION, fangfei_version=__version__, alembic_revision=revision,
        created_at=utcnow().isoformat(), source_dialect=engine.dialect.name, tables=tables,
        files=0, members=members, audit_chain_ok=chain.ok, audit_checked=chain.checked,
        audit_head_hash=chain.head_hash, key_fingerprint=fingerprint,
    )  # fmt: skip


class _HashingReader:
    """A file wrapper that hashes what tarfile reads from it."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> str:
    """Add one file to the archive and return the sha256 of exactly the bytes added."""
    info = tar.gettarinfo(str(path), arcname)
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
    return reader.digest.hexdigest()


def _stored_files(files_dir: Path) -> list[Path]:
    return sorted(p for p in files_dir.rglob("*") if p.is_file() and not p.is_symlink())


def write_backup(
    engine: Engine, *, home: Path, files_dir: Path, out: Path, cipher_fingerprint: str
) -> Manifest:
    """Write the database (one consistent snapshot) and the stored files to a tar.gz at ``out``."""
    home.mkdir(parents=True, exist_ok=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    with tempfile.TemporaryDirectory(dir=home, prefix="backup-") as staging:
        try:
            manifest = _dump_database(engine, Path(staging), cipher_fingerprint)
        except SQLAlchemyError as exc:
            hint = "（是否已运行 `fangfei db upgrade`？）"
            raise _error("backup_failed", f"读取数据库失败{hint}：{_cause(exc)}") from exc
        try:
            manifest = _write_archive(partial, Path(staging), manifest, files_dir)
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _write_archive(path: Path, stage: Path, manifest: Manifest, files_dir: Path) -> Manifest:
    """The staged tables, then the stored files, then the manifest listing them all."""
    files, members = _stored_files(files_dir), dict(manifest.members)
    with tarfile.open(path, "w:gz") as tar:
        for member in manifest.members:
            tar.add(str(stage / member), arcname=member)
        for stored in files:
            arcname = f"{FILES_DIR}/{stored.relative_to(files_dir).as_posix()}"
            members[arcname] = _add_file(tar, stored, arcname)
        manifest = replace(manifest, files=len(files), members=members)
        raw = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(raw), int(utcnow().timestamp()), 0o600
        tar.addfile(info, io.BytesIO(raw))
    return manifest


def _corrupt(reason: str) -> FangfeiError:
    message = f"备份文件已损坏或被改动：{reason}。已拒绝恢复，数据库未做改动。"
    return _error("backup_corrupt", message)


def _member_path(stage: Path, member: tarfile.TarInfo) -> Path:
    """Where a member is staged; refuses links, absolute paths and anything outside the layout."""
    parts = PurePosixPath(member.name).parts
    unsafe = len(parts) < 2 or any(part in ("", ".", "..") for part in parts)
    if unsafe or not member.isfile() or parts[0] not in (TABLES_DIR, FILES_DIR):
        raise _not_an_archive(f"含有不允许的成员 {member.name}")
    return stage.joinpath(*parts)


def _stage_member(tar: tarfile.TarFile, member: tarfile.TarInfo, stage: Path) -> str:
    """Copy one member to the staging directory and return its sha256."""
    target = _member_path(stage, member)
    source = tar.extractfile(member)
    if source is None or target.exists():
        raise _not_an_archive(f"成员 {member.name} 无法读取或重复出现")
    target.parent.mkdir(parents=True, exist_ok=True)
    reader = _HashingReader(source)
    with target.open("wb") as out:
        shutil.copyfileobj(reader, out, 1 << 20)
    return reader.digest.hexdigest()


def _read_members(tar: tarfile.TarFile, stage: Path) -> tuple[bytes | None, dict[str, str]]:
    """The manifest's bytes, and every other member staged with its sha256."""
    raw, digests = None, {}
    for member in tar:
        if member.name == MANIFEST and member.isfile():
            handle = tar.extractfile(member)
            raw = handle.read() if handle else None
        else:
            digests[member.name] = _stage_member(tar, member, stage)
    return raw, digests


def _unpack(archive: Path, stage: Path) -> Manifest:
    """Stage every member of the archive and check each against the manifest's sha256."""
    if not archive.is_file():
        raise _error("backup_missing", f"找不到备份文件 {archive}。")
    try:
        with tarfile.open(archive, "r:*") as tar:
            raw, digests = _read_members(tar, stage)
    except tarfile.ReadError as exc:
        raise _not_an_archive("无法作为 tar.gz 归档读取") from exc
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise _corrupt(f"归档无法完整读出（{exc}）") from exc
    if raw is None:
        raise _not_an_archive("缺少清单 manifest.json")
    manifest = Manifest.from_json(raw)
    _check_members(manifest, digests)
    return manifest


def _check_members(manifest: Manifest, digests: dict[str, str]) -> None:
    missing = sorted(set(manifest.members) - set(digests))
    if missing:
        raise _corrupt(f"缺少清单中登记的成员 {missing[0]}")
    extra = sorted(set(digests) - set(manifest.members))
    if extra:
        raise _corrupt(f"含有清单中没有登记的成员 {extra[0]}")
    for name in sorted(digests):
        if digests[name] != manifest.members[name]:
            raise _corrupt(f"成员 {name} 的 sha256 与清单不符")


def _check_compatible(manifest: Manifest, cipher_fingerprint: str) -> None:
    """Refuse an archive of another format, schema revision or encryption key."""
    if manifest.format_version != FORMAT_VERSION:
        raise _not_an_archive(f"备份格式版本 {manifest.format_version} 不受支持")
    if manifest.key_fingerprint != cipher_fingerprint:
        raise _error(
            "backup_wrong_key",
            f"该备份是用另一把加密密钥制作的（密钥指纹 {manifest.key_fingerprint}，本安装为 "
            f"{cipher_fingerprint}）：恢复后身份证号码将无法解密。请先把制作备份时的 keys/ 目录"
            "放回本安装，再恢复。",
        )
    head = head_revision()
    if manifest.alembic_revision != head:
        raise _error(
            "backup_wrong_revision",
            f"备份的数据库结构版本为 {manifest.alembic_revision}，本程序为 {head}："
            f"请使用制作备份时的 fangfei 版本（{manifest.fangfei_version}）恢复。",
        )
    expected = {table.name for table in _tables()}
    if set(manifest.tables) != expected:
        raise _not_an_archive("备份中的数据表与本程序的数据表不一致")


_TABLE_LABELS = {"users": "用户", "entities": "主体", "jurisdictions": "辖区", "bank_accounts": "银行账户"}  # fmt: skip


def _migrate(conn: Connection) -> None:
    """Create or upgrade the schema inside the restore transaction (no reference sync)."""
    config = alembic_config(conn.engine.url.render_as_string(hide_password=False))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")


def _count(conn: Connection, table: Table) -> int:
    return conn.scalar(select(func.count()).select_from(table)) or 0


@contextmanager
def _audit_log_unlocked(conn: Connection) -> Iterator[None]:
    """Lift the append-only triggers for the seed rows of a fresh database.

    Both databases run DDL inside the transaction, so a failed restore brings the triggers back
    with the rollback; no ``finally`` is needed (or wanted: it would run on a dead transaction).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        yield
        conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
        return
    sql = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'"
    triggers = conn.execute(text(sql)).all()
    for name, _ in triggers:
        conn.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _, create in triggers:
        conn.execute(text(create))


def _clear_seed(conn: Connection) -> int:
    """Empty a fresh database; refuse one that holds more than `fangfei db upgrade` seeds."""
    counts = {table.name: _count(conn, table) for table in _tables()}
    busy = [
        f"{_TABLE_LABELS.get(n, n)} {c} 行" for n, c in counts.items() if c and n not in SEED_TABLES
    ]
    events = Base.metadata.tables["audit_events"]
    foreign = events.c.action != SEED_AUDIT_ACTION
    audited = conn.scalar(select(func.count()).select_from(events).where(foreign)) or 0
    if busy or audited:
        listing = "、".join(busy) or f"审计记录 {audited} 条"
        raise _error(
            "restore_target_not_empty",
            f"目标数据库已有数据（{listing}）：备份只能恢复到新建的空数据库。"
            "请新建数据库（或更换 FANGFEI_HOME）后再恢复。",
        )
    seeded = sum(counts.values())
    if seeded:
        with _audit_log_unlocked(conn):
            for table in reversed(_tables()):
                conn.execute(table.delete())
    return seeded


def _load_table(conn: Connection, table: Table, path: Path) -> None:
    decoders = {column.name: _decoder(column) for column in table.columns}
    batch: list[dict[str, Any]] = []
    with path.open("rb") as handle:
        for line in handle:
            record = json.loads(line)
            if record.keys() != decoders.keys():
                raise _not_an_archive(f"表 {table.name} 的列与本程序不一致")
            batch.append({name: decoders[name](value) for name, value in record.items()})
            if len(batch) >= CHUNK:
                conn.execute(table.insert(), batch)
                batch = []
    if batch:
        conn.execute(table.insert(), batch)


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL: move each serial sequence past the restored ids (setval ignores NULL)."""
    if conn.dialect.name != "postgresql":
        return
    quote = conn.dialect.identifier_preparer.quote
    for table in _tables():
        for column in table.primary_key.columns:
            sql = (f"SELECT setval(pg_get_serial_sequence(:t, :c), COALESCE(MAX({quote(column.name)}),"
                   f" 0) + 1, false) FROM {quote(table.name)}")  # fmt: skip
            conn.execute(text(sql), {"t": table.name, "c": column.name})


def _verify_restored(
    conn: Connection, manifest: Manifest
) -> tuple[dict[str, int], audit.ChainReport]:
    """Row counts and the audit chain must be exactly those of the archive."""
    counts = {table.name: _count(conn, table) for table in _tables()}
    for name, expected in manifest.tables.items():
        if counts[name] != expected:
            raise _error(
                "restore_mismatch",
                f"恢复后表 {name} 有 {counts[name]} 行，备份清单记载 {expected} 行：已撤销恢复。",
            )
    with Session(bind=conn) as session:
        chain = audit.verify(session)
    found = (chain.ok, chain.checked, chain.head_hash)
    if found != (manifest.audit_chain_ok, manifest.audit_checked, manifest.audit_head_hash):
        raise _error(
            "restore_mismatch",
            f"恢复后的审计链（{chain.reason}，链头 {chain.head_hash}）与备份清单（链头 "
            f"{manifest.audit_head_hash}）不符：已撤销恢复。",
        )
    return counts, chain


def _restore_database(engine: Engine, stage: Path, manifest: Manifest) -> RestoreReport:
    """Schema, seed removal, every table, sequences and verification: one transaction."""
    try:
        with engine.begin() as conn:
            _migrate(conn)
            replaced = _clear_seed(conn)
            for table in _tables():
                _load_table(conn, table, stage / TABLES_DIR / f"{table.name}.jsonl")
            _reset_sequences(conn)
            counts, chain = _verify_restored(conn, manifest)
    except SQLAlchemyError as exc:
        raise _error("restore_failed", f"写入数据库失败，已撤销恢复：{_cause(exc)}") from exc
    return RestoreReport(manifest, counts, manifest.files, chain.checked, chain.head_hash, replaced)


def _ensure_no_files(files_dir: Path) -> None:
    if files_dir.is_dir() and any(files_dir.iterdir()):
        message = (
            f"文件目录 {files_dir} 不是空的：备份只能恢复到新的安装。请更换 FANGFEI_HOME 后再恢复。"
        )
        raise _error("restore_target_not_empty", message)


def _place_files(source: Path, files_dir: Path) -> None:
    if not source.is_dir():
        return
    if files_dir.is_dir():
        files_dir.rmdir()
    files_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(source), str(files_dir))


def restore_backup(
    engine: Engine, *, archive: Path, files_dir: Path, cipher_fingerprint: str
) -> RestoreReport:
    """Restore an archive into a new installation; all of it is verified, or nothing is kept."""
    _ensure_no_files(files_dir)
    files_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=files_dir.parent, prefix="restore-") as staging:
        stage = Path(staging)
        manifest = _unpack(archive, stage)
        _check_compatible(manifest, cipher_fingerprint)
        report = _restore_database(engine, stage, manifest)
        _place_files(stage / FILES_DIR, files_dir)
    return report
