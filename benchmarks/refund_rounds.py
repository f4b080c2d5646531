"""Time of a distribution round on a case's register in the database, drafted and approved.

Run: ``.venv/bin/python benchmarks/refund_rounds.py [participants] [database-url]`` (default
1,000,000 participants on a fresh SQLite file; pass a PostgreSQL URL to measure that instead).

The register is written straight into the tables (verified participants with typical claims),
then measured through the services: ``rounds.draft`` (read the claims, allocate, insert one
payment per participant) and ``rounds.approve`` (recompute and compare, add each payment to the
participant, update the case figures). The baseline, measured in the same run on the same claims,
is :func:`allocation.allocate` alone: what the database work adds to the arithmetic.
"""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from sqlalchemy import insert
from sqlalchemy.orm import Session

from fangfei.auth.roles import system_actor
from fangfei.cases.models import Case
from fangfei.db import make_engine
from fangfei.migrate import upgrade
from fangfei.reference import service as reference
from fangfei.refunds import pool, rounds
from fangfei.refunds.allocation import allocate, fen_to_yuan
from fangfei.refunds.models import Participant
from fangfei.refunds.pool import ReceiptIn

T = TypeVar("T")
SETUP = system_actor("benchmark")
MAKER, CHECKER = system_actor("benchmark-maker"), system_actor("benchmark-checker")
CHUNK = 20_000


def timed(label: str, action: Callable[[], T]) -> T:
    """Run ``action`` and print its wall time and the process's peak resident size after it."""
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<34} {seconds:8.2f} s   peak RSS {peak:8.0f} MiB", flush=True)
    return result


def _case(db: Session) -> Case:
    place = reference.add_jurisdiction(db, actor=SETUP, code="B100", name="基准县", level="county")
    case = Case(
        number="AJ2026-BENCH1", name="基准测试案", kind="case", origin="assigned",
        jurisdiction_id=place.id, stage="refunding", path="administrative",
        discovered_on=date(2024, 1, 1), created_by_name="benchmark", arrests=0,
    )  # fmt: skip
    db.add(case)
    db.flush()
    return case


def _register(db: Session, case_id: int, count: int) -> int:
    """Verified participants with typical claims (100 to 500,000 yuan); returns the claims total."""
    rng = random.Random(8)
    table = Participant.metadata.tables[Participant.__tablename__]
    total = 0
    for start in range(0, count, CHUNK):
        rows = []
        for number in range(start + 1, min(start + CHUNK, count) + 1):
            fen = rng.randint(10_000, 50_000_000)
            total += fen
            rows.append({
                "case_id": case_id, "number": number, "name": f"参与人{number}",
                "id_number_encrypted": b"-", "id_blind_index": f"{number:064d}",
                "id_number_masked": "110101********0000", "id_status": "valid",
                "role": "participant", "status": "verified", "contributed_fen": fen,
                "returned_fen": 0, "paid_fen": 0,
            })  # fmt: skip
        db.execute(insert(table), rows)
    return total


def main() -> None:
    """Build the register, then time the baseline, the draft and the approval."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as folder:
        url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine, actor=SETUP)
        print(f"{count:,} 名参与人，数据库 {engine.dialect.name}")
        with Session(engine) as db:
            case = _case(db)
            claims_fen = timed("写入登记册（准备，不计入）", lambda: _register(db, case.id, count))
            pool_fen = claims_fen * 37 // 100
            pool.add_receipt(db, actor=SETUP, case_id=case.id, data=ReceiptIn(
                received_on=date(2025, 1, 1), source="auction", amount_yuan=fen_to_yuan(pool_fen),
                document_no="基准"))  # fmt: skip
            db.commit()
            owed = rounds.remaining_claims(db, case.id).owed
            shares = timed("基线：allocate 内存中分配", lambda: allocate(owed, pool_fen))
            assert sum(shares.values()) == pool_fen
            amount = fen_to_yuan(pool_fen)
            draft = timed("起草（rounds.draft）", lambda: rounds.draft(
                db, actor=MAKER, case_id=case.id, amount_yuan=amount))  # fmt: skip
            timed(
                "审批（rounds.approve）",
                lambda: rounds.approve(db, actor=CHECKER, round_id=draft.id),
            )
            timed("提交事务", db.commit)
            paid = pool.paid_out_fen(db, case.id)
            print(f"本轮合计 {fen_to_yuan(paid, grouped=True)} 元 = 可分配 {fen_to_yuan(pool_fen, grouped=True)} 元："
                  f"{'一致' if paid == pool_fen else '不一致'}")  # fmt: skip
        engine.dispose()


if __name__ == "__main__":
    main()
