"""`fangfei leads import`: a list of leads through the intake, all rows or none."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fangfei.errors import FangfeiError
from fangfei.leads.list_import import import_leads
from fangfei.leads.models import Lead
from fangfei.security.crypto import FieldCipher
from tests.county import County
from tests.leads.helpers import actor_of

HEADER = "线索渠道,风险主体名称,统一社会信用代码,所属乡镇,所属行业领域,线索内容,涉及金额（元）,涉及人数,发现日期,举报人姓名,举报人电话"


def _write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="gbk")
    return path


def test_a_lead_list_is_registered_with_its_informants_sealed(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    path = _write(tmp_path, "12345政务服务热线,东城某理财店,,东城镇,2,承诺年化15%,500000,20,2026-03-02,赵六,13900000000",
                  "网格员排查,西城某养老院,,西城镇,教育、养老、涉农、商贸服务等其他领域,收取床位费,,,2026-03-05,,")  # fmt: skip
    assert import_leads(db, actor=actor_of(county.users["office"]), cipher=cipher, path=path) == 2
    first, second = db.scalars(select(Lead).order_by(Lead.id)).all()
    assert (first.channel, first.domain, first.jurisdiction_id, str(first.amount_yuan)) == (
        "hotline_12345", "d2_private_finance", county.east.id, "500000.00",
    )  # fmt: skip
    assert first.informant_name_enc is not None and b"13900000000" not in first.informant_phone_enc  # type: ignore[operator]
    assert (second.source, second.domain, second.has_informant) == (
        "self_discovered",
        "d5_other_sectors",
        False,
    )


def test_every_bad_row_is_listed_and_nothing_is_written(
    db: Session, county: County, cipher: FieldCipher, tmp_path: Path
) -> None:
    path = _write(tmp_path, "12345政务服务热线,东城某理财店,,东城镇,2,承诺年化15%,500000,20,2026-03-02,,",
                  "飞鸽传书,甲,,东城镇,2,内容,,,2026-03-02,,",
                  "电话,乙,,北城镇,2,内容,-5,,2026-13-01,,")  # fmt: skip
    with pytest.raises(FangfeiError) as caught:
        import_leads(db, actor=actor_of(county.users["office"]), cipher=cipher, path=path)
    found = [(p.field, p.row) for p in caught.value.problems]
    assert ("线索渠道", 3) in found and ("所属乡镇", 4) in found
    assert ("涉及金额（元）", 4) in found and ("发现日期", 4) in found
    assert db.scalar(select(func.count()).select_from(Lead)) == 0
