"""Building claims registers in tests: a case, a register file, a second lead-office officer."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session
from stdnum.cn import ric

from fangfei.auth import service as auth
from fangfei.auth.roles import Actor, Role
from fangfei.cases.models import Case
from fangfei.refunds.register_import import RegisterImport, import_register
from fangfei.security.crypto import FieldCipher
from tests.cases.helpers import open_case
from tests.county import PASSWORD, County
from tests.leads.helpers import actor_of

HEADER = ("姓名", "身份证号码", "联系电话", "开户银行", "银行账号", "人员类别", "明细类型", "日期",
          "金额（元）", "产品或合同编号")  # fmt: skip


def id_number(serial: int) -> str:
    """A valid ID number of someone born 1950-01-01 in 东城区, numbered ``serial`` (0–999)."""
    body = f"11010119500101{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


def row(name: str, serial: int | str, kind: str, amount: str, **more: str) -> dict[str, str]:
    """One register row: a contribution (出资) or a return (利息, 返利 …) of a person."""
    ident = id_number(serial) if isinstance(serial, int) else serial
    return {"姓名": name, "身份证号码": ident, "明细类型": kind, "金额（元）": amount,
            "日期": more.pop("日期", "2024-03-01"), "开户银行": more.pop("开户银行", "县农商银行"),
            "银行账号": more.pop("银行账号", f"6230{ident[-8:]}"), **more}  # fmt: skip


def write_register(path: Path, rows: Sequence[dict[str, str]], encoding: str = "utf-8") -> Path:
    """A CSV register with the official header."""
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def scheme_rows() -> list[dict[str, str]]:
    """Four participants and an organiser: 张三 twice, 李四 with interest, 王五 over-repaid."""
    return [
        row("张三", 1, "出资", "10000.00"),
        row("李四", 2, "出资", "30000"),
        row("李四", 2, "利息", "1500.50"),
        row("张三", 1, "出资", "20000"),
        row("王五", 3, "出资", "5000"),
        row("王五", 3, "返利", "6000"),
        row("赵六", 4, "出资", "40000"),
        row("钱七", 5, "出资", "100000", 人员类别="组织者"),
    ]


def refund_case(db: Session, county: County, cipher: FieldCipher) -> Case:
    """A case opened by the lead office with an amount involved of 100 万元."""
    opened = open_case(db, county, cipher)
    opened.amount_yuan = Decimal("1000000")
    return opened


def imported(
    db: Session, county: County, cipher: FieldCipher, case: Case, tmp_path: Path,
    rows: Sequence[dict[str, str]] | None = None,
) -> RegisterImport:  # fmt: skip
    """The case's register imported from ``rows`` (the scheme by default) by the lead office."""
    path = write_register(tmp_path / f"register-{len(rows or [])}.csv", rows or scheme_rows())
    return import_register(db, actor=actor_of(county.users["office"]), cipher=cipher,
                           case_id=case.id, path=path)  # fmt: skip


def second_officer(db: Session, county: County) -> Actor:
    """Another lead-office officer: the checker of rounds the fixture officer drafts."""
    user = auth.create_user(
        db, actor=actor_of(county.users["admin"]), username="office2", display_name="复核人",
        password=PASSWORD, role=Role.LEAD_OFFICE, jurisdiction_id=county.county.id,
    )  # fmt: skip
    return auth.actor_for(user)
