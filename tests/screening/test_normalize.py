"""Folding: one spelling for traditional characters, full-width forms, case and filler."""

from __future__ import annotations

import pytest

from fangfei.screening.normalize import Mode, fold, fold_with_origin


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("理 財", "理财"),
        ("理\u3000财", "理财"),
        ("Ｐ２Ｐ", "p2p"),
        ("p-2-p", "p2p"),
        ("P.2.P", "p2p"),
        ("資產管理", "资产管理"),
        ("網絡借貸", "网络借贷"),
        ("基金會", "基金会"),
        ("金\u200b融", "金融"),
    ],
)
def test_names_fold_variants_to_one_spelling(text: str, folded: str) -> None:
    assert fold(text, Mode.NAME) == folded


def test_texts_keep_dots_hyphens_and_line_breaks() -> None:
    assert (
        fold("年化 １２．５％ ，月息 8-12％\r\n下一行", Mode.TEXT)
        == "年化12.5%,月息8-12%\n\n下一行"
    )


def test_every_folded_character_points_back_to_the_original() -> None:
    folded = fold_with_origin("Ｐ－２－Ｐ 理財", Mode.NAME)

    assert folded.text == "p2p理财"
    assert folded.origin == (0, 2, 4, 6, 7)
    assert folded.span(0, 3) == (0, 5)
    assert folded.original(3, 5) == "理財"
