"""`fangfei backup` and `fangfei restore`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fangfei.backup.service import Manifest, restore_backup, write_backup
from fangfei.cli_support import console, fail
from fangfei.errors import FangfeiError
from fangfei.runtime import open_runtime
from fangfei.tables import file_sha256


def _counts_table(title: str, counts: dict[str, int]) -> Table:
    table = Table(title=title)
    table.add_column("数据表")
    table.add_column("行数", justify="right")
    for name, rows in counts.items():
        table.add_row(name, str(rows))
    return table


def _chain_line(manifest: Manifest) -> str:
    if manifest.audit_chain_ok:
        return f"审计链完整：共 {manifest.audit_checked} 条，链头 {manifest.audit_head_hash}"
    return (
        f"[yellow]注意：审计链在备份时已断裂[/yellow]（完好 {manifest.audit_checked} 条），"
        "备份按原样保存，请运行 `fangfei audit verify` 查明原因"
    )


def backup(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="备份文件路径（默认 $FANGFEI_HOME/backups/fangfei-日期-时间.tar.gz）"
        ),
    ] = None,
) -> None:
    """Write a consistent backup archive of the database and the stored files (keys excluded)."""
    rt = open_runtime()
    home = rt.settings.resolved_home
    target = out or home / "backups" / f"fangfei-{datetime.now().astimezone():%Y%m%d-%H%M%S}.tar.gz"
    try:
        manifest = write_backup(rt.engine, home=home, files_dir=rt.settings.files_dir,
                                out=target, cipher_fingerprint=rt.cipher.fingerprint)  # fmt: skip
    except FangfeiError as error:
        raise fail(error) from None
    console.print(_counts_table("已备份的数据", manifest.tables))
    console.print(f"[green]备份完成[/green]：{target.resolve()}")
    console.print(f"存储文件 {manifest.files} 个；{_chain_line(manifest)}")
    console.print(f"备份文件 sha256：{file_sha256(target)}")
    console.print(
        f"[yellow]备份中不含密钥[/yellow]（加密密钥指纹 {manifest.key_fingerprint}）：请把 "
        f"{rt.settings.keys_dir} 单独备份到安全的离线介质，没有它无法恢复身份证号码。"
    )


def restore(
    archive: Annotated[Path, typer.Argument(help="要恢复的备份文件（.tar.gz）")],
) -> None:
    """Restore a backup archive into this new, empty installation and verify it."""
    rt = open_runtime()
    try:
        report = restore_backup(rt.engine, archive=archive, files_dir=rt.settings.files_dir,
                                cipher_fingerprint=rt.cipher.fingerprint)  # fmt: skip
    except FangfeiError as error:
        raise fail(error) from None
    manifest = report.manifest
    console.print(_counts_table("已恢复的数据（与备份清单逐表核对一致）", report.tables))
    console.print(
        f"[green]恢复完成并已核验[/green]：备份制作于 {manifest.created_at}"
        f"（{manifest.source_dialect}，fangfei {manifest.fangfei_version}），"
        f"恢复到 {rt.engine.url.render_as_string(hide_password=True)}。"
    )
    console.print(f"存储文件 {report.files} 个；{_chain_line(manifest)}（恢复后与备份一致）")
    if report.replaced_seed_rows:
        console.print(
            f"已替换新库初始化时写入的 {report.replaced_seed_rows} 行基础数据及其审计记录。"
        )
