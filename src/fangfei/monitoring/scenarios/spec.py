"""The scenario pack as data: thresholds with their rationale and source, weights, versions.

The shipped pack is ``thresholds.yaml`` beside this file. An administrator edits a copy at
``<FANGFEI_HOME>/monitoring/scenarios.yaml``, which then replaces it (``fangfei monitor
scenarios`` shows which is in force). Money thresholds are written in yuan (names ending in
``_yuan``); the SQL compares integer fen, so each gets a ``_fen`` twin.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fangfei.errors import FieldProblem, invalid

SHIPPED = Path(__file__).with_name("thresholds.yaml")
Value = int | float | list[str]


class Threshold(BaseModel):
    """One documented, configurable parameter."""

    model_config = ConfigDict(extra="forbid")

    value: Value
    unit: str = ""
    rationale: str
    source: str


class ScenarioSettings(BaseModel):
    """A scenario's name, version, weight and thresholds."""

    model_config = ConfigDict(extra="forbid")

    name: str
    version: int = Field(ge=1)
    weight: float = Field(ge=0)
    enabled: bool = True
    thresholds: dict[str, Threshold]


class Pack(BaseModel):
    """The whole scenario pack."""

    model_config = ConfigDict(extra="forbid")

    version: str
    alert_threshold: Threshold
    shared: dict[str, Threshold]
    scenarios: dict[str, ScenarioSettings]

    def alert_score(self) -> float:
        """The score an account needs for an alert."""
        value = self.alert_threshold.value
        if not isinstance(value, int | float):
            raise invalid(
                "alert_threshold 必须是数值。", [FieldProblem("alert_threshold.value", "不是数值")]
            )
        return float(value)

    def values(self) -> dict[str, object]:
        """Every parameter by SQL name: shared ones as named, others prefixed ``s1_`` …"""
        out: dict[str, object] = {}
        groups = [("", self.shared)] + [
            (f"{sid.lower()}_", s.thresholds) for sid, s in self.scenarios.items()
        ]
        for prefix, thresholds in groups:
            for name, threshold in thresholds.items():
                out[prefix + name] = threshold.value
                if name.endswith("_yuan") and isinstance(threshold.value, int | float):
                    out[prefix + name.removesuffix("_yuan") + "_fen"] = round(threshold.value * 100)
        return out


def parse_pack(text: str, source: str) -> Pack:
    """A pack from YAML, or a refusal naming each wrong entry."""
    try:
        return Pack.model_validate(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        raise invalid(f"监测模型参数文件 {source} 不是有效的 YAML：{exc}") from exc
    except ValidationError as exc:
        problems = [
            FieldProblem(".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors()
        ]
        raise invalid(f"监测模型参数文件 {source} 有误。", problems) from exc


def pack_path(home: Path) -> Path:
    """The administrator's pack if there is one, else the shipped pack."""
    edited = home / "monitoring" / "scenarios.yaml"
    return edited if edited.is_file() else SHIPPED


def load_pack(path: Path) -> Pack:
    """Read and validate a pack file."""
    return parse_pack(path.read_text("utf-8"), str(path))
