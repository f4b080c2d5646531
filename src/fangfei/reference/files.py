"""Reading the shipped reference files under ``reference/data``."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


@lru_cache
def load(name: str) -> dict[str, Any]:
    """One shipped YAML file, parsed."""
    text = resources.files("fangfei.reference").joinpath("data", name).read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def kind_labels() -> dict[str, str]:
    """Every enumeration kind with its Chinese label, in file order."""
    kinds = load("categories.yaml")["kinds"]
    labels = {kind: spec["label"] for kind, spec in kinds.items()}
    labels["focus_area"] = "整治重点领域（牵头单位）"
    return labels
