"""示范县 — a deterministic demo county: townships, enterprises, persons, accounts and logins.

Everything random comes from one seed (Faker for names, ``random.Random`` for the rest), so the
same seed always yields the same USCCs, ID numbers and names. Entities are written with bulk
inserts under one import batch; users and jurisdictions go through their services (and audit).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session
from stdnum.cn import uscc

from fangfei.audit import service as audit
from fangfei.auth import service as auth
from fangfei.auth.models import User
from fangfei.auth.roles import Actor, Role
from fangfei.clock import local_today
from fangfei.db import Base, utcnow
from fangfei.demo.activities import build_demo_activities
from fangfei.demo.cases import build_demo_cases
from fangfei.demo.draw import REGION_CODE, Draw, new_id_number
from fangfei.demo.leads import DEMO_LEADS, build_demo_leads
from fangfei.demo.parts import build_demo_parts
from fangfei.demo.refunds import PARTICIPANTS, build_demo_refunds
from fangfei.entities.identifiers import check_uscc
from fangfei.entities.models import Entity, ImportBatch
from fangfei.entities.service import person_key_fields
from fangfei.errors import conflict
from fangfei.reference import service as reference
from fangfei.reference.models import Jurisdiction
from fangfei.screening import supervision
from fangfei.security.crypto import FieldCipher

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while the demo loads."""

DEFAULT_SEED = 20261123
DEMO_PASSWORD = "fangfei-demo"
COUNTY_CODE, COUNTY_NAME = "DEMO", "示范县"


def _words(text: str) -> tuple[str, ...]:
    """Space-separated words as a tuple (keeps long Chinese word lists readable)."""
    return tuple(text.split())


TOWNSHIPS = _words(
    "城关镇 东关街道 西关街道 石桥镇 河口镇 马庄乡 柳林镇 双庙乡 龙泉镇 白杨镇 新集镇 高桥镇 "
    "三里河街道 王集乡 黄土岭乡 青山镇 大营镇 杨柳镇 清水乡 古城镇"
)
RURAL_BANK = "县农村商业银行"
BANKS = (
    (RURAL_BANK, "6230", 34), ("中国农业银行示范县支行", "6228", 20),
    ("中国工商银行示范县支行", "6222", 12), ("中国建设银行示范县支行", "6217", 12),
    ("中国邮政储蓄银行示范县支行", "6221", 14), ("示范县村镇银行", "6231", 8),
)  # fmt: skip
ROADS = _words("人民路 解放路 建设路 新华路 文化路 府前街 工业园区 商贸城 滨河路")
VILLAGES = _words("王庄 李家湾 石门 新华 红星 东风 前进 张湾 刘集 杨树沟 桃园 陈家岗 柳树屯 南坡")


def _trades(text: str) -> tuple[tuple[str, str], ...]:
    """``trade|business scope`` lines as pairs."""
    return tuple((t, s) for t, s in (line.split("|") for line in text.strip().splitlines()))


ORDINARY = _trades("""
商贸|日用百货、五金交电、建筑材料销售
农业开发|农作物种植；农产品初加工及销售；农业技术推广服务
养殖|牲畜、家禽饲养及销售；水产养殖
建筑工程|房屋建筑工程、市政公用工程施工；建筑劳务分包
餐饮管理|餐饮服务；食品销售
物流|道路普通货物运输；仓储服务（不含危险化学品）
服装|服装、鞋帽、针纺织品零售
机械制造|通用机械设备制造、销售及维修
电子科技|电子产品研发、销售；计算机软硬件技术开发
汽车服务|汽车维修；汽车零配件销售；二手车经纪
建材|水泥制品、砂石料生产及销售
旅游开发|旅游景区开发经营；乡村旅游服务；住宿服务
文化传媒|广告设计、制作、发布；文化艺术交流活动策划
家政服务|家政服务；养老服务（不含医疗服务）
医药|中药材种植；药品零售
房地产开发|房地产开发经营；物业管理
茶业|茶叶种植、加工及销售
新能源|光伏发电设备安装及销售；节能技术推广服务
""")
# Scopes with the words later screening looks for.
FINANCIAL = _trades("""
投资管理|投资管理；资产管理；企业管理咨询（未经金融监管部门批准，不得从事吸收存款、融资担保、代客理财等金融业务）
资产管理|资产管理；股权投资；投资咨询
理财咨询|理财咨询；财务咨询；企业信息咨询服务
财富管理|财富管理；投资管理咨询；经济信息咨询
投资咨询|投资咨询；商务信息咨询；会议及展览服务
养老产业|养老服务；健康咨询；养老产业投资管理
""")
LICENSED = {
    "small_loan": ("小额贷款", "在本县范围内发放贷款和提供财务咨询（经省地方金融监管部门批准）"),
    "pawn": ("典当", "动产质押典当业务；财产权利质押典当业务；房地产抵押典当业务"),
    "financing_guarantee": ("融资担保", "借款类担保业务、发行债券担保业务和其他融资担保业务"),
}
SUFFIXES = (("有限公司", 70), ("有限责任公司", 25), ("股份有限公司", 5))
STATUS_WEIGHTS = {"active": 85, "revoked": 5, "cancelled": 6, "moved_out": 2, "suspended": 2}
FINANCIAL_SHARE, INVALID_SHARE, MISSING_SHARE = 0.05, 0.003, 0.002
ENTERPRISE_ACCOUNT_SHARE, PERSON_ACCOUNT_SHARE = 0.25, 0.2
CHUNK = 2000
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class DemoLogin:
    """One demo login and the scope it is created with."""

    username: str
    role: Role
    display_name: str
    township: bool = False
    department: str | None = None
    bank: str | None = None
    password: str = DEMO_PASSWORD


DEMO_LOGINS = (
    DemoLogin("admin", Role.ADMIN, "系统管理员"),
    DemoLogin("chufei", Role.LEAD_OFFICE, "处非办工作人员"),
    DemoLogin("fuhe", Role.LEAD_OFFICE, "处非办复核人"),
    DemoLogin("shichang", Role.DEPARTMENT, "县市场监管局", department="market_regulation"),
    DemoLogin("gongan", Role.DEPARTMENT, "县公安局", department="public_security"),
    DemoLogin("xiangzhen", Role.TOWNSHIP, "城关镇网格员", township=True),
    DemoLogin("yinhang", Role.BANK_ANALYST, "县农村商业银行分析员", bank=RURAL_BANK),
    DemoLogin("lingdao", Role.LEADER, "分管县领导"),
)


@dataclass(frozen=True)
class DemoSummary:
    """What the demo load created; ``dataset_sha256`` is the same for the same seed."""

    seed: int
    county_id: int
    townships: int
    enterprises: int
    persons: int
    flagged_enterprises: int
    flagged_persons: int
    accounts: int
    import_batch_id: int
    dataset_sha256: str
    leads: int
    cases: int
    participants: int
    supervised: int = 0  # enterprises their names put on the key-supervision list
    alerts: int = 0  # fund-flow alerts of the demo bank data (loaded by the command, not here)
    logins: tuple[DemoLogin, ...] = DEMO_LOGINS


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _tick(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


def existing_counts(db: Session) -> dict[str, int]:
    """How many users and entities the database already holds."""
    return {
        "users": db.scalar(select(func.count()).select_from(User)) or 0,
        "entities": db.scalar(select(func.count()).select_from(Entity)) or 0,
    }


def ensure_empty(db: Session) -> None:
    """Refuse to load the demo into a database that already has users or entities."""
    counts = existing_counts(db)
    if counts["users"] or counts["entities"]:
        raise conflict(
            f"数据库中已有 {counts['users']} 个用户、{counts['entities']} 个主体："
            "演示数据只能载入空数据库。请更换 FANGFEI_HOME（或数据库）后再试。"
        )


# --- keys ---------------------------------------------------------------------------------


def organisation_code(body: str) -> str:
    """An 8-character organisation code body with its GB 11714 check character appended."""
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, _ORG_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def _new_uscc(draw: Draw, registered: date) -> str:
    def make() -> str:
        if registered.year >= 2016:  # codes assigned since the 2015 reform start with "MA"
            body = "MA" + "".join(draw.rng.choices(USCC_ALPHABET, k=6))
        else:
            body = "".join(draw.rng.choices("0123456789", k=8))
        first17 = "91" + REGION_CODE + organisation_code(body)
        return first17 + uscc.calc_check_digit(first17)

    return draw.fresh(make)


def _spoil(draw: Draw, valid: str, alphabet: str) -> str | None:
    """A missing key, or the valid one with a wrong check character."""
    if draw.rng.random() < MISSING_SHARE / (MISSING_SHARE + INVALID_SHARE):
        return None
    return valid[:-1] + draw.rng.choice([c for c in alphabet if c != valid[-1]])


def _maybe_spoil(draw: Draw, valid: str, alphabet: str) -> str | None:
    if draw.rng.random() < INVALID_SHARE + MISSING_SHARE:
        return _spoil(draw, valid, alphabet)
    return valid


# --- rows ---------------------------------------------------------------------------------

Row = tuple[dict[str, Any], dict[str, Any]]
"""The ``entities`` columns and the detail-table columns of one generated entity."""


def _address(draw: Draw, township: str) -> str:
    n = draw.rng.randint(1, 399)
    if township.endswith("乡") or draw.rng.random() < 0.4:
        group = draw.rng.randint(1, 12)
        return f"{COUNTY_NAME}{township}{draw.rng.choice(VILLAGES)}村{group}组{n % 80 + 1}号"
    return f"{COUNTY_NAME}{township}{draw.rng.choice(ROADS)}{n}号"


def _trade(draw: Draw, licence: str) -> tuple[str, str]:
    if licence != "none":
        return LICENSED[licence]
    return draw.rng.choice(FINANCIAL if draw.rng.random() < FINANCIAL_SHARE else ORDINARY)


def _firm_name(draw: Draw, trade: str) -> str:
    prefix = draw.fake.company_prefix() if draw.rng.random() < 0.8 else draw.fake.last_name() + "氏"
    county = COUNTY_NAME if draw.rng.random() < 0.6 else ""
    return f"{county}{prefix}{trade}{draw.weighted(SUFFIXES)}"


def _enterprise_row(
    draw: Draw, places: Sequence[tuple[Jurisdiction, int]], statuses: Sequence[tuple[str, int]],
    licence: str,
) -> Row:  # fmt: skip
    place: Jurisdiction = draw.weighted(places)
    trade, scope = _trade(draw, licence)
    name = _firm_name(draw, trade)
    registered = draw.day(date(1995, 1, 1), date(2025, 12, 31))
    key = check_uscc(_maybe_spoil(draw, _new_uscc(draw, registered), USCC_ALPHABET))
    representative = draw.fake.name()
    roll = draw.rng.random()
    controller = representative if roll < 0.75 else (draw.fake.name() if roll < 0.9 else None)
    entity = dict(kind="enterprise", name=name, jurisdiction_id=place.id,
                  address=_address(draw, place.name), key_status=key.status,
                  key_problem=key.problem)  # fmt: skip
    detail = dict(uscc=key.value, legal_representative=representative,
                  actual_controller=controller, business_scope=scope, licence_type=licence,
                  registration_date=registered, business_status=draw.weighted(statuses))  # fmt: skip
    return entity, detail


def _enterprise_rows(
    db: Session, draw: Draw, places: Sequence[Jurisdiction], count: int
) -> list[Row]:
    codes = [item.code for item in reference.items(db, "enterprise_status", active_only=True)]
    statuses = [(code, STATUS_WEIGHTS.get(code, 1)) for code in codes]
    kinds = list(LICENSED)
    chosen = draw.rng.sample(range(count), min(count, max(3, count // 2000)))
    licences = {i: kinds[n % len(kinds)] for n, i in enumerate(chosen)}
    # Town seats and urban sub-districts hold more businesses than rural townships.
    weighted = [(p, 6 if p.name.endswith("街道") or p.name == "城关镇" else 2) for p in places]
    return [
        _enterprise_row(draw, weighted, statuses, licences.get(i, "none")) for i in range(count)
    ]


def _person_row(draw: Draw, cipher: FieldCipher, places: Sequence[Jurisdiction]) -> Row:
    male = draw.rng.random() < 0.5
    name = draw.fake.name_male() if male else draw.fake.name_female()
    place = draw.rng.choice(places)
    keys = person_key_fields(cipher, _maybe_spoil(draw, new_id_number(draw, male), "0123456789X"))
    entity = dict(kind="person", name=name, jurisdiction_id=place.id,
                  address=_address(draw, place.name), key_status=keys.pop("key_status"),
                  key_problem=keys.pop("key_problem"))  # fmt: skip
    # A missing number has no key columns; every row of one executemany needs the same keys.
    detail = dict.fromkeys(("id_number_encrypted", "id_blind_index", "id_number_masked"))
    return entity, {**detail, **keys, "phone": draw.fake.phone_number()}


def _dataset_digest(enterprises: list[Row], persons: list[Row]) -> str:
    """A key-independent fingerprint of the generated data (names, USCCs, masked ID numbers)."""
    lines = [(e["name"], d["uscc"]) for e, d in enterprises]
    lines += [(e["name"], d.get("id_number_masked")) for e, d in persons]
    return hashlib.sha256(json.dumps(lines, ensure_ascii=False).encode("utf-8")).hexdigest()


def _account_number(rng: random.Random, prefix: str, digits: int) -> str:
    return f"{prefix}{rng.randrange(10**digits):0{digits}d}"


def _account_rows(
    draw: Draw, holders: Sequence[tuple[int, str, date | None]], share: float
) -> list[dict[str, Any]]:
    rows = []
    for holder_id, holder_name, since in holders:
        if draw.rng.random() >= share:
            continue
        bank, prefix = draw.weighted([((name, prefix), w) for name, prefix, w in BANKS])
        digits = 15 if since is None else 13  # personal cards are 19 digits, company accounts 17
        number = draw.fresh(partial(_account_number, draw.rng, prefix, digits))
        first = max(since or date(2005, 1, 1), date(2005, 1, 1))
        opened = draw.day(first, max(first, date(2025, 12, 31)))
        rows.append(dict(bank=bank, account_number=number, holder_name=holder_name,
                         holder_entity_id=holder_id, opened_at=opened))  # fmt: skip
    return rows


# --- writing ------------------------------------------------------------------------------


def _insert_entities(
    db: Session, rows: list[Row], detail: Table, common: dict[str, Any], tick: Callable[[int], None]
) -> list[int]:
    """Insert entity rows then their detail rows, chunk by chunk; the new ids in input order."""
    entities = _table("entities")
    stmt = insert(entities).returning(entities.c.id, sort_by_parameter_order=True)
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        new_ids = list(db.execute(stmt, [{**e, **common} for e, _ in chunk]).scalars())
        details = [{**d, "id": i} for (_, d), i in zip(chunk, new_ids, strict=True)]
        db.execute(insert(detail), details)
        ids += new_ids
        tick(len(ids))
    return ids


def _insert_accounts(db: Session, rows: list[dict[str, Any]], tick: Callable[[int], None]) -> None:
    now = utcnow()
    for start in range(0, len(rows), CHUNK):
        chunk = [{**r, "created_at": now} for r in rows[start : start + CHUNK]]
        db.execute(insert(_table("bank_accounts")), chunk)
        tick(start + len(chunk))


def _create_places(db: Session, actor: Actor) -> tuple[Jurisdiction, list[Jurisdiction]]:
    add = partial(reference.add_jurisdiction, db, actor=actor)
    county = add(code=COUNTY_CODE, name=COUNTY_NAME, level="county")
    townships = [
        add(code=f"{COUNTY_CODE}{n:02d}", name=name, level="township", parent_code=COUNTY_CODE)
        for n, name in enumerate(TOWNSHIPS, start=1)
    ]
    return county, townships


def _create_users(
    db: Session, actor: Actor, places: tuple[Jurisdiction, Jurisdiction], progress: Progress | None
) -> None:
    for n, login in enumerate(DEMO_LOGINS, start=1):
        dept = reference.department_by_code(db, login.department) if login.department else None
        auth.create_user(db, actor=actor, username=login.username, display_name=login.display_name,
                         password=login.password, role=login.role.value,
                         jurisdiction_id=places[1 if login.township else 0].id,
                         department_id=dept.id if dept else None, bank=login.bank)  # fmt: skip
        _tick(progress, "创建用户", n, len(DEMO_LOGINS))


@dataclass
class _Loaded:
    """The generated entity rows, the ids they were stored under and their import batch."""

    batch: ImportBatch
    enterprises: list[Row]
    enterprise_ids: list[int]
    persons: list[Row]
    person_ids: list[int]

    def flagged(self, rows: list[Row]) -> int:
        return sum(1 for entity, _ in rows if entity["key_status"] != "valid")


def _load_entities(
    db: Session, draw: Draw, actor: Actor, cipher: FieldCipher, places: list[Jurisdiction],
    seed: int, counts: tuple[int, int], progress: Progress | None,
) -> _Loaded:  # fmt: skip
    _tick(progress, "生成数据", 0, 1)
    firms = _enterprise_rows(db, draw, places, counts[0])
    people = [_person_row(draw, cipher, places) for _ in range(counts[1])]
    _tick(progress, "生成数据", 1, 1)
    batch = ImportBatch(kind="demo", filename=f"示范县演示数据（种子 {seed}）",
                        sha256=_dataset_digest(firms, people), row_count=len(firms) + len(people),
                        actor_name=actor.label)  # fmt: skip
    db.add(batch)
    db.flush()
    now = utcnow()
    common = {"import_batch_id": batch.id, "created_at": now, "updated_at": now}
    firm_ids = _insert_entities(db, firms, _table("enterprises"), common,
                                lambda n: _tick(progress, "写入企业", n, len(firms)))  # fmt: skip
    person_ids = _insert_entities(db, people, _table("persons"), common,
                                  lambda n: _tick(progress, "写入个人", n, len(people)))  # fmt: skip
    return _Loaded(batch, firms, firm_ids, people, person_ids)


def _load_accounts(db: Session, draw: Draw, loaded: _Loaded, progress: Progress | None) -> int:
    firms = zip(loaded.enterprise_ids, loaded.enterprises, strict=True)
    people = zip(loaded.person_ids, loaded.persons, strict=True)
    rows = _account_rows(draw, [(i, e["name"], d["registration_date"]) for i, (e, d) in firms],
                         ENTERPRISE_ACCOUNT_SHARE)  # fmt: skip
    rows += _account_rows(
        draw, [(i, e["name"], None) for i, (e, _) in people], PERSON_ACCOUNT_SHARE
    )
    _insert_accounts(db, rows, lambda n: _tick(progress, "写入银行账户", n, len(rows)))
    return len(rows)


def build_demo(
    db: Session,
    *,
    actor: Actor,
    cipher: FieldCipher,
    seed: int = DEFAULT_SEED,
    enterprises: int = 20000,
    persons: int = 5000,
    files_root: Path,
    leads: int = DEMO_LEADS,
    participants: int = PARTICIPANTS,
    progress: Progress | None = None,
    today: date | None = None,
) -> DemoSummary:
    """Load the demo county into an empty database, in the caller's transaction."""
    ensure_empty(db)
    draw = Draw.seeded(seed)
    county, townships = _create_places(db, actor)
    loaded = _load_entities(
        db, draw, actor, cipher, townships, seed, (enterprises, persons), progress
    )
    accounts = _load_accounts(db, draw, loaded, progress)
    screened = supervision.screen_batch(db, actor=actor, batch_id=loaded.batch.id,
                                        input_name="示范县企业名录",
                                        input_sha256=loaded.batch.sha256)  # fmt: skip
    _create_users(db, actor, (county, townships[0]), progress)
    _tick(progress, "登记风险线索", 0, 1)
    today = today or local_today()
    build_demo_leads(db, actor=actor, cipher=cipher, seed=seed, count=leads, today=today)
    _tick(progress, "登记风险线索", 1, 1)
    cases = build_demo_cases(db, actor=actor, files_root=files_root, today=today)
    build_demo_activities(db, seed=seed, today=today)
    build_demo_parts(db, today=today)
    participants = build_demo_refunds(db, cipher=cipher, seed=seed, today=today,
                                      participants=participants)  # fmt: skip
    summary = DemoSummary(
        seed=seed, county_id=county.id, townships=len(townships), enterprises=enterprises,
        persons=persons, flagged_enterprises=loaded.flagged(loaded.enterprises),
        flagged_persons=loaded.flagged(loaded.persons), accounts=accounts,
        import_batch_id=loaded.batch.id, dataset_sha256=loaded.batch.sha256, leads=leads,
        cases=cases, participants=participants, supervised=screened.flagged,
    )  # fmt: skip
    detail = {k: v for k, v in vars(summary).items() if k != "logins"}
    detail["users"] = [login.username for login in DEMO_LOGINS]
    audit.record(db, actor=actor, action="demo.load", object_type="import_batch",
                 object_id=loaded.batch.id, detail=detail)  # fmt: skip
    return summary
