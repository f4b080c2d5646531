"""The transitions table and the refusal it gives, without a database."""

from __future__ import annotations

import pytest

from fangfei.leads.workflow import STATUS_LABELS, STEP_LABELS, TRANSITIONS, allowed_steps, refusal


def test_the_main_path_runs_from_registered_to_closed() -> None:
    status = "registered"
    for step in ("assign", "claim", "judge", "close"):
        status = TRANSITIONS[(status, step)]
    assert status == "closed"


@pytest.mark.parametrize(
    ("status", "steps"),
    [
        ("registered", ["assign", "merge"]),
        ("assigned", ["assign", "claim", "return"]),
        ("verifying", ["return", "judge"]),
        ("judged", ["close", "transfer"]),
        ("closed", []),
        ("transferred", []),
    ],
)
def test_each_status_allows_exactly_its_steps(status: str, steps: list[str]) -> None:
    assert allowed_steps(status) == steps


def test_every_status_and_step_has_a_chinese_label() -> None:
    for (source, step), target in TRANSITIONS.items():
        assert source in STATUS_LABELS and target in STATUS_LABELS and step in STEP_LABELS


def test_a_refusal_names_the_status_the_step_and_what_is_possible() -> None:
    assert refusal("registered", "judge") == (
        "线索当前为“已登记”，不能“研判”；此状态下可以：交办、合并至其他线索。"
    )
    assert refusal("closed", "assign") == "线索当前为“已办结”，不能“交办”；此状态下可以：无。"
