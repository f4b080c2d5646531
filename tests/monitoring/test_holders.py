"""The entity seam: each stored account's holder key, validated, or why it is missing."""

from __future__ import annotations

from pathlib import Path

from fangfei.monitoring.holders import holder_keys
from tests.monitoring.book import Book


def test_keys_are_validated_per_holder_type(tmp_path: Path) -> None:
    book = Book()
    book.account("H1", "张三")
    book.account("H2", "某县某某有限公司", "company")
    book.account("H3", "李四")
    book.accounts["H1"][4] = "11010119800101123X"  # wrong check digit
    book.accounts["H2"][4] = "91330122123456789F"
    book.accounts["H3"][4] = "110101198001011232"
    store = book.store(tmp_path)

    keys = {k.account_id: k for k in holder_keys(store)}

    assert (keys["H1"].status, keys["H1"].id_number) == ("invalid", None)
    assert keys["H1"].problem == "身份证号码校验位错误"
    assert (keys["H2"].status, keys["H2"].uscc, keys["H2"].id_number) == (
        "valid",
        "91330122123456789F",
        None,
    )
    assert (keys["H3"].status, keys["H3"].id_number, keys["H3"].uscc) == (
        "valid",
        "110101198001011232",
        None,
    )
    assert [k.account_id for k in holder_keys(store, [("测试银行", "H3")])] == ["H3"]
