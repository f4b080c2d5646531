"""The command line on a fresh installation directory."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from fangfei.cli import app


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), input=input)
    return result.exit_code, result.output


def test_new_installation_then_audit_tampering(home: Path) -> None:
    assert run("db", "upgrade")[0] == 0
    code, out = run("jurisdiction", "add", "C001", "某某县")
    assert (code, out.strip()) == (0, "已添加辖区 某某县（C001）")
    code, out = run("jurisdiction", "add", "C001", "重复县")
    assert code == 2 and "辖区代码“C001”已存在" in out
    code, out = run(
        "user",
        "add",
        "chief",
        "--role",
        "lead_office",
        "--jurisdiction",
        "C001",
        "--password",
        "a-long-password",
    )
    assert (code, out.strip()) == (0, "已创建用户 chief（lead_office）")
    code, out = run(
        "user", "add", "bad", "--role", "wizard", "--jurisdiction", "C001", "--password", "x"
    )
    assert code == 2 and "字段“role”：未知角色" in out and "密码至少 8 位" in out
    code, out = run("audit", "verify")
    assert code == 0 and "审计链完整：共 3 条" in out
    with sqlite3.connect(home / "fangfei.db") as conn:
        conn.execute("DROP TRIGGER audit_events_no_update")
        conn.execute("UPDATE audit_events SET actor_name = 'someone-else' WHERE id = 2")
    code, out = run("audit", "verify")
    assert code == 1 and "第 2 条记录的内容已被改动" in out


def test_keys_init_never_overwrites(home: Path) -> None:
    code, out = run("keys", "init")
    assert code == 0 and out.count("已生成") == 2
    before = (home / "keys" / "encryption.key").read_text()
    code, out = run("keys", "init")
    assert code == 0 and "密钥文件均已存在" in out
    assert (home / "keys" / "encryption.key").read_text() == before
