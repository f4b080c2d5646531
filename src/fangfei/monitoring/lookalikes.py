"""Legitimate behaviour that resembles the typologies, written into the synthetic county.

Payroll looks like batch payouts; supermarkets, utilities, schools, hospitals (and, on ``hard``,
property developers) collect from many payers and sweep to a head office; wholesalers turn money
over fast; companies raise capital from shareholders and pay annual dividends in proportion;
migrant workers wake dormant accounts; relatives lend to each other with interest; related
companies settle in circles. None of these accounts is a scheme.
"""

from __future__ import annotations

import random
from collections import defaultdict

from fangfei.monitoring.generator import Acct, County, Emitter, Group, background, yuan

SECONDS_AT_TEN = 36_000


class Payroll(Group):
    """An employer: monthly salary batches to the same staff, revenue from a few customers."""

    def __init__(
        self, county: County, employer: Acct | None = None, staff: list[Acct] | None = None
    ) -> None:
        rng = county.rng
        trade = rng.choice(["建材", "机械制造", "食品", "物流", "建筑工程", "纺织"])
        self.county = county
        self.acct = employer or county.account("company", "payroll", trade=trade)
        self.staff = staff if staff is not None else county.draw(rng, rng.randint(10, 120))
        self.customers = [county.names.external(company="商贸") for _ in range(rng.randint(3, 8))]
        self.suppliers = [county.names.external(company="实业") for _ in range(rng.randint(2, 5))]
        self.own_revenue = employer is None

    def emit(self, em: Emitter, rng: random.Random) -> None:
        """Monthly salaries, revenue and supplier payments; on hard, one-off staff deposits."""
        pay = {s.account_id: yuan(rng, 3000, 12000) for s in self.staff}
        payday = rng.choice([5, 10, 15, 25])
        if self.county.profile.tricky:
            for person in self.staff:
                if rng.random() < 0.3:  # uniform or tool deposits paid to the employer
                    day = rng.randint(0, 60)
                    em.transfer(
                        person, self.acct, yuan(rng, 200, 2000, 100), em.at(day, 40_000), "押金"
                    )
        for month in range(0, self.county.days, 30):
            day = month + payday + rng.choice([0, 0, 1, -1])
            total = 0
            for i, person in enumerate(self.staff):
                amount = round(pay[person.account_id] * rng.uniform(0.97, 1.03))
                total += amount
                em.transfer(
                    self.acct, person, amount, em.at(day, SECONDS_AT_TEN + i), "工资", "代发工资"
                )
            if self.own_revenue:
                self._trade(em, rng, month, total)

    def _trade(self, em: Emitter, rng: random.Random, month: int, payroll: int) -> None:
        for _ in range(rng.randint(3, 8)):
            fen = round(payroll * rng.uniform(0.3, 0.6))
            em.transfer(
                rng.choice(self.customers),
                self.acct,
                fen,
                em.at(month + rng.randint(0, 29), 50_000),
                "货款",
            )
        for _ in range(rng.randint(1, 4)):
            fen = round(payroll * rng.uniform(0.2, 0.5))
            em.transfer(
                self.acct,
                rng.choice(self.suppliers),
                fen,
                em.at(month + rng.randint(0, 29), 55_000),
                "材料款",
            )


# kind: (trade, customers, visits per 30 days, amount range, sweep every n days)
MERCHANTS = {
    "supermarket": ("超市", (150, 800), 3.0, (15, 600), 1),
    "utility": ("水务", (300, 1500), 1.0, (30, 400), 2),
    "school": ("教育培训", (200, 800), 1.0, (200, 600), 2),
    "hospital": ("医院管理", (200, 1000), 0.3, (50, 3000), 1),
    "developer": ("房地产开发", (25, 80), 0.0, (0, 0), 3),
}


class MerchantChain(Group):
    """Branches collecting many small payments and sweeping them to a head office."""

    def __init__(self, county: County, kind: str) -> None:
        rng = county.rng
        trade, sizes, _, _, _ = MERCHANTS[kind]
        self.county, self.kind = county, kind
        self.hq = county.account("company", "merchant_hq", trade=trade)
        self.branches = [
            county.account("company", "merchant", trade=trade) for _ in range(rng.randint(1, 3))
        ]
        self.customers = {
            b.account_id: county.draw(rng, rng.randint(*sizes)) for b in self.branches
        }
        first = self.customers[self.branches[0].account_id]
        staff = county.draw(rng, rng.randint(10, 60))
        if kind == "supermarket" and county.profile.tricky:
            staff = first[: len(staff)]  # shop staff also shop there
        self.payroll = Payroll(county, self.hq, staff)
        self.suppliers = [county.names.external(company="供应链") for _ in range(rng.randint(3, 8))]

    def emit(self, em: Emitter, rng: random.Random) -> None:
        """Customer payments, sweeps to the head office, the head office's payroll and suppliers."""
        sweep_every = max(1, MERCHANTS[self.kind][4] + rng.randint(-1, 0))
        received = 0
        for branch in self.branches:
            daily: dict[int, int] = defaultdict(int)
            for person in self.customers[branch.account_id]:
                for day, fen, remark in self._payments(rng):
                    em.transfer(
                        person,
                        branch,
                        fen,
                        em.at(day, self.county.business_second(rng)),
                        remark,
                        "快捷支付",
                    )
                    daily[day] += fen
            received += self._sweep(em, rng, branch, daily, sweep_every)
        self.payroll.emit(em, rng)
        for day in range(rng.randint(0, 9), self.county.days, rng.randint(5, 10)):
            share = received / max(1, self.county.days) * 7 * rng.uniform(0.4, 0.7)
            em.transfer(
                self.hq, rng.choice(self.suppliers), round(share), em.at(day, 54_000), "货款"
            )

    def _sweep(
        self, em: Emitter, rng: random.Random, branch: Acct, daily: dict[int, int], every: int
    ) -> int:
        pending = total = 0
        for day in range(self.county.days):
            pending += daily.get(day, 0)
            if pending and day % every == 0:
                fen = round(pending * rng.uniform(0.97, 1.0))
                em.transfer(branch, self.hq, fen, em.at(day, 72_000), "资金归集")
                total += fen
                pending = 0
        return total

    def _payments(self, rng: random.Random) -> list[tuple[int, int, str]]:
        days, tricky = self.county.days, self.county.profile.tricky
        _, _, visits, (low, high), _ = MERCHANTS[self.kind]
        if self.kind == "school":
            return self._school(rng, days, tricky)
        if self.kind == "developer":
            day = rng.randint(0, days - 1)
            out = [(day, yuan(rng, 20_000, 100_000, 10_000), "购房定金")]
            if rng.random() < 0.4:
                out.append(
                    (day + rng.randint(10, 60), yuan(rng, 100_000, 500_000, 10_000), "首付款")
                )
            return out
        count = sum(
            1
            for _ in range(int(days / 30 * visits * rng.uniform(0.5, 1.5)) + 1)
            if rng.random() < 0.9
        )
        unit = 100 if self.kind == "utility" and tricky and rng.random() < 0.5 else 0
        remark = {"utility": "水费", "hospital": "诊疗费"}.get(self.kind, "")
        return [
            (rng.randint(0, days - 1), yuan(rng, low, high, unit), remark) for _ in range(count)
        ]

    @staticmethod
    def _school(rng: random.Random, days: int, tricky: bool) -> list[tuple[int, int, str]]:
        out = []
        for term_day in (50, 243):
            if term_day < days:
                big = tricky and rng.random() < 0.3
                fen = yuan(rng, 5000, 9000, 1000) if big else yuan(rng, 800, 4800, 100)
                out.append((term_day + rng.randint(-10, 10), fen, "学费"))
        out += [
            (m + rng.randint(0, 5), yuan(rng, 200, 600, 10), "餐费") for m in range(0, days, 30)
        ]
        return out


class Wholesaler(Group):
    """Regular retailers pay weekly; suppliers are paid every few days; the owner takes profit."""

    def __init__(self, county: County) -> None:
        rng = county.rng
        self.county = county
        self.acct = county.account(
            "company", "wholesaler", trade=rng.choice(["农副产品", "粮油批发", "日用品批发"])
        )
        self.retailers = [
            county.names.external(company="便利店") for _ in range(rng.randint(20, 60))
        ]
        many = (8, 14) if county.profile.tricky else (3, 8)
        self.suppliers = [county.names.external(company="食品") for _ in range(rng.randint(*many))]
        self.owner = county.names.external()

    def emit(self, em: Emitter, rng: random.Random) -> None:
        """Weekly orders in, supplier payments out with a margin kept, monthly owner draws."""
        days = self.county.days
        daily: dict[int, int] = defaultdict(int)
        for shop in self.retailers:
            size = rng.uniform(2000, 40_000)
            for day in range(rng.randint(0, 8), days, rng.randint(5, 9)):
                fen = yuan(rng, size * 0.7, size * 1.3)
                em.transfer(
                    shop, self.acct, fen, em.at(day, self.county.business_second(rng)), "货款"
                )
                daily[day] += fen
        gap = (2, 3) if self.county.profile.tricky else (5, 10)
        pending = profit = 0
        day = rng.randint(0, 4)
        for today in range(days):
            pending += daily.get(today, 0)
            if today == day and pending:
                for supplier in rng.sample(self.suppliers, rng.randint(1, 3)):
                    em.transfer(
                        self.acct,
                        supplier,
                        round(pending * 0.85 / 2),
                        em.at(today, 60_000),
                        "采购款",
                    )
                profit += round(pending * 0.15)
                pending, day = 0, today + rng.randint(*gap)
            if today % 30 == 29 and profit:
                em.transfer(
                    self.acct, self.owner, round(profit * 0.8), em.at(today, 66_000), "提取利润"
                )
                profit = 0


class DividendCompany(Group):
    """Shareholders' capital in (on hard, within the window), one dividend batch a year."""

    def __init__(self, county: County) -> None:
        rng = county.rng
        self.county = county
        self.acct = county.account(
            "company", "dividend", trade=rng.choice(["农业开发", "旅游开发", "矿业"])
        )
        size = (12, 40) if county.profile.tricky else (5, 30)
        self.holders = county.draw(rng, rng.randint(*size))
        self.customers = [county.names.external(company="贸易") for _ in range(4)]
        self.suppliers = [county.names.external(company="设备") for _ in range(3)]

    def emit(self, em: Emitter, rng: random.Random) -> None:
        """Capital, business, and an annual dividend proportional to each holder's capital."""
        capital = {h.account_id: yuan(rng, 50_000, 500_000, 10_000) for h in self.holders}
        total = sum(capital.values())
        if self.county.profile.tricky:
            for holder in self.holders:
                day = rng.randint(5, 60)
                remark = rng.choice(["投资款", "增资款", "入股"])
                em.transfer(
                    holder, self.acct, capital[holder.account_id], em.at(day, 40_000), remark
                )
        for month in range(0, self.county.days, 30):
            for _ in range(3):
                em.transfer(
                    rng.choice(self.customers),
                    self.acct,
                    round(total * rng.uniform(0.01, 0.03)),
                    em.at(month + rng.randint(0, 29), 50_000),
                    "货款",
                )
            em.transfer(
                self.acct,
                rng.choice(self.suppliers),
                round(total * rng.uniform(0.03, 0.08)),
                em.at(month + rng.randint(0, 29), 56_000),
                "设备款",
            )
        day, rate = rng.randint(150, 200), rng.uniform(0.06, 0.15)
        for i, holder in enumerate(self.holders):
            fen = round(capital[holder.account_id] * rate)
            em.transfer(self.acct, holder, fen, em.at(day, SECONDS_AT_TEN + i), "分红")


class MigrantWorker(Group):
    """A worker back from the cities: a long-dormant account wakes with a year's wages."""

    def __init__(self, county: County) -> None:
        self.county = county
        self.acct = county.account("individual", "migrant", years_open=county.rng.randint(3, 10))
        self.employer = county.names.external(company="建筑劳务")
        many = (3, 6) if county.profile.tricky else (1, 2)
        self.payers = [county.names.external() for _ in range(county.rng.randint(*many))]
        self.family = [county.names.external() for _ in range(county.rng.randint(1, 3))]

    def emit(self, em: Emitter, rng: random.Random) -> None:
        """Nothing for months, then wages, debts repaid to them, remittances and cash."""
        days = self.county.days
        wake = rng.randint(200, days - 30) if days >= 240 else rng.randint(0, max(0, days // 3))
        em.transfer(
            self.employer, self.acct, yuan(rng, 20_000, 80_000), em.at(wake, 40_000), "工资"
        )
        for payer in self.payers:
            em.transfer(
                payer,
                self.acct,
                yuan(rng, 500, 5000),
                em.at(wake + rng.randint(0, 25), 50_000),
                "还款",
            )
        for person in self.family:
            em.transfer(
                self.acct,
                person,
                yuan(rng, 2000, 20_000),
                em.at(wake + rng.randint(1, 20), 60_000),
                "家用",
            )
        for _ in range(rng.randint(2, 4)):
            em.cash(
                self.acct,
                False,
                yuan(rng, 1000, 5000, 100),
                em.at(wake + rng.randint(1, 29), 45_000),
            )
        for day in range(wake + 30, days, 30):
            em.transfer(
                self.acct,
                rng.choice(self.county.payments),
                yuan(rng, 20, 600),
                em.at(day, 50_000),
                "消费",
                "快捷支付",
            )


class FamilyLender(Group):
    """Someone who lends to relatives at little or no interest."""

    def __init__(self, county: County) -> None:
        self.county = county
        self.acct = county.account("individual", "family_lender")
        size = (6, 12) if county.profile.tricky else (2, 6)
        self.borrowers = county.draw(county.rng, county.rng.randint(*size))

    def emit(self, em: Emitter, rng: random.Random) -> None:
        """Loans out, repaid in one to three lumps with at most 15% a year."""
        background(em, self.county, self.acct, rng)
        for person in self.borrowers:
            day, fen = rng.randint(0, max(1, self.county.days - 90)), yuan(rng, 5000, 50_000, 1000)
            em.transfer(self.acct, person, fen, em.at(day, 40_000), "借款")
            parts, months = rng.randint(1, 3), rng.randint(2, 9)
            due = round(fen * (1 + rng.uniform(0, 0.15) * months / 12))
            for k in range(parts):
                back = day + months * 30 * (k + 1) // parts
                em.transfer(person, self.acct, due // parts, em.at(back, 60_000), "还款")


class GroupTrio(Group):
    """Three related companies settling with each other in a circle, month after month."""

    def __init__(self, county: County) -> None:
        self.county = county
        self.members = [county.account("company", "group", trade="实业") for _ in range(3)]

    def emit(self, em: Emitter, rng: random.Random) -> None:
        """Monthly A→B→C→A invoices: independent amounts, days apart (on hard, only 2–5 days)."""
        tricky = self.county.profile.tricky
        a, b, c = self.members
        for month in range(0, self.county.days, 30):
            day = month + rng.randint(0, 10)
            first = yuan(rng, 100_000, 1_000_000)
            second = (
                round(first * rng.uniform(0.5, 1.5)) if tricky else yuan(rng, 100_000, 1_000_000)
            )
            third = (
                round(second * rng.uniform(0.5, 1.5)) if tricky else yuan(rng, 100_000, 1_000_000)
            )
            gaps = (
                (rng.randint(2, 5), rng.randint(2, 5))
                if tricky
                else (rng.randint(5, 10), rng.randint(5, 10))
            )
            em.transfer(a, b, first, em.at(day, 40_000), "货款")
            em.transfer(b, c, second, em.at(day + gaps[0], 40_000), "货款")
            em.transfer(c, a, third, em.at(day + gaps[0] + gaps[1], 40_000), "货款")


def populate(county: County) -> None:
    """Add the legitimate groups, in numbers that scale with the county."""
    for _ in range(county.count(30, legit=True)):
        county.add(Payroll(county))
    kinds = [("supermarket", 6), ("utility", 2), ("school", 5), ("hospital", 2)]
    if county.profile.tricky:
        kinds.append(("developer", 4))
    for kind, per_10k in kinds:
        for _ in range(county.count(per_10k, legit=True)):
            county.add(MerchantChain(county, kind))
    makers: list[tuple[type[Group], float]] = [
        (Wholesaler, 15),
        (DividendCompany, 8),
        (MigrantWorker, 100),
        (FamilyLender, 15),
        (GroupTrio, 5),
    ]
    for maker, rate in makers:
        for _ in range(county.count(rate, legit=True)):
            county.add(maker(county))  # type: ignore[call-arg]
