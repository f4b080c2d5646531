"""`fangfei calendar …` on a fresh installation directory."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from fangfei.workdays.cli import app
from tests.workdays.test_calendar import SCHEDULE_2027


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output.strip()


def test_provisional_deadline_then_the_official_schedule(installed: Path) -> None:
    assert run("add-workdays", "2025-09-30", "1") == (0, "2025-10-09")
    assert run("add-workdays", "2025-09-15", "30") == (0, "2025-10-31")
    assert run("add-workdays", "2027-09-30", "1") == (0, "2027-10-04 暂定")
    assert run("add-workdays", "2026-12-31", "1") == (0, "2027-01-04 暂定")
    code, out = run("status", "2027")
    assert code == 0 and "2027 年：暂定" in out and "2027-10-01" in out
    code, out = run("official", "2027")
    assert code == 2 and "法定节假日未录入" in out and "2027-01-01" in out
    for day, is_workday, note in SCHEDULE_2027:
        flag = "--workday" if is_workday else "--holiday"
        code, out = run("override", day.isoformat(), flag, "--note", note)
        assert code == 0 and out.startswith(f"已设置 {day.isoformat()} 为"), out
    assert run("add-workdays", "2027-09-30", "1") == (0, "2027-10-08 暂定")
    assert run("official", "2027") == (0, "已标记 2027 年为官方安排，工作日 248 天")
    assert run("add-workdays", "2027-09-30", "1") == (0, "2027-10-08")
    code, out = run("status", "2027")
    assert code == 0 and "2027 年：官方安排（管理员已录入）" in out and "管理员调整 21 处" in out


def test_void_and_errors(installed: Path) -> None:
    code, out = run("override", "2025-10-09", "--holiday", "--note", "本地调整")
    assert code == 0 and out == "已设置 2025-10-09 为休息日（调整编号 1）"
    assert run("add-workdays", "2025-09-30", "1") == (0, "2025-10-10")
    assert run("void", "1", "--reason", "录入错误") == (0, "已作废调整 #1（2025-10-09）")
    assert run("add-workdays", "2025-09-30", "1") == (0, "2025-10-09")
    code, out = run("void", "1", "--reason", "again")
    assert code == 2 and "已经作废" in out
    code, out = run("add-workdays", "2025/09/30", "1")
    assert code == 2 and "格式不对，应为 YYYY-MM-DD" in out
    code, out = run("add-workdays", "--", "2025-10-09", "-1")
    assert (code, out) == (0, "2025-09-30")
    code, out = run("official", "2025")
    assert code == 2 and "已随系统发布" in out
