"""Response times of the busiest pages with a county's worth of data, on SQLite and PostgreSQL.

Run: ``.venv/bin/python benchmarks/web_lists.py [--enterprises 1000000] [--leads 100000]
[--requests 40] [--backend sqlite|postgresql|both]``. Goal (issue 6): p95 ≤ 150 ms.

Each backend gets a fresh database (PostgreSQL: a throwaway cluster from the machine's binaries),
migrated, with a county of 20 townships, ``--enterprises`` enterprises and ``--leads`` leads
bulk-inserted. Pages are requested through the ASGI app in process (no network), logged in as
the lead office (whole county) and as a department (its own leads only). The baseline measured
in the same run is ``/healthz``: the floor of one request through the same stack without a query.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from fangfei.auth import service as auth
from fangfei.auth.roles import Role, system_actor
from fangfei.config import Settings
from fangfei.db import Base, make_engine, make_sessionmaker, utcnow
from fangfei.leads.matching import subject_key
from fangfei.leads.workflow import STATUS_LABELS
from fangfei.main import create_app
from fangfei.migrate import upgrade
from fangfei.reference import service as reference
from fangfei.security.keys import generate_encryption_key, generate_secret_key

ACTOR = system_actor("benchmark")
PASSWORD = "benchmark-pass"
CHUNK = 20_000
WORDS = [
    "鑫盛",
    "汇金",
    "富民",
    "兴旺",
    "康乐",
    "万达",
    "恒通",
    "瑞丰",
    "金穗",
    "华夏",
    "德润",
    "嘉禾",
    "宏远",
    "天成",
    "博雅",
    "同心",
]
TRADES = [
    "商贸",
    "理财咨询",
    "建材",
    "农业科技",
    "养老服务",
    "餐饮",
    "物流",
    "投资管理",
    "文化传媒",
    "医疗器械",
]
DOMAINS = ["d1_fintech", "d2_private_finance", "d3_securities", "d4_local_finance",
           "d5_other_sectors", "d6_other"]  # fmt: skip
CHANNELS = ["hotline_12345", "grid_worker", "bank_referral", "online_monitoring", "letter"]


def _table(name: str):  # type: ignore[no-untyped-def]
    return Base.metadata.tables[name]


def _county(db: Session) -> tuple[list[int], int]:
    """The county, its townships and two users; the township ids and the department id."""
    reference.add_jurisdiction(db, actor=ACTOR, code="B100", name="基准县", level="county")
    towns = [
        reference.add_jurisdiction(db, actor=ACTOR, code=f"B1{n:02d}", name=f"第{n}镇",
                                   level="township", parent_code="B100").id
        for n in range(1, 21)
    ]  # fmt: skip
    county = reference.jurisdiction_by_code(db, "B100")
    market = reference.department_by_code(db, "market_regulation")
    for name, role, department in (("office", Role.LEAD_OFFICE, None),
                                   ("market", Role.DEPARTMENT, market.id)):  # fmt: skip
        auth.create_user(db, actor=ACTOR, username=name, display_name=name, password=PASSWORD,
                         role=role, jurisdiction_id=county.id, department_id=department)  # fmt: skip
    return towns, market.id


def _enterprises(db: Session, rng: random.Random, towns: list[int], count: int) -> None:
    now = utcnow()
    entities, details = _table("entities"), _table("enterprises")
    stmt = insert(entities).returning(entities.c.id, sort_by_parameter_order=True)
    for start in range(0, count, CHUNK):
        rows = [
            {"kind": "enterprise", "name": f"第{rng.randint(1, 20)}镇{rng.choice(WORDS)}"
             f"{rng.choice(TRADES)}{n}有限公司", "jurisdiction_id": rng.choice(towns),
             "key_status": "missing", "created_at": now, "updated_at": now}
            for n in range(start, min(count, start + CHUNK))
        ]  # fmt: skip
        ids = list(db.execute(stmt, rows).scalars())
        db.execute(insert(details), [{"id": i, "licence_type": "none"} for i in ids])
        print(f"\r  enterprises {start + len(rows):,}/{count:,}", end="", file=sys.stderr)
    print(file=sys.stderr)


def _lead_row(rng: random.Random, n: int, towns: list[int], market: int, max_entity: int) -> dict:  # type: ignore[type-arg]
    status = rng.choice(list(STATUS_LABELS))
    day = date(2025, 1, 1) + timedelta(days=rng.randint(0, 690))
    name = f"第{rng.randint(1, 20)}镇{rng.choice(WORDS)}{rng.choice(TRADES)}有限公司"
    assigned = status != "registered"
    return {
        "number": f"XS{day.year}-{n:07d}", "channel": rng.choice(CHANNELS), "source": "public_report",
        "domain": rng.choice(DOMAINS), "subject_entity_id": rng.randint(1, max_entity),
        "subject_name": name, "subject_key": subject_key(name), "jurisdiction_id": rng.choice(towns),
        "description": "宣传保本高息理财。", "amount_yuan": Decimal(rng.randint(1, 5000) * 1000),
        "people_count": rng.randint(1, 500), "discovered_on": day, "status": status,
        "assignee_department_id": market if assigned and rng.random() < 0.3 else None,
        "due_on": day + timedelta(days=21) if assigned else None, "due_provisional": False,
        "informant_real_name": False, "created_by_name": "benchmark", "created_at": utcnow(),
        "updated_at": utcnow(),
    }  # fmt: skip


def _leads(db: Session, rng: random.Random, towns: list[int], market: int, count: int) -> None:
    max_entity = db.scalar(select(func.max(_table("entities").c.id))) or 1
    for start in range(0, count, CHUNK):
        rows = [_lead_row(rng, n, towns, market, max_entity)
                for n in range(start, min(count, start + CHUNK))]  # fmt: skip
        db.execute(insert(_table("leads")), rows)
        print(f"\r  leads {start + len(rows):,}/{count:,}", end="", file=sys.stderr)
    print(file=sys.stderr)


def populate(engine: Engine, enterprises: int, leads: int) -> None:
    """Migrate and fill a fresh database."""
    upgrade(engine, actor=ACTOR)
    rng = random.Random(6)
    with Session(engine) as db:
        towns, market = _county(db)
        _enterprises(db, rng, towns, enterprises)
        _leads(db, rng, towns, market, leads)
        db.commit()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")


def _timed(client: TestClient, path: str, requests: int) -> list[float]:
    """Milliseconds per request (after one warm-up request)."""
    assert client.get(path).status_code == 200, path
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def _log_in(client: TestClient, username: str) -> None:
    page = client.get("/login").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"username": username, "password": PASSWORD, "next": "/", "csrf_token": token}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303


def pages(engine: Engine) -> list[tuple[str, str, str]]:
    """(who, label, path) for every page measured."""
    with Session(engine) as db:
        some_entity = db.scalar(select(func.max(_table("entities").c.id)))
        some_lead = db.scalar(select(func.max(_table("leads").c.id)))
    return [
        ("office", "基线 /healthz", "/healthz"),
        ("office", "线索列表（首页）", "/leads"),
        ("office", "线索列表（第 50 页）", "/leads?page=50"),
        ("office", "线索列表（领域+状态）", "/leads?domain=d3_securities&status=verifying"),
        ("office", "线索列表（按名称搜索）", "/leads?q=鑫盛理财"),
        ("office", "线索列表（超期）", "/leads?overdue=true"),
        ("office", "线索列表（2025Q2）", "/leads?period=2025Q2"),
        ("market", "线索列表（成员单位）", "/leads"),
        ("office", "线索详情", f"/leads/{some_lead}"),
        ("office", "台账（附件 2）", "/ledger?layout=a2"),
        ("office", "主体档案页", f"/entities/{some_entity}"),
        ("office", "主体检索（名称）", "/entities?q=汇金建材"),
        ("office", "主体列表（首页）", "/entities"),
    ]


def measure(engine: Engine, requests: int) -> list[tuple[str, float, float, float]]:
    """p50, p95 and max per page."""
    settings = Settings(env="test", home=Path(tempfile.mkdtemp()), secret_key=generate_secret_key(),
                        encryption_key=generate_encryption_key())  # fmt: skip
    app = create_app(settings, sessions=make_sessionmaker(engine))
    results = []
    clients: dict[str, TestClient] = {}
    with TestClient(app) as office, TestClient(app) as market:
        clients = {"office": office, "market": market}
        for name, client in clients.items():
            _log_in(client, name)
        for who, label, path in pages(engine):
            times = sorted(_timed(clients[who], path, requests))
            p95 = times[max(0, round(len(times) * 0.95) - 1)]
            results.append((label, statistics.median(times), p95, times[-1]))
    return results


@contextmanager
def database(kind: str) -> Iterator[Engine]:
    """A fresh, empty database of the kind."""
    if kind == "sqlite":
        folder = Path(tempfile.mkdtemp())
        engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
        yield engine
        engine.dispose()
        return
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the throwaway cluster of tests
    from tests.pgserver import running_cluster

    with running_cluster() as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"{args.enterprises:,} enterprises, {args.leads:,} leads, {args.requests} requests per "
          f"page (Python {sys.version.split()[0]})")  # fmt: skip
    for kind in kinds:
        with database(kind) as engine:
            started = time.perf_counter()
            populate(engine, args.enterprises, args.leads)
            print(f"\n{kind}: loaded in {time.perf_counter() - started:.0f} s")
            print(f"{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}  page")
            for label, p50, p95, worst in measure(engine, args.requests):
                flag = "" if p95 <= 150 else "  (p95 > 150 ms)"
                print(f"{p50:>8.1f}{p95:>8.1f}{worst:>8.1f}  {label}{flag}")


if __name__ == "__main__":
    main()
