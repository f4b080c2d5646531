"""A small county for tests: two townships and one user of every role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from fangfei.auth import service as auth
from fangfei.auth.models import User
from fangfei.auth.roles import Role, system_actor
from fangfei.reference import service as reference
from fangfei.reference.models import Jurisdiction

PASSWORD = "password123"
BANK = "县农村商业银行"


@dataclass
class County:
    """The fixture county and its users, by role (``township`` works in ``east``)."""

    county: Jurisdiction
    east: Jurisdiction
    west: Jurisdiction
    users: dict[str, User]


def build_county(db: Session) -> County:
    """Create the county, its townships and the users in the session (not committed)."""
    actor = system_actor("test")
    county = reference.add_jurisdiction(db, actor=actor, code="T100", name="测试县", level="county")
    east = reference.add_jurisdiction(
        db, actor=actor, code="T101", name="东城镇", level="township", parent_code="T100"
    )
    west = reference.add_jurisdiction(
        db, actor=actor, code="T102", name="西城镇", level="township", parent_code="T100"
    )
    market = reference.department_by_code(db, "market_regulation")
    specs = {
        "admin": (Role.ADMIN, county, None, None),
        "office": (Role.LEAD_OFFICE, county, None, None),
        "market": (Role.DEPARTMENT, county, market.id, None),
        "east": (Role.TOWNSHIP, east, None, None),
        "west": (Role.TOWNSHIP, west, None, None),
        "bank": (Role.BANK_ANALYST, county, None, BANK),
        "leader": (Role.LEADER, county, None, None),
    }
    users = {
        name: auth.create_user(
            db,
            actor=actor,
            username=name,
            display_name=name,
            password=PASSWORD,
            role=role,
            jurisdiction_id=place.id,
            department_id=dept,
            bank=bank,
        )
        for name, (role, place, dept, bank) in specs.items()
    }
    return County(county=county, east=east, west=west, users=users)
