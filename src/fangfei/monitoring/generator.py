"""Synthetic county bank data: accounts, statement lines and account-level ground truth.

``generate`` builds a county's accounts, lets each group (a payroll employer, a supermarket and
its head office, a Ponzi network, …) write its statement lines, and streams them to canonical CSV
or Parquet in chunks. A transfer between two accounts that are both in the data appears twice, as
in real statements. The same seed gives the same files. Legitimate look-alikes live in
``lookalikes``, injected schemes in ``schemes``; ``labels.csv`` records, per account, its role
and the typologies it was built to show.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Literal

import pyarrow as pa
from stdnum.cn import ric, uscc

from fangfei.monitoring.canonical import AMOUNT_TYPE
from fangfei.monitoring.generator_io import LineWriter, write_accounts, write_labels

Difficulty = Literal["easy", "medium", "hard"]
Format = Literal["csv", "parquet"]
DAY = 86_400
CHUNK_ROWS = 500_000
BANKS = (
    ("县农村商业银行", "R", "6230"),
    ("中国工商银行某县支行", "I", "6222"),
    ("中国农业银行某县支行", "A", "6228"),
    ("中国建设银行某县支行", "C", "6217"),
    ("中国邮政储蓄银行某县支行", "P", "6221"),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕鹏辉建国志文斌飞云春梅兰海波宁"
)
PLACES = "川南安宁兴隆丰泰和平顺德华康永盛鑫源汇通达"
BANK_CODES = {name: code for name, code, _ in BANKS}
REGIONS = ("330122", "140121", "140122", "210421", "211021")


@dataclass(frozen=True)
class Profile:
    """How hard a difficulty makes the schemes to see and the look-alikes to tell apart."""

    remark_rate: float
    round_rate: float
    network_hops: int
    camouflage: bool
    lookalikes: float
    tricky: bool
    mule_payers: tuple[int, int]
    mule_forward_hours: tuple[int, int]
    lender_rate: tuple[float, float]
    cycle_retention: tuple[float, float]
    cycle_hop_hours: tuple[int, int]


PROFILES: dict[str, Profile] = {
    "easy": Profile(
        0.8, 0.9, 0, False, 0.5, False, (6, 20), (0, 6), (1.0, 3.0), (0.97, 1.0), (1, 12)
    ),
    "medium": Profile(
        0.3, 0.5, 1, False, 1.0, False, (4, 12), (1, 24), (0.6, 1.5), (0.92, 1.0), (2, 30)
    ),
    "hard": Profile(
        0.05, 0.2, 2, True, 1.5, True, (2, 7), (2, 40), (0.45, 1.0), (0.85, 0.99), (4, 40)
    ),
}


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate."""

    accounts: int
    days: int
    seed: int
    difficulty: Difficulty = "medium"
    start: date = date(2025, 1, 1)

    @property
    def profile(self) -> Profile:
        """The knobs of the chosen difficulty."""
        return PROFILES[self.difficulty]


@dataclass(eq=False)
class Acct:
    """An account in the data, with its ground truth."""

    account_id: str
    bank: str
    name: str
    holder_type: str
    holder_id: str
    opened: date
    role: str = "individual"
    typologies: set[str] = field(default_factory=set)
    scheme: str = ""
    busy: bool = False  # its background activity is written by its group, not by the pool


@dataclass(frozen=True)
class External:
    """A counterparty outside the data (another bank's customer, a payment company)."""

    account_id: str
    name: str


Party = Acct | External


class Emitter:
    """Collects statement lines column by column and hands them on in chunks."""

    def __init__(self, start: date, days: int, sink: Callable[[pa.Table], None]) -> None:
        self.start_es = calendar.timegm(start.timetuple())
        self.end_es = self.start_es + days * DAY
        self._sink = sink
        self._cols: tuple[list[object], ...] = tuple([] for _ in range(10))
        self._next = 0
        self.rows = 0

    def at(self, day: int, second: int) -> int:
        """Epoch seconds (local wall time counted as UTC) of a second on a day of the window."""
        return self.start_es + day * DAY + second

    def line(
        self,
        acct: Acct,
        inbound: bool,
        fen: int,
        es: int,
        cp: Party | None,
        channel: str,
        remark: str,
    ) -> None:
        """One statement line of an account in the data (dropped outside the window)."""
        if fen <= 0 or not self.start_es <= es < self.end_es:
            return
        self._next += 1
        c = self._cols
        c[0].append(f"{BANK_CODES.get(acct.bank, 'X')}{self._next:011d}")
        c[1].append(acct.bank)
        c[2].append(acct.account_id)
        c[3].append("in" if inbound else "out")
        c[4].append(fen)
        c[5].append(es)
        c[6].append(cp.account_id if cp else "")
        c[7].append(cp.name if cp else "")
        c[8].append(channel)
        c[9].append(remark)
        if len(c[0]) >= CHUNK_ROWS:
            self.flush()

    def transfer(
        self, src: Party, dst: Party, fen: int, es: int, remark: str = "", channel: str = "网银"
    ) -> None:
        """A transfer: a line for each side that is in the data."""
        if isinstance(src, Acct):
            self.line(src, False, fen, es, dst, channel, remark)
        if isinstance(dst, Acct):
            self.line(dst, True, fen, es, src, channel, remark)

    def cash(self, acct: Acct, inbound: bool, fen: int, es: int) -> None:
        """A cash deposit or withdrawal (no counterparty account)."""
        self.line(acct, inbound, fen, es, None, "柜面现金" if inbound else "ATM取现", "")

    def flush(self) -> None:
        """Hand the collected lines on as one Arrow table."""
        if not self._cols[0]:
            return
        self.rows += len(self._cols[0])
        self._sink(lines_table(self._cols))
        self._cols = tuple([] for _ in range(10))


def lines_table(cols: tuple[list[object], ...]) -> pa.Table:
    """Columns of lines (amounts in fen, times in epoch seconds) as a canonical Arrow table."""
    fen = pa.array(cols[4], pa.int64()).cast(pa.decimal128(38, 0))
    amount = pa.Array.from_buffers(AMOUNT_TYPE, len(fen), fen.buffers())  # fen → yuan, exactly
    ts = pa.array(cols[5], pa.int64()).cast(pa.timestamp("s"))
    names = ["txn_id", "bank", "account_id", "direction", "amount", "timestamp"]
    names += ["counterparty_account", "counterparty_name", "channel", "remark"]
    arrays = [pa.array(cols[i], pa.string()) for i in range(4)] + [amount, ts]
    arrays += [pa.array(cols[i], pa.string()) for i in range(6, 10)]
    return pa.Table.from_arrays(arrays, names=names)


class Names:
    """Deterministic Chinese names, account numbers and holder ids."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._serial = 0

    def person(self) -> str:
        """A personal name of two or three characters."""
        given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.7 else "")
        return self.rng.choice(SURNAMES) + given

    def company(self, trade: str) -> str:
        """A company name such as 某县安兴商贸有限公司."""
        core = self.rng.choice(PLACES) + self.rng.choice(PLACES)
        return f"某县{core}{trade}有限公司"

    def number(self, prefix: str) -> str:
        """A fresh 19-digit account number."""
        self._serial += 1
        return f"{prefix}{self._serial:015d}"

    def external(self, name: str | None = None, company: str = "") -> External:
        """A counterparty account outside the data."""
        label = name or (self.company(company) if company else self.person())
        return External(self.number("6999"), label)

    def id_number(self, born: int) -> str:
        """A valid resident ID number."""
        body = f"{self.rng.choice(REGIONS)}{born}{self.rng.randint(1, 12):02d}"
        body += f"{self.rng.randint(1, 28):02d}{self.rng.randint(100, 999)}"
        return body + ric.calc_check_digit(body + "0")

    def uscc(self) -> str:
        """A valid unified social credit code."""
        body = f"91{self.rng.choice(REGIONS)}{self.rng.randint(10**8, 10**9 - 1)}"
        return body + uscc.calc_check_digit(body + "0")


class Group:
    """Accounts that act together (an employer and its payroll, a scheme and its investors)."""

    def emit(self, em: Emitter, rng: random.Random) -> None:
        """Write the group's statement lines."""
        raise NotImplementedError


PAYMENT_COMPANIES = (
    "财付通支付科技有限公司",
    "支付宝（中国）网络技术有限公司",
    "中国银联股份有限公司",
)


class County:
    """The accounts of a county and the groups that move money between them."""

    def __init__(self, config: GeneratorConfig) -> None:
        self.config = config
        self.profile = config.profile
        self.days = config.days
        self.rng = random.Random(config.seed)
        self.names = Names(random.Random(config.seed + 1))
        self.accounts: list[Acct] = []
        self.pool: list[Acct] = []
        self.groups: list[tuple[Group, int]] = []
        self.payments = [
            External(f"69880000000000000{i}", n) for i, n in enumerate(PAYMENT_COMPANIES)
        ]

    def count(self, per_10k: float, *, legit: bool, minimum: int = 1) -> int:
        """How many groups of a kind a county of this size gets."""
        scale = self.config.accounts / 10_000 * (self.profile.lookalikes if legit else 1.0)
        return max(minimum, round(per_10k * scale))

    def account(self, kind: str, role: str, *, trade: str = "", years_open: int = 0) -> Acct:
        """A new account in the data."""
        bank, _, prefix = self.rng.choice(BANKS)
        names = self.names
        opened = self.config.start - timedelta(days=365 * years_open + self.rng.randint(30, 3000))
        if kind == "company":
            holder = Acct(
                names.number(prefix),
                bank,
                names.company(trade or "商贸"),
                "company",
                names.uscc(),
                opened,
                role,
            )
        else:
            born = self.rng.randint(1955, 2003)
            holder = Acct(
                names.number(prefix),
                bank,
                names.person(),
                "individual",
                names.id_number(born),
                opened,
                role,
            )
        if self.rng.random() < 0.02:
            holder.holder_id = ""  # some banks leave the id out
        self.accounts.append(holder)
        return holder

    def fill_pool(self, size: int) -> None:
        """Ordinary individuals, drawn on by groups as employees, customers, investors, …"""
        for _ in range(max(0, size)):
            self.pool.append(self.account("individual", "individual"))

    def draw(self, rng: random.Random, k: int) -> list[Acct]:
        """``k`` distinct ordinary individuals (fewer if the pool is smaller)."""
        return rng.sample(self.pool, min(k, len(self.pool)))

    def add(self, group: Group) -> None:
        """Register a group with its own random stream."""
        self.groups.append((group, self.rng.randrange(2**31)))

    def business_second(self, rng: random.Random) -> int:
        """A second of the day within banking hours."""
        return rng.randint(8 * 3600, 20 * 3600)


def yuan(rng: random.Random, low: float, high: float, unit: int = 0) -> int:
    """A random amount in fen between ``low`` and ``high`` yuan, a multiple of ``unit`` yuan if set."""
    value = rng.uniform(low, high)
    if unit:
        return max(unit, round(value / unit) * unit) * 100
    return round(value * 100)


def background(em: Emitter, county: County, acct: Acct, rng: random.Random) -> None:
    """An ordinary individual's month: wages, online payments, family transfers, cash, interest."""
    salary = (
        External(county.names.number("6999"), county.names.company("建筑劳务"))
        if rng.random() < 0.55
        else None
    )
    family = county.names.external()
    pay = yuan(rng, 2500, 9000)
    for month_day in range(rng.randint(0, 29), county.days, 30):
        if salary:
            em.transfer(salary, acct, pay, em.at(month_day, 36_000), "工资")
        for _ in range(rng.randint(1, 4)):
            day = month_day + rng.randint(0, 29)
            em.transfer(
                acct,
                rng.choice(county.payments),
                yuan(rng, 15, 800),
                em.at(day, county.business_second(rng)),
                "消费",
                "快捷支付",
            )
        if rng.random() < 0.4:
            em.transfer(
                acct, family, yuan(rng, 200, 3000), em.at(month_day + rng.randint(0, 29), 70_000)
            )
        if rng.random() < 0.25:
            em.transfer(
                family, acct, yuan(rng, 200, 3000), em.at(month_day + rng.randint(0, 29), 50_000)
            )
        if rng.random() < 0.25:
            em.cash(
                acct,
                False,
                yuan(rng, 300, 3000, 100),
                em.at(month_day + rng.randint(0, 29), 40_000),
            )
        if month_day % 90 < 30:
            em.line(acct, True, yuan(rng, 1, 60), em.at(month_day + 20, 3600), None, "结息", "利息")


@dataclass(frozen=True)
class Generated:
    """Where the files went and how big they are."""

    accounts_path: Path
    transactions_path: Path
    labels_path: Path
    accounts: int
    rows: int


def build_county(config: GeneratorConfig) -> County:
    """The accounts and groups of a synthetic county."""
    from fangfei.monitoring import lookalikes, schemes  # they build on this module

    county = County(config)
    county.fill_pool(int(config.accounts * 0.85))
    lookalikes.populate(county)
    schemes.populate(county)
    county.fill_pool(config.accounts - len(county.accounts))
    return county


def generate(
    config: GeneratorConfig,
    out_dir: Path,
    fmt: Format = "csv",
    progress: Callable[[int, int], None] | None = None,
) -> Generated:
    """Write ``accounts``, ``transactions`` (CSV or Parquet) and ``labels.csv`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    county = build_county(config)
    paths = Generated(
        out_dir / f"accounts.{fmt}",
        out_dir / f"transactions.{fmt}",
        out_dir / "labels.csv",
        len(county.accounts),
        0,
    )
    write_accounts(county, paths.accounts_path, fmt)
    writer = LineWriter(paths.transactions_path, fmt)
    em = Emitter(config.start, config.days, writer.write)
    steps = list(_steps(county))
    for done, step in enumerate(steps, start=1):
        step(em)
        if progress and (done % 500 == 0 or done == len(steps)):
            progress(done, len(steps))
    em.flush()
    writer.close()
    write_labels(county, paths.labels_path)
    return Generated(
        paths.accounts_path,
        paths.transactions_path,
        paths.labels_path,
        len(county.accounts),
        em.rows,
    )


def _group_step(group: Group, seed: int, em: Emitter) -> None:
    group.emit(em, random.Random(seed))


def _background_step(county: County, acct: Acct, seed: int, em: Emitter) -> None:
    background(em, county, acct, random.Random(seed))


def _steps(county: County) -> Iterator[Callable[[Emitter], None]]:
    for group, seed in county.groups:
        yield partial(_group_step, group, seed)
    rng = random.Random(county.config.seed + 2)
    for acct in county.pool:
        yield partial(_background_step, county, acct, rng.randrange(2**31))
