"""Per-bank column mappings: how one bank's export spells the canonical columns.

A mapping is a YAML file under ``<FANGFEI_HOME>/bank/mappings/<bank>.yaml``::

    bank: 县农村商业银行
    transactions:
      columns: {txn_id: 流水号, account_id: 账号, amount: 交易金额, timestamp: 交易时间}
      timestamp_format: "%Y/%m/%d %H:%M:%S"
      direction: {入账: in, 出账: out}
    accounts:
      columns: {account_id: 账号, holder_name: 户名}

Columns left out are looked up under their canonical names; a missing ``bank`` column is filled
with the mapping's bank.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from fangfei.errors import FangfeiError, FieldProblem, invalid
from fangfei.monitoring.canonical import (
    ACCOUNT_COLUMNS,
    DATE_FORMAT,
    TIMESTAMP_FORMAT,
    TRANSACTION_COLUMNS,
    column_names,
)

_SAFE_NAME = re.compile(r"^[^/\\:*?\"<>|.][^/\\:*?\"<>|]{0,99}$")


class FileMapping(BaseModel):
    """How one file (accounts or transactions) names its columns and writes its values."""

    model_config = ConfigDict(extra="forbid")

    columns: dict[str, str] = Field(default_factory=dict)
    timestamp_format: str = TIMESTAMP_FORMAT
    date_format: str = DATE_FORMAT
    direction: dict[str, Literal["in", "out"]] = Field(default_factory=dict)


class BankMapping(BaseModel):
    """A bank's saved mapping for its account and transaction exports."""

    model_config = ConfigDict(extra="forbid")

    bank: str
    accounts: FileMapping = Field(default_factory=FileMapping)
    transactions: FileMapping = Field(default_factory=FileMapping)

    @field_validator("accounts")
    @classmethod
    def _known_account_columns(cls, value: FileMapping) -> FileMapping:
        return _check_columns(value, column_names(ACCOUNT_COLUMNS))

    @field_validator("transactions")
    @classmethod
    def _known_transaction_columns(cls, value: FileMapping) -> FileMapping:
        return _check_columns(value, column_names(TRANSACTION_COLUMNS))


def _check_columns(value: FileMapping, known: list[str]) -> FileMapping:
    unknown = sorted(set(value.columns) - set(known))
    if unknown:
        raise ValueError(f"未知的标准列：{'、'.join(unknown)}（可用：{'、'.join(known)}）")
    return value


CANONICAL = BankMapping(bank="")


def mapping_path(mappings_dir: Path, bank: str) -> Path:
    """Where a bank's mapping is kept; refuses names that are not plain file names."""
    if not _SAFE_NAME.match(bank):
        raise invalid(
            f"银行名称“{bank}”不能用作映射文件名。", [FieldProblem("--mapping", "含有不允许的字符")]
        )
    return mappings_dir / f"{bank}.yaml"


def parse_mapping(text: str, source: str) -> BankMapping:
    """A mapping from YAML text, or a refusal naming each wrong entry."""
    try:
        data = yaml.safe_load(text)
        return BankMapping.model_validate(data)
    except yaml.YAMLError as exc:
        raise invalid(f"映射文件 {source} 不是有效的 YAML：{exc}") from exc
    except ValidationError as exc:
        problems = [
            FieldProblem(".".join(str(p) for p in err["loc"]) or "映射", err["msg"])
            for err in exc.errors()
        ]
        raise invalid(f"映射文件 {source} 有误。", problems) from exc


def load_mapping(mappings_dir: Path, bank: str) -> BankMapping:
    """A bank's saved mapping, or a message saying how to save one."""
    path = mapping_path(mappings_dir, bank)
    if not path.is_file():
        raise FangfeiError(
            "not_found",
            f"没有银行“{bank}”的列映射。请先用 fangfei tx mapping save {bank} 映射.yaml 保存。",
            404,
        )
    return parse_mapping(path.read_text("utf-8"), str(path))


def save_mapping(mappings_dir: Path, mapping: BankMapping) -> Path:
    """Write a bank's mapping (replacing an earlier one)."""
    path = mapping_path(mappings_dir, mapping.bank)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.safe_dump(mapping.model_dump(), allow_unicode=True, sort_keys=False)
    partial = path.with_suffix(".part")
    partial.write_text(body, "utf-8")
    partial.replace(path)
    return path
