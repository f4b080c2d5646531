"""Tiny hand-made cases per scenario: the scheme that must hit and the look-alike that must not.

Each builder adds its accounts and lines to a ``Book`` and returns the exact expected hits of its
scenario: account id → strength. Ids start with the scenario id so that all cases can share one
book (the engine parity test runs them together).
"""

from __future__ import annotations

from collections.abc import Callable

from tests.monitoring.book import Book, at

Expected = dict[str, float]
PEOPLE = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


def person(i: int) -> str:
    """A personal name for counterparty number ``i``."""
    return PEOPLE[i % len(PEOPLE)] + "小" + "明红刚丽"[i // len(PEOPLE) % 4]


def s1(book: Book) -> Expected:
    """A collection account paying returns to its payers; a shop sweeping takings to head office."""
    collector = book.account("S1C", "某县鑫源投资咨询有限公司", "company")
    boss = book.external("S1X-BOSS", "某某")
    shop, office = (
        book.account("S1M", "某县安康超市有限公司", "company"),
        book.account("S1H", "某县安康超市总部有限公司", "company"),
    )
    for i in range(20):
        payer = book.external(f"S1P{i:02d}", person(i))
        book.transfer(payer, collector, 10_000, at("2025-01-10", 9 + i / 10), "转账")
        book.transfer(collector, payer, 150, at("2025-02-10"))
        book.transfer(collector, payer, 150, at("2025-03-10"))
        customer = book.external(f"S1Q{i:02d}", person(i + 3))
        book.transfer(customer, shop, 50, at("2025-01-10", 9 + i / 10))
    book.transfer(collector, boss, 196_000, at("2025-01-10", 20))
    book.transfer(shop, office, 1000, at("2025-01-10", 21))
    return {collector: 1.0, shop: 0.5}


def s2(book: Book) -> Expected:
    """A payout account paying 2% a month of what each investor paid in; a payroll."""
    collector, payout = (
        book.account("S2R", "某县农业科技有限公司", "company"),
        book.account("S2Q", "某县文化传媒有限公司", "company"),
    )
    employer = book.account("S2E", "某县建材有限公司", "company")
    for i in range(25):
        investor, worker = (
            book.external(f"S2I{i:02d}", person(i)),
            book.external(f"S2W{i:02d}", person(i + 5)),
        )
        book.transfer(investor, collector, 10_000 + 1000 * i, at("2025-01-05", 9 + i / 10))
        for month in range(2, 7):
            book.transfer(payout, investor, (10_000 + 1000 * i) * 0.02, at(f"2025-{month:02d}-15"))
            book.transfer(employer, worker, 5000, at(f"2025-{month:02d}-10"))
    book.transfer(collector, payout, 500_000, at("2025-01-05", 20))
    return {payout: 1.0, employer: 0.4}


def s3(book: Book) -> Expected:
    """A transit account: one-off payers passed on within hours; a wholesaler with regulars."""
    mule, trader = (
        book.account("S3T", "刘伟"),
        book.account("S3W", "某县粮油批发有限公司", "company"),
    )
    for i in range(12):
        day = f"2025-03-{1 + i // 4:02d}"
        book.transfer(book.external(f"S3P{i:02d}", person(i)), mule, 5000, at(day, 9 + i % 4))
        book.transfer(mule, book.external(f"S3O{i:02d}", person(i + 9)), 4950, at(day, 15 + i % 4))
        for week in range(4):
            shop = book.external(f"S3S{i % 3}", f"某县{i % 3}号便利店")
            book.transfer(shop, trader, 8000, at(f"2025-04-{1 + week * 7:02d}", 9 + i / 10))
        book.transfer(
            trader, book.external(f"S3F{i:02d}", person(i + 2)), 7000 * 4, at("2025-04-25")
        )
    return {mule: 1.0}


def s4(book: Book) -> Expected:
    """Many individuals paying in with 理财 remarks; interest from companies does not count."""
    target, saver = (
        book.account("S4K", "某县财富管理有限公司", "company"),
        book.account("S4L", "钱多多"),
    )
    for i in range(10):
        book.transfer(
            book.external(f"S4P{i:02d}", person(i)), target, 3000, at("2025-05-06"), "理财投资"
        )
        book.transfer(
            book.external(f"S4B{i:02d}", f"某县{i}号农村信用合作社"),
            saver,
            30,
            at("2025-05-06"),
            "利息",
        )
    return {target: 1.0}


def s5(book: Book) -> Expected:
    """Payers paying 10,000 each; parents paying 1,200 school fees (below the 5,000 floor)."""
    target, school = (
        book.account("S5R", "某县鼎盛商贸有限公司", "company"),
        book.account("S5S", "某县实验学校", "company"),
    )
    for i in range(20):
        book.transfer(book.external(f"S5P{i:02d}", person(i)), target, 10_000, at("2025-06-02"))
        book.transfer(book.external(f"S5Q{i:02d}", person(i + 1)), school, 1200, at("2025-06-02"))
    return {target: 1.0}


def s6(book: Book) -> Expected:
    """Cash 55,000 in one day and an individual's 600,000 transfer; a company's 1.5 million."""
    cash, rich, company = (
        book.account("S6A", "孙大"),
        book.account("S6B", "孙二"),
        book.account("S6C", "某县建设工程有限公司", "company"),
    )
    book.cash(cash, "in", 30_000, at("2025-07-01", 9))
    book.cash(cash, "in", 25_000, at("2025-07-01", 15))
    book.transfer(book.external("S6X", "周大福"), rich, 600_000, at("2025-07-02"))
    book.transfer(company, book.external("S6Y", "某县钢材有限公司"), 1_500_000, at("2025-07-03"))
    return {cash: 1.0, rich: 1.0}


def s7(book: Book) -> Expected:
    """A dormant account woken by ten payers; a returning worker paid by one employer."""
    card, worker = (
        book.account("S7D", "吴卡", opened="2019-05-01"),
        book.account("S7M", "郑工", opened="2018-03-01"),
    )
    for account in (card, worker):
        book.cash(account, "in", 100, at("2025-01-03"))
    for i in range(10):
        book.transfer(
            book.external(f"S7P{i:02d}", person(i)), card, 6000, at(f"2025-09-{1 + i:02d}")
        )
    book.transfer(book.external("S7E", "某县建筑劳务有限公司"), worker, 40_000, at("2025-09-01"))
    for i in range(2):
        book.transfer(book.external(f"S7F{i}", person(i + 7)), worker, 2000, at("2025-09-03"))
    return {card: 1.0}


def s8(book: Book) -> Expected:
    """Three rounds A→B→C→A within two days; three companies settling unrelated invoices."""
    ring = [book.account(f"S8{x}", f"某县{x}号贸易有限公司", "company") for x in "ABC"]
    group = [book.account(f"S8G{x}", f"某县{x}号实业有限公司", "company") for x in "123"]
    for k, month in enumerate(("03", "05", "08")):
        amount = 200_000 + 10_000 * k
        for i in range(3):
            book.transfer(
                ring[i], ring[(i + 1) % 3], amount * 0.97**i, at(f"2025-{month}-10", 9 + 12 * i)
            )
            book.transfer(
                group[i],
                group[(i + 1) % 3],
                [300_000, 120_000, 510_000][(i + k) % 3],
                at(f"2025-{month}-{10 + 3 * i:02d}"),
            )
    return {account: 1.0 for account in ring}


def s9(book: Book) -> Expected:
    """Eight loans, 10% kept up front, repaid in four monthly instalments; a family lender at 0%."""
    lender, family = book.account("S9L", "冯放"), book.account("S9F", "陈亲")
    for i in range(8):
        borrower = book.external(f"S9B{i:02d}", person(i))
        relative = book.external(f"S9R{i:02d}", person(i + 11))
        book.transfer(lender, borrower, 9000, at("2025-02-01"), "借款")
        book.transfer(family, relative, 9000, at("2025-02-01"), "借款")
        for month in range(3, 7):
            book.transfer(borrower, lender, 2750, at(f"2025-{month:02d}-01"), "还款")
            book.transfer(relative, family, 2250, at(f"2025-{month:02d}-01"), "还款")
    return {lender: 1.0}


CASES: dict[str, Callable[[Book], Expected]] = {
    "S1": s1,
    "S2": s2,
    "S3": s3,
    "S4": s4,
    "S5": s5,
    "S6": s6,
    "S7": s7,
    "S8": s8,
    "S9": s9,
}
