"""Chinese names of audit actions, for pages that show an object's history."""

from __future__ import annotations

ACTION_LABELS = {
    "entity.create": "登记主体",
    "entity.update": "修改主体信息",
    "entity.import": "批量导入主体",
    "entity.view_identity": "查看身份证号码明文",
    "entity.void": "作废主体",
    "account.create": "登记银行账户",
    "user.create": "新增用户",
    "user.activate": "启用用户",
    "user.deactivate": "停用用户",
    "user.password": "修改密码",
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "token.create": "创建 API 令牌",
    "token.revoke": "吊销 API 令牌",
    "reference.sync": "同步基础数据文件",
    "reference.create": "新增基础数据条目",
    "reference.update": "修改基础数据条目",
    "reference.lpr_add": "登记 LPR",
    "jurisdiction.create": "新增辖区",
    "demo.load": "载入示范县数据",
    "calendar.override_set": "设置工作日历调整",
    "calendar.override_void": "作废工作日历调整",
    "calendar.year_official": "标记年度官方放假安排",
    "lead.register": "登记线索",
    "lead.assign": "交办",
    "lead.claim": "认领",
    "lead.return": "退回",
    "lead.judge": "研判",
    "lead.close": "办结",
    "lead.transfer": "转为案件",
    "lead.merge": "合并至其他线索",
    "lead.duplicate_linked": "关联疑似重复线索",
    "lead.duplicate_separate": "确认不是重复线索",
    "lead.view_informant": "查看举报人身份",
    "lead.import": "导入线索",
    "reward.propose": "提出举报奖励",
    "reward.approve": "审批举报奖励",
    "reward.pay": "登记奖励发放",
    "supervision.list": "列入重点监管对象",
    "supervision.unlist": "移出重点监管对象",
    "supervision.lead": "重点监管对象登记为线索",
    "report.part_save": "保存本单位填报",
    "report.part_submit": "提交本单位填报",
    "report.part_return": "退回单位填报",
}


def action_label(action: str) -> str:
    """The Chinese name of an audit action (the code itself when none is known)."""
    return ACTION_LABELS.get(action, action)
