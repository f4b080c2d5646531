"""The ``fangfei`` command line."""

from __future__ import annotations

from typing import Annotated

import typer

from fangfei.audit import service as audit
from fangfei.auth import service as auth
from fangfei.auth.roles import LOGIN_ROLES
from fangfei.backup import cli as backup_cli
from fangfei.cases import cli as cases_cli
from fangfei.cli_support import console, fail
from fangfei.db import unit_of_work
from fangfei.demo import cli as demo_cli
from fangfei.entities import cli as entities_cli
from fangfei.errors import FangfeiError
from fangfei.leads import cli as leads_cli
from fangfei.migrate import upgrade
from fangfei.monitoring import cli as monitoring_cli
from fangfei.reference import service as reference
from fangfei.refunds import cli as refunds_cli
from fangfei.reports import cli as reports_cli
from fangfei.runtime import open_runtime
from fangfei.screening import cli as screening_cli
from fangfei.security.keys import init_key_files
from fangfei.workdays import cli as workdays_cli

app = typer.Typer(help="fangfei 防非 — 防范和处置非法集资工作平台", no_args_is_help=True)
db_app = typer.Typer(help="数据库", no_args_is_help=True)
user_app = typer.Typer(help="用户", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志", no_args_is_help=True)
keys_app = typer.Typer(help="密钥", no_args_is_help=True)
jurisdiction_app = typer.Typer(help="辖区", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")
app.add_typer(keys_app, name="keys")
app.add_typer(jurisdiction_app, name="jurisdiction")
# Domain command groups live beside their domains.
app.add_typer(entities_cli.app, name="entities")
app.add_typer(workdays_cli.app, name="calendar")
app.add_typer(leads_cli.ledger_app, name="ledger")
app.add_typer(leads_cli.leads_app, name="leads")
app.add_typer(cases_cli.app, name="case")
app.add_typer(refunds_cli.app, name="refund")
app.add_typer(reports_cli.app, name="report")
app.add_typer(screening_cli.app, name="screen")
app.add_typer(monitoring_cli.tx_app, name="tx")
app.add_typer(monitoring_cli.monitor_app, name="monitor")
app.command("demo", help="载入示范县数据（乡镇、企业、个人、账户和各角色演示账号）。")(
    demo_cli.demo
)
app.command("backup", help="备份数据库和存储文件为一个带校验的归档（不含密钥）。")(
    backup_cli.backup
)
app.command("restore", help="把备份归档恢复到一个新的空安装并校验。")(backup_cli.restore)


@db_app.command("upgrade", help="创建或升级数据库结构，并同步随版本发布的基础数据。")
def db_upgrade() -> None:
    """Create or upgrade the database and sync the shipped reference data."""
    rt = open_runtime()
    counts = upgrade(rt.engine, actor=rt.actor)
    console.print(f"数据库已是最新结构：{rt.engine.url.render_as_string(hide_password=True)}")
    console.print(
        f"基础数据同步：条目 {counts['items']}，单位 {counts['departments']}，LPR {counts['lpr']}"
    )


@keys_app.command("init", help="生成本安装的密钥文件（已存在的不会覆盖）。")
def keys_init() -> None:
    """Create the installation's key files (never overwrites existing ones)."""
    rt = open_runtime()
    created = init_key_files(rt.settings)
    for path in created:
        console.print(f"已生成 {path}")
    if not created:
        console.print("密钥文件均已存在，未做改动。")
    console.print(
        f"请把 {rt.settings.keys_dir} 单独备份到安全的离线介质：丢失加密密钥将无法解密身份证号码。"
    )


@user_app.command("add", help="新增登录用户。")
def user_add(
    username: str,
    role: Annotated[str, typer.Option(help="|".join(r.value for r in LOGIN_ROLES))],
    jurisdiction: Annotated[str, typer.Option(help="辖区代码")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    display_name: Annotated[str, typer.Option()] = "",
    department: Annotated[str | None, typer.Option(help="成员单位代码")] = None,
    bank: Annotated[str | None, typer.Option(help="银行名称（银行分析员）")] = None,
) -> None:
    """Create a login."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            place = reference.jurisdiction_by_code(db, jurisdiction)
            dept = reference.department_by_code(db, department) if department else None
            user = auth.create_user(
                db,
                actor=rt.actor,
                username=username,
                display_name=display_name,
                password=password,
                role=role,
                jurisdiction_id=place.id,
                department_id=dept.id if dept else None,
                bank=bank,
            )
    except FangfeiError as error:
        raise fail(error) from None
    console.print(f"已创建用户 {user.username}（{role}）")


@jurisdiction_app.command("add", help="新增辖区（先建县区，再建乡镇）。")
def jurisdiction_add(
    code: str,
    name: str,
    level: Annotated[str, typer.Option(help="province|city|county|township")] = "county",
    parent: Annotated[str | None, typer.Option(help="上级辖区代码")] = None,
) -> None:
    """Add a jurisdiction (the county first, then its townships)."""
    rt = open_runtime()
    try:
        with unit_of_work(rt.sessions) as db:
            place = reference.add_jurisdiction(
                db, actor=rt.actor, code=code, name=name, level=level, parent_code=parent
            )
    except FangfeiError as error:
        raise fail(error) from None
    console.print(f"已添加辖区 {place.name}（{place.code}）")


@audit_app.command("verify", help="校验审计链；发现被改动或删除的记录时指出第一处并以状态 1 退出。")
def audit_verify() -> None:
    """Check the audit chain; exit 1 and name the first broken link if any row was altered."""
    rt = open_runtime()
    with unit_of_work(rt.sessions) as db:
        report = audit.verify(db)
    if report.ok:
        console.print(f"[green]审计链完整[/green]：共 {report.checked} 条，链头 {report.head_hash}")
        return
    console.print(f"[red]审计链断裂[/red]：{report.reason}（已核对 {report.checked} 条完好记录）")
    raise typer.Exit(code=1)


@app.command(help="启动网页服务（默认 FANGFEI_HOST:FANGFEI_PORT）。")
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Serve the web application (FANGFEI_HOST / FANGFEI_PORT by default)."""
    import uvicorn

    from fangfei.main import create_app

    rt = open_runtime()
    uvicorn.run(
        create_app(rt.settings), host=host or rt.settings.host, port=port or rt.settings.port
    )


if __name__ == "__main__":
    app()
