"""The capped count of long lists."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from fangfei import paging
from fangfei.auth import service as auth
from fangfei.entities import service as entities
from fangfei.entities.schemas import EnterpriseCreate, EntityFilter
from tests.county import County


def test_a_list_longer_than_the_cap_says_so(
    db: Session, county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = auth.actor_for(county.users["office"])
    for n in range(3):
        data = EnterpriseCreate(name=f"东城第{n}商店", jurisdiction_id=county.east.id)
        entities.create_enterprise(db, actor=office, data=data)
    whole = entities.list_for(db, actor=office, filters=EntityFilter(per_page=2))
    assert (whole.total, whole.capped, whole.total_label, whole.pages) == (3, False, "3", 2)

    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    capped = entities.list_for(db, actor=office, filters=EntityFilter(per_page=2, page=2))
    assert (capped.total, capped.capped, capped.total_label) == (2, True, "2+")
    assert [e.name for e in capped.items] == ["东城第0商店"]
