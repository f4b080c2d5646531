"""Demo refunds: the cross-province case's claims register, pool and rounds, through the services.

Its participants (860 by default) are written to a register file and imported like a clerk's file (a few with a
mistyped ID number, four organisers and staff, some who received interest or rebates); the
register is verified, two receipts come into the dedicated account, a first round is drafted by
``chufei`` and approved by ``fuhe``, and a second round waits for ``fuhe``'s approval.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from fangfei.auth import service as auth
from fangfei.auth.models import User
from fangfei.cases.models import Case, CasePlace
from fangfei.demo.draw import Draw, new_id_number
from fangfei.refunds import figures, pool, register, rounds
from fangfei.refunds.allocation import fen_to_yuan
from fangfei.refunds.pool import ReceiptIn
from fangfei.refunds.register_import import COLUMNS, import_register
from fangfei.security.crypto import FieldCipher

PARTICIPANTS = 860
STAFF = (("组织者", 1), ("参与组织活动人员", 2), ("员工", 1))
SPOILED = 5  # mistyped ID numbers: flagged, not verified
BANKS = ("县农村商业银行", "中国农业银行示范县支行", "中国邮政储蓄银行示范县支行")
# Receipts and rounds as percentages of the registered claims, in whole 万元.
RECEIPTS = (("frozen", 13, 200, "示公冻〔2025〕17号 冻结资金划转"),
            ("auction", 12, 120, "（2025）示法拍字第 8 号 拍卖款"))  # fmt: skip
FIRST_ROUND, SECOND_ROUND = 20, 4
WAN_FEN = 1_000_000


def _rows(draw: Draw, today: date, count: int) -> list[dict[str, str]]:
    header = {name: label for name, (label, _) in COLUMNS.items()}
    roles = [role for role, n in STAFF for _ in range(n)]
    rows = []
    for index in range(count):
        male = draw.rng.random() < 0.45
        ident = new_id_number(draw, male)
        if index % (count // SPOILED) == 7:
            ident = ident[:-1] + ("0" if ident[-1] != "0" else "1")
        person = {
            header["name"]: draw.fake.name_male() if male else draw.fake.name_female(),
            header["id_number"]: ident, header["phone"]: draw.fake.phone_number(),
            header["bank"]: draw.rng.choice(BANKS),
            header["bank_account"]: "6230" + "".join(draw.rng.choices("0123456789", k=15)),
            header["role"]: roles[index] if index < len(roles) else "参与群众",
        }  # fmt: skip
        for _ in range(draw.weighted(((1, 6), (2, 3), (3, 1)))):
            amount = draw.weighted(((10000, 3), (30000, 4), (50000, 3), (100000, 1)))
            on = draw.day(today - timedelta(days=1400), today - timedelta(days=400))
            rows.append(person | {header["kind"]: "出资", header["on_date"]: on.isoformat(),
                                  header["amount"]: str(amount),
                                  header["reference"]: f"鑫盛理财{draw.rng.randint(1, 6)}号"})  # fmt: skip
            if draw.rng.random() < 0.4:
                paid = amount * draw.rng.choice((6, 9, 12)) // 100
                rows.append(person | {header["kind"]: draw.rng.choice(("利息", "返利")),
                                      header["on_date"]: (on + timedelta(days=180)).isoformat(),
                                      header["amount"]: str(paid)})  # fmt: skip
    return rows


def _cross_province_case(db: Session) -> Case:
    stmt = (
        select(Case)
        .join(CasePlace, CasePlace.case_id == Case.id)
        .where(CasePlace.role == "registration", CasePlace.reach == "province")
        .order_by(Case.id)
    )
    case = db.scalars(stmt).first()
    assert case is not None, "the demo journeys include a cross-province case"
    return case


def build_demo_refunds(
    db: Session, *, cipher: FieldCipher, seed: int, today: date, participants: int = PARTICIPANTS
) -> int:
    """Register, verify, fund and pay the cross-province case; returns its participants."""
    users = {u.username: auth.actor_for(u) for u in db.scalars(select(User))}
    maker, checker = users["chufei"], users["fuhe"]
    case = _cross_province_case(db)
    rows = _rows(Draw.seeded(seed + 8), today, participants)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "集资参与人登记表.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        result = import_register(db, actor=maker, cipher=cipher, case_id=case.id, path=path)
    register.change_status(db, actor=maker, case_id=case.id, action="verify", numbers=None)
    register.change_status(db, actor=maker, case_id=case.id, action="dispute", numbers=[10, 11],
                           reason="申报出资额与银行流水不一致，待补充凭证")  # fmt: skip
    claims = figures.of_case(db, case).claims_fen

    def share(percent: int) -> str:
        return fen_to_yuan(claims * percent // 100 // WAN_FEN * WAN_FEN)

    for source, percent, days, document in RECEIPTS:
        pool.add_receipt(db, actor=maker, case_id=case.id, data=ReceiptIn(
            received_on=today - timedelta(days=days), source=source, amount_yuan=share(percent),
            document_no=document))  # fmt: skip
    first = rounds.draft(db, actor=maker, case_id=case.id, amount_yuan=share(FIRST_ROUND),
                         note="首批清退：冻结资金及第一批拍卖款")  # fmt: skip
    rounds.approve(db, actor=checker, round_id=first.id, note="经处置工作组会议研究同意")
    rounds.draft(
        db, actor=maker, case_id=case.id, amount_yuan=share(SECOND_ROUND), note="第二批清退"
    )
    return result.new_participants
