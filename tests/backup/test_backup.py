"""Backup and restore across SQLite and PostgreSQL, and every refusal before anything is written."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import DBAPIError
from stdnum.cn import ric
from typer.testing import CliRunner

from fangfei.audit import service as audit
from fangfei.auth.models import User
from fangfei.auth.roles import system_actor
from fangfei.backup.service import Manifest, restore_backup, write_backup
from fangfei.cli import app
from fangfei.config import get_settings
from fangfei.db import Base, make_engine, make_sessionmaker, unit_of_work
from fangfei.entities import service as entities
from fangfei.entities.models import Person
from fangfei.entities.schemas import BankAccountCreate, EnterpriseCreate, PersonCreate
from fangfei.errors import FangfeiError
from fangfei.migrate import upgrade
from fangfei.security.crypto import FieldCipher
from tests.conftest import fresh_database
from tests.county import BANK, build_county

ACTOR = system_actor("backup-test")
CIPHER = FieldCipher(bytes(range(32)))
KINDS = ["sqlite", "postgresql"]
PAIRS = [(s, t) for s in KINDS for t in KINDS]
PAIR_IDS = [f"{s}-to-{t}" for s, t in PAIRS]
ID_NUMBER = "330122198001011235"
STORED = {"cases/2026/证据清单.txt": "借款合同三份".encode(), "blobs/scan.bin": bytes(range(256))}


@dataclass
class Source:
    """A populated installation and one backup of it."""

    engine: Engine
    files_dir: Path
    archive: Path
    manifest: Manifest


def _populate(engine: Engine, files_dir: Path) -> None:
    with unit_of_work(make_sessionmaker(engine)) as db:
        county = build_county(db)
        for n, uscc in enumerate(["91330122MA2B7Q8L0N", "91330122MA2B7Q8L0X", None]):
            entities.create_enterprise(
                db,
                actor=ACTOR,
                data=EnterpriseCreate(
                    name=f"示范{n}号投资管理有限公司",
                    uscc=uscc,
                    jurisdiction_id=county.east.id,
                    business_scope="投资管理；资产管理",
                    registration_date=date(2019, 5, n + 1),
                ),
            )
        person = entities.create_person(
            db,
            actor=ACTOR,
            cipher=CIPHER,
            data=PersonCreate(
                name="张三",
                id_number=ID_NUMBER,
                jurisdiction_id=county.west.id,
                phone="13800000000",
            ),
        )
        entities.create_account(
            db,
            actor=ACTOR,
            data=BankAccountCreate(
                bank=BANK,
                account_number="6230000011112222",
                holder_name="张三",
                holder_entity_id=person.id,
            ),
        )
    for name, data in STORED.items():
        (files_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (files_dir / name).write_bytes(data)


@pytest.fixture(scope="module")
def source(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Source]:
    """A small county on the requested backend, backed up once for the whole module."""
    home = tmp_path_factory.mktemp(f"source-{request.param}")
    engine = make_engine(fresh_database(request.param, home, request, "backup_source"))
    upgrade(engine, actor=ACTOR)
    _populate(engine, home / "files")
    archive = home / "backups" / "source.tar.gz"
    manifest = write_backup(
        engine,
        home=home,
        files_dir=home / "files",
        out=archive,
        cipher_fingerprint=CIPHER.fingerprint,
    )
    yield Source(engine, home / "files", archive, manifest)
    engine.dispose()


@pytest.fixture
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], Engine]]:
    """Makes a brand-new, empty database of a kind (disposed after the test)."""
    made: list[Engine] = []

    def make(kind: str) -> Engine:
        made.append(
            make_engine(fresh_database(kind, tmp_path, request, f"backup_target_{len(made)}"))
        )
        return made[-1]

    yield make
    for engine in made:
        engine.dispose()


def _rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in Base.metadata.sorted_tables
        }


def _restore(source: Source, engine: Engine, files_dir: Path, archive: Path | None = None) -> Any:
    return restore_backup(
        engine,
        archive=archive or source.archive,
        files_dir=files_dir,
        cipher_fingerprint=CIPHER.fingerprint,
    )


def _is_empty(engine: Engine) -> bool:
    """True when the database has no fangfei tables, or none with users."""
    if not inspect(engine).has_table("users"):
        return True
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize(("source", "kind"), PAIRS, ids=PAIR_IDS, indirect=["source"])
def test_restore_reproduces_everything(
    source: Source, kind: str, target: Callable[[str], Engine], tmp_path: Path
) -> None:
    engine = target(kind)
    report = _restore(source, engine, tmp_path / "files")
    assert _rows(engine) == _rows(source.engine)
    assert report.tables == source.manifest.tables and report.files == len(STORED)
    assert {p: (tmp_path / "files" / p).read_bytes() for p in STORED} == STORED
    with unit_of_work(make_sessionmaker(engine)) as db:
        chain = audit.verify(db)
        assert chain.ok and chain.head_hash == source.manifest.audit_head_hash
        person = db.scalars(select(Person)).one()
        assert (
            person.id_number_encrypted and CIPHER.decrypt(person.id_number_encrypted) == ID_NUMBER
        )
        assert ric.is_valid(ID_NUMBER)
        # Sequences (PostgreSQL) continue after the restored ids, and the chain grows on.
        fresh = entities.create_person(
            db,
            actor=ACTOR,
            cipher=CIPHER,
            data=PersonCreate(name="李四", jurisdiction_id=person.jurisdiction_id),
        )
        assert fresh.id > person.id and audit.verify(db).ok


@pytest.mark.parametrize(("source", "kind"), PAIRS, ids=PAIR_IDS, indirect=["source"])
def test_restore_into_an_upgraded_database_keeps_the_log_append_only(
    source: Source, kind: str, target: Callable[[str], Engine], tmp_path: Path
) -> None:
    engine = target(kind)
    upgrade(engine, actor=system_actor("new-install"))
    report = _restore(source, engine, tmp_path / "files")
    assert report.replaced_seed_rows > 0 and _rows(engine) == _rows(source.engine)
    with engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("DELETE FROM audit_events"))


def _rewrite(archive: Path, out: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """A copy of the archive with each member's bytes passed through ``change``."""
    with tarfile.open(archive) as old, tarfile.open(out, "w:gz") as new:
        for member in old:
            handle = old.extractfile(member)
            data = change(member.name, handle.read() if handle else b"")
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    return out


def _refused(source: Source, engine: Engine, tmp_path: Path, archive: Path, code: str) -> str:
    with pytest.raises(FangfeiError) as caught:
        _restore(source, engine, tmp_path / "files", archive)
    assert caught.value.code == code
    assert _is_empty(engine) and not (tmp_path / "files").exists()
    return caught.value.message


@pytest.mark.parametrize(("source", "kind"), PAIRS, ids=PAIR_IDS, indirect=["source"])
def test_tampered_member_is_named(
    source: Source, kind: str, target: Callable[[str], Engine], tmp_path: Path
) -> None:
    def tamper(name: str, data: bytes) -> bytes:
        return data.replace(b'"leader"', b'"admin"') if name == "tables/users.jsonl" else data

    tampered = _rewrite(source.archive, tmp_path / "tampered.tar.gz", tamper)
    message = _refused(source, target(kind), tmp_path, tampered, "backup_corrupt")
    assert "tables/users.jsonl" in message


@pytest.mark.parametrize(("source", "kind"), PAIRS, ids=PAIR_IDS, indirect=["source"])
def test_forged_manifest_rolls_everything_back(
    source: Source, kind: str, target: Callable[[str], Engine], tmp_path: Path
) -> None:
    def forge(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), "audit_head_hash": "f" * 64}).encode()

    forged = _rewrite(source.archive, tmp_path / "forged.tar.gz", forge)
    message = _refused(source, target(kind), tmp_path, forged, "restore_mismatch")
    assert "审计链" in message


@pytest.mark.parametrize("source", KINDS, indirect=True)
def test_another_key_is_refused(
    source: Source, target: Callable[[str], Engine], tmp_path: Path
) -> None:
    engine = target("sqlite")
    with pytest.raises(FangfeiError, match="另一把加密密钥") as caught:
        restore_backup(
            engine,
            archive=source.archive,
            files_dir=tmp_path / "files",
            cipher_fingerprint=FieldCipher(b"x" * 32).fingerprint,
        )
    assert caught.value.code == "backup_wrong_key" and _is_empty(engine)


@pytest.mark.parametrize(("source", "kind"), PAIRS, ids=PAIR_IDS, indirect=["source"])
def test_a_database_in_use_is_refused(
    source: Source, kind: str, target: Callable[[str], Engine], tmp_path: Path
) -> None:
    engine = target(kind)
    upgrade(engine, actor=ACTOR)
    with unit_of_work(make_sessionmaker(engine)) as db:
        build_county(db)
    before = _rows(engine)
    with pytest.raises(FangfeiError, match="只能恢复到新建的空数据库") as caught:
        _restore(source, engine, tmp_path / "files")
    assert caught.value.code == "restore_target_not_empty" and _rows(engine) == before
    assert "用户 7 行" in caught.value.message


@pytest.mark.parametrize("source", KINDS, indirect=True)
def test_files_already_present_are_refused(
    source: Source, target: Callable[[str], Engine], tmp_path: Path
) -> None:
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "old.txt").write_text("旧文件")
    engine = target("sqlite")
    with pytest.raises(FangfeiError, match="不是空的"):
        _restore(source, engine, tmp_path / "files")
    assert _is_empty(engine)


def _no_manifest(archive: Path, out: Path) -> Path:
    with tarfile.open(archive) as old, tarfile.open(out, "w:gz") as new:
        for member in old:
            if member.name != "manifest.json":
                new.addfile(member, old.extractfile(member))
    return out


@pytest.mark.parametrize("source", KINDS, indirect=True)
@pytest.mark.parametrize("make", ["random bytes", "no manifest", "truncated"])
def test_not_an_archive_is_refused(
    source: Source, make: str, target: Callable[[str], Engine], tmp_path: Path
) -> None:
    bogus = tmp_path / "bogus.tar.gz"
    if make == "random bytes":
        bogus.write_bytes(b"this is not a backup" * 100)
    elif make == "no manifest":
        _no_manifest(source.archive, bogus)
    else:
        bogus.write_bytes(source.archive.read_bytes()[: source.archive.stat().st_size // 2])
    engine = target("sqlite")
    with pytest.raises(FangfeiError) as caught:
        _restore(source, engine, tmp_path / "files", bogus)
    assert caught.value.code in {"backup_invalid", "backup_corrupt"} and _is_empty(engine)


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Path]]:
    """Switches the command line to a named installation under tmp_path."""
    monkeypatch.setenv("FANGFEI_ENV", "test")
    for name in ("FANGFEI_DATABASE_URL", "FANGFEI_ENCRYPTION_KEY", "FANGFEI_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)

    def use(name: str) -> Path:
        monkeypatch.setenv("FANGFEI_HOME", str(tmp_path / name))
        get_settings.cache_clear()
        return tmp_path / name

    yield use
    get_settings.cache_clear()


def test_cli_backup_then_restore_into_a_new_home(
    homes: Callable[[str], Path], tmp_path: Path
) -> None:
    runner = CliRunner()
    old = homes("old")
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["demo", "--enterprises", "20", "--persons", "5"]).exit_code == 0
    made = runner.invoke(app, ["backup", "--out", str(tmp_path / "b.tar.gz")])
    assert made.exit_code == 0, made.output
    assert "sha256" in made.output and "keys" in made.output
    new = homes("new")
    refused = runner.invoke(app, ["restore", str(tmp_path / "b.tar.gz")])
    assert refused.exit_code == 2 and "另一把加密密钥" in refused.output
    shutil.rmtree(new / "keys")
    shutil.copytree(old / "keys", new / "keys")
    restored = runner.invoke(app, ["restore", str(tmp_path / "b.tar.gz")])
    assert restored.exit_code == 0, restored.output
    assert "恢复完成并已核验" in restored.output
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0


def test_cli_default_backup_path(homes: Callable[[str], Path]) -> None:
    home = homes("only")
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["backup"])
    assert result.exit_code == 0, result.output
    [archive] = (home / "backups").glob("fangfei-*.tar.gz")
    assert archive.name[8:16].isdigit()
