"""The roles of fangfei and who acts (an :class:`Actor`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """A user's role; the policy maps each to its actions and scope."""

    ADMIN = "admin"
    LEAD_OFFICE = "lead_office"
    DEPARTMENT = "department"
    TOWNSHIP = "township"
    BANK_ANALYST = "bank_analyst"
    LEADER = "leader"
    SYSTEM = "system"  # command line and background jobs; never a login

    @property
    def label(self) -> str:
        """The Chinese name shown to users."""
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "系统管理员",
    Role.LEAD_OFFICE: "处非办工作人员",
    Role.DEPARTMENT: "成员单位工作人员",
    Role.TOWNSHIP: "乡镇（网格）工作人员",
    Role.BANK_ANALYST: "银行分析员",
    Role.LEADER: "领导（只读）",
    Role.SYSTEM: "系统任务",
}

LOGIN_ROLES = tuple(r for r in Role if r is not Role.SYSTEM)


@dataclass(frozen=True)
class Actor:
    """Who performs an action, with the scope the policy needs."""

    user_id: int | None
    username: str
    role: Role
    jurisdiction_id: int | None = None
    jurisdiction_path: str | None = None
    department_id: int | None = None
    bank: str | None = None

    @property
    def label(self) -> str:
        """How the actor appears in the audit log."""
        return self.username


def system_actor(label: str = "system") -> Actor:
    """The actor of command-line tools and jobs: unscoped, recorded under ``label``."""
    return Actor(user_id=None, username=label, role=Role.SYSTEM)


def acting_in(jurisdiction_id: int, jurisdiction_path: str, label: str) -> Actor:
    """A command-line actor confined to one jurisdiction, as its lead office would be (printing
    the tables of a township, say)."""
    return Actor(
        user_id=None, username=label, role=Role.LEAD_OFFICE,
        jurisdiction_id=jurisdiction_id, jurisdiction_path=jurisdiction_path,
    )  # fmt: skip
