"""The one permission policy: which actions a role has, and which objects are in its scope.

``ensure(db, actor, action, obj)`` answers for one object and ``scoped(stmt, actor, action)``
filters a query; both use the same scope clause, so a detail page and a list always agree.
Default deny: an action not granted to a role, or a resource without a scope rule, is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import Session

from fangfei.activities.models import Activity
from fangfei.auth.models import User
from fangfei.auth.roles import Actor, Role
from fangfei.cases.models import Case, CasePlace
from fangfei.entities.models import BankAccount, Entity
from fangfei.errors import forbidden
from fangfei.leads.models import Lead
from fangfei.monitoring.models import MonitorAlert
from fangfei.reference.models import Jurisdiction

ACTION_LABELS = {
    "dashboard.view": "查看工作台",
    "entity.view": "查看主体",
    "entity.create": "新增主体",
    "entity.update": "修改主体",
    "entity.import": "导入企业名录",
    "entity.void": "作废主体",
    "entity.view_identity": "查看身份证号码明文",
    "account.view": "查看银行账户",
    "account.create": "登记银行账户",
    "user.view": "查看用户",
    "user.manage": "管理用户",
    "reference.view": "查看基础数据",
    "reference.manage": "维护基础数据",
    "audit.view": "查看审计日志",
    "token.manage_own": "管理本人 API 令牌",
    "screening.use": "使用筛查工具",
    "lead.view": "查看风险线索",
    "lead.create": "登记风险线索",
    "lead.assign": "交办风险线索",
    "lead.work": "核查、研判风险线索",
    "lead.close": "办结或转案件",
    "lead.decide_duplicate": "处理重复线索",
    "lead.view_informant": "查看举报人身份",
    "lead.import": "导入风险线索",
    "ledger.view": "查看台账",
    "ledger.export": "导出台账",
    "ledger.import": "导入台账",
    "reward.propose": "提出举报奖励",
    "reward.approve": "审批举报奖励",
    "reward.pay": "登记奖励发放",
    "case.view": "查看案件",
    "case.create": "立案登记（新建案件）",
    "case.manage": "推进案件程序、维护案件信息",
    "case.measure": "登记处置措施",
    "case.note": "登记办理进展",
    "case.document": "生成或上传案件文书",
    "case.dispose_assets": "决定涉案资产处置",
    "case.template": "维护文书模板",
    "report.sign": "签发报送版本",
    "report.part": "填报本单位报表",
    "report.review": "审核、退回各单位填报",
    "activity.view": "查看宣传、调研记录",
    "activity.record": "登记宣传、调研记录",
    "refund.view": "查看清退兑付",
    "refund.register": "登记集资参与人、核实债权",
    "refund.pool": "登记涉案资金专户到账",
    "refund.draft": "起草清退批次",
    "refund.approve": "审批清退批次",
    "alert.view": "查看资金监测预警",
    "alert.dispose": "研判、排除或移交预警",
    "alert.record": "保存监测运行的预警",
    "supervision.manage": "维护重点监管对象名单",
}

_CASE_WORK = frozenset(
    {"case.view", "case.create", "case.manage", "case.measure", "case.note", "case.document",
     "case.dispose_assets"}
)  # fmt: skip
_REFUND_WORK = frozenset(
    {"refund.view", "refund.register", "refund.pool", "refund.draft", "refund.approve"}
)
_COMMON = frozenset({"dashboard.view", "reference.view", "token.manage_own", "screening.use"})
GRANTS: dict[Role, frozenset[str]] = {
    Role.ADMIN: _COMMON
    | {"user.view", "user.manage", "reference.manage", "audit.view", "case.template"},
    Role.LEAD_OFFICE: _COMMON
    | {
        "entity.view",
        "entity.create",
        "entity.update",
        "entity.import",
        "entity.void",
        "entity.view_identity",
        "account.view",
        "account.create",
        "audit.view",
        "lead.view",
        "lead.create",
        "lead.assign",
        "lead.work",
        "lead.close",
        "lead.decide_duplicate",
        "lead.view_informant",
        "lead.import",
        "ledger.view",
        "ledger.export",
        "ledger.import",
        "reward.propose",
        "reward.approve",
        "reward.pay",
        *_CASE_WORK,
        *_REFUND_WORK,
        "activity.view",
        "activity.record",
        "report.sign",
        "report.part",
        "report.review",
        "alert.view",
        "alert.dispose",
        "supervision.manage",
    },
    Role.DEPARTMENT: _COMMON
    | {"entity.view", "account.view", "lead.view", "lead.create", "lead.work"}
    | {"case.view", "case.note", "activity.view", "activity.record", "report.part"},
    Role.TOWNSHIP: _COMMON
    | {"entity.view", "entity.create", "entity.update", "lead.view", "lead.create", "lead.work"}
    | {"case.view", "case.note", "activity.view", "activity.record", "report.part"},
    Role.BANK_ANALYST: _COMMON
    | {"entity.view", "account.view", "account.create", "lead.view", "lead.create"}
    | {"alert.view", "alert.dispose"},
    Role.LEADER: _COMMON
    | {"entity.view", "account.view", "audit.view", "lead.view", "ledger.view", "ledger.export"}
    | {"case.view", "refund.view", "activity.view", "report.sign", "alert.view"},
    Role.SYSTEM: frozenset(ACTION_LABELS),
}


@dataclass(frozen=True)
class Decision:
    """Allowed or not, and why (in Chinese, shown to the user when refused)."""

    allowed: bool
    reason: str


def within_jurisdiction(actor: Actor, column: Any) -> ColumnElement[bool]:
    """Rows whose jurisdiction lies in the actor's jurisdiction or below it (all for the system)."""
    if actor.role is Role.SYSTEM:
        return true()
    if actor.jurisdiction_path is None:
        return false()
    subtree = select(Jurisdiction.id).where(Jurisdiction.path.startswith(actor.jurisdiction_path))
    return column.in_(subtree)  # type: ignore[no-any-return]


def _entity_scope(actor: Actor) -> ColumnElement[bool]:
    if actor.role is Role.BANK_ANALYST:
        holders = select(BankAccount.holder_entity_id).where(BankAccount.bank == actor.bank)
        return Entity.id.in_(holders)
    return within_jurisdiction(actor, Entity.jurisdiction_id)


def _account_scope(actor: Actor) -> ColumnElement[bool]:
    if actor.role is Role.BANK_ANALYST:
        return BankAccount.bank == actor.bank if actor.bank else false()
    holders_here = select(Entity.id).where(within_jurisdiction(actor, Entity.jurisdiction_id))
    return BankAccount.holder_entity_id.in_(holders_here)


def _lead_scope(actor: Actor) -> ColumnElement[bool]:
    own = Lead.created_by_user_id == actor.user_id if actor.user_id is not None else false()
    if actor.role is Role.DEPARTMENT:
        if actor.department_id is None:
            return own
        return or_(Lead.assignee_department_id == actor.department_id, own)
    if actor.role is Role.BANK_ANALYST:
        return own
    if actor.role is Role.TOWNSHIP:
        return or_(
            within_jurisdiction(actor, Lead.jurisdiction_id),
            within_jurisdiction(actor, Lead.assignee_jurisdiction_id),
        )
    return within_jurisdiction(actor, Lead.jurisdiction_id)


def _case_scope(actor: Actor) -> ColumnElement[bool]:
    """Cases led by the actor's jurisdiction or one it assists; a department's, through its leads."""
    if actor.role is Role.DEPARTMENT:
        if actor.department_id is None:
            return false()
        given = select(Lead.case_id).where(Lead.assignee_department_id == actor.department_id)
        return Case.id.in_(given)
    assisting = select(CasePlace.case_id).where(
        CasePlace.role == "assisting",
        CasePlace.voided_at.is_(None),
        within_jurisdiction(actor, CasePlace.jurisdiction_id),
    )
    return or_(within_jurisdiction(actor, Case.jurisdiction_id), Case.id.in_(assisting))


def _refund_scope(actor: Actor) -> ColumnElement[bool]:
    """A case's claims register is kept by its lead place (主办地) alone."""
    return within_jurisdiction(actor, Case.jurisdiction_id)


def _activity_scope(actor: Actor) -> ColumnElement[bool]:
    return within_jurisdiction(actor, Activity.jurisdiction_id)


def _alert_scope(actor: Actor) -> ColumnElement[bool]:
    """A bank's analyst sees that bank's alerts; the county's offices see every bank's."""
    if actor.role is Role.BANK_ANALYST:
        return MonitorAlert.bank == actor.bank if actor.bank else false()
    return true()


def _user_scope(actor: Actor) -> ColumnElement[bool]:
    return within_jurisdiction(actor, User.jurisdiction_id)


def _everything(actor: Actor) -> ColumnElement[bool]:
    return true()


# resource (the part of the action before the dot) → (model, scope clause for an actor)
SCOPES: dict[str, tuple[type[Any], Callable[[Actor], ColumnElement[bool]]]] = {
    "entity": (Entity, _entity_scope),
    "account": (BankAccount, _account_scope),
    "user": (User, _user_scope),
    "lead": (Lead, _lead_scope),
    "ledger": (Lead, _lead_scope),
    "reward": (Lead, _lead_scope),
    "case": (Case, _case_scope),
    "refund": (Case, _refund_scope),
    "activity": (Activity, _activity_scope),
    "alert": (MonitorAlert, _alert_scope),
}

Ts = TypeVarTuple("Ts")


def decide(actor: Actor, action: str) -> Decision:
    """Whether the role has the action at all (scope aside)."""
    if action in GRANTS.get(actor.role, frozenset()):
        return Decision(True, "")
    label = ACTION_LABELS.get(action, action)
    return Decision(False, f"角色“{actor.role.label}”没有“{label}”权限")


def can(actor: Actor, action: str) -> bool:
    """Shorthand for navigation and buttons: does the role have the action."""
    return decide(actor, action).allowed


def scope_clause(actor: Actor, action: str) -> ColumnElement[bool]:
    """The filter selecting the objects the actor may act on; false when the action is refused."""
    if not decide(actor, action).allowed:
        return false()
    if actor.role is Role.SYSTEM:
        return _everything(actor)
    resource = action.split(".", 1)[0]
    if resource not in SCOPES:
        return false()
    return SCOPES[resource][1](actor)


def scoped(stmt: Select[*Ts], actor: Actor, action: str) -> Select[*Ts]:
    """Filter a query down to the objects in the actor's scope for this action."""
    return stmt.where(scope_clause(actor, action))


def ensure(db: Session, actor: Actor, action: str, obj: Any | None = None) -> None:
    """Raise ``forbidden`` unless the actor may do ``action`` (to ``obj`` when given)."""
    decision = decide(actor, action)
    if not decision.allowed:
        raise forbidden(decision.reason)
    if obj is None or actor.role is Role.SYSTEM:
        return
    model, _ = SCOPES[action.split(".", 1)[0]]
    found = db.scalar(scoped(select(model.id).where(model.id == obj.id), actor, action))
    if found is None:
        raise forbidden("该对象不在您的管辖范围内")


def ensure_jurisdiction(db: Session, actor: Actor, jurisdiction_id: int) -> None:
    """Raise ``forbidden`` unless the jurisdiction lies within the actor's own."""
    if actor.role is Role.SYSTEM:
        return
    stmt = select(Jurisdiction.id).where(
        Jurisdiction.id == jurisdiction_id, within_jurisdiction(actor, Jurisdiction.id)
    )
    if db.scalar(stmt) is None:
        raise forbidden("所选辖区不在您的管辖范围内")
