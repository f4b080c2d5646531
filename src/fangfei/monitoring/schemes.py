"""Injected schemes with account-level ground truth: what the scenarios must find.

- Ponzi networks: collection accounts take investors' money and sweep it on (``collection``),
  a payout account pays monthly "returns" at a fixed rate of what each investor put in
  (``payout``); on harder levels the money passes a core account first and the payout account is
  a different one. Investors are victims and are not labelled.
- Transit (跑分) accounts: many one-off payers, forwarded within hours (``transit``); some were
  dormant for months before (``dormant``).
- Cycle rings: money sent round three or four linked accounts within days (``cycle``).
- Illegal lenders: loans with fees deducted up front to many borrowers, repaid in instalments at
  rates far above the legal cap (``lending``).
"""

from __future__ import annotations

import random
from collections import defaultdict

from fangfei.monitoring.generator import (
    Acct,
    County,
    Emitter,
    Group,
    Party,
    background,
    yuan,
)

INVEST_REMARKS = ("投资款", "理财", "认购", "本金", "养老", "入股", "复投")
PLAIN_REMARKS = ("转账", "", "往来款", "货款")
RETURN_REMARKS = ("收益", "利息", "分红", "返利")


def _member(
    county: County,
    role: str,
    typologies: set[str],
    scheme: str,
    trade: str,
    person_share: float = 0.0,
    years_open: int = 0,
) -> Acct:
    kind = "individual" if county.rng.random() < person_share else "company"
    acct = county.account(kind, role, trade=trade, years_open=years_open)
    acct.typologies, acct.scheme = set(typologies), scheme
    return acct


def _investors(county: County, count: int) -> list[Party]:
    people: list[Party] = list(county.draw(county.rng, round(count * 0.7)))
    return people + [county.names.external() for _ in range(count - len(people))]


class Ponzi(Group):
    """A fundraising network paying fixed monthly returns out of new investors' money."""

    def __init__(self, county: County, index: int) -> None:
        rng, profile = county.rng, county.profile
        self.county, self.tag, hops = county, f"ponzi-{index}", profile.network_hops
        trade = (
            rng.choice(["投资咨询", "财富管理"])
            if hops == 0
            else rng.choice(["农业科技", "养老服务", "文化传媒", "商贸"])
        )
        person = 0.3 if profile.tricky else 0.0
        n_collect = 1 if hops == 0 else rng.randint(1, 3) if hops == 1 else rng.randint(2, 3)
        roles = {"collection", "payout"} if hops == 0 else {"collection"}
        self.collections = [
            _member(county, "collection", roles, self.tag, trade, person) for _ in range(n_collect)
        ]
        self.core = _member(county, "core", set(), self.tag, trade) if hops == 2 else None
        self.payout = (
            self.collections[0]
            if hops == 0
            else _member(county, "payout", {"payout"}, self.tag, trade, person)
        )
        low = 40 if profile.tricky else 25
        self.investors = {
            c.account_id: _investors(county, rng.randint(low, 70)) for c in self.collections
        }
        self.organizers = [county.names.external() for _ in range(rng.randint(1, 2))]
        self.business = [county.names.external(company="商贸") for _ in range(3)]

    def _principal(self, rng: random.Random) -> int:
        if rng.random() < self.county.profile.round_rate:
            return yuan(rng, 10_000, 300_000, 10_000)
        return yuan(rng, 10_000, 300_000)

    def _remark(self, rng: random.Random) -> str:
        profile = self.county.profile
        return (
            rng.choice(INVEST_REMARKS)
            if rng.random() < profile.remark_rate
            else rng.choice(PLAIN_REMARKS)
        )

    def emit(self, em: Emitter, rng: random.Random) -> None:
        """Investments, sweeps along the network, monthly returns, organisers' take."""
        tricky = self.county.profile.tricky
        payday, base_rate = rng.randint(1, 27), rng.uniform(0.01, 0.03)
        hub = self.core or self.payout
        payouts: dict[int, int] = defaultdict(int)
        received: dict[int, int] = defaultdict(int)
        for collection in self.collections:
            daily: dict[int, int] = defaultdict(int)
            for investor in self.investors[collection.account_id]:
                deposits = self._invest(em, rng, investor, collection, daily)
                rate = base_rate + (rng.uniform(-0.004, 0.004) if tricky else 0.0)
                self._returns(em, rng, investor, deposits, rate, payday, payouts)
            if tricky:
                self._camouflage(em, rng, collection)
            target: Party = self.organizers[0] if collection is hub else hub
            self._sweep(em, rng, collection, target, daily, received)
        self._fund_payouts(em, rng, payouts, received)

    def _invest(
        self,
        em: Emitter,
        rng: random.Random,
        investor: Party,
        collection: Acct,
        daily: dict[int, int],
    ) -> list[tuple[int, int]]:
        deposits = [(rng.randint(0, int(self.county.days * 0.6)), self._principal(rng))]
        if self.county.profile.tricky and rng.random() < 0.25:
            deposits.append((deposits[0][0] + rng.randint(30, 120), self._principal(rng) // 2))
        for day, fen in deposits:
            em.transfer(
                investor,
                collection,
                fen,
                em.at(day, self.county.business_second(rng)),
                self._remark(rng),
            )
            daily[day] += fen
        return deposits

    def _returns(
        self,
        em: Emitter,
        rng: random.Random,
        investor: Party,
        deposits: list[tuple[int, int]],
        rate: float,
        payday: int,
        payouts: dict[int, int],
    ) -> None:
        spread = 2 if self.county.profile.tricky else 1
        easy = self.county.profile.remark_rate > 0.5
        for day in range(payday, self.county.days, 30):
            principal = sum(fen for when, fen in deposits if when < day - 15)
            if principal:
                fen = round(principal * rate * rng.uniform(0.995, 1.005))
                when = day + rng.randrange(spread)
                remark = rng.choice(RETURN_REMARKS) if easy else ""
                em.transfer(
                    self.payout, investor, fen, em.at(when, 36_000 + rng.randint(0, 3600)), remark
                )
                payouts[when] += fen

    def _sweep(
        self,
        em: Emitter,
        rng: random.Random,
        source: Acct,
        target: Party,
        daily: dict[int, int],
        received: dict[int, int],
    ) -> None:
        for day, fen in sorted(daily.items()):
            moved = round(fen * rng.uniform(0.95, 0.99))
            em.transfer(source, target, moved, em.at(day, 75_000))
            received[day] += moved

    def _camouflage(self, em: Emitter, rng: random.Random, acct: Acct) -> None:
        for month in range(0, self.county.days, 30):
            for _ in range(rng.randint(1, 3)):
                em.transfer(
                    rng.choice(self.business),
                    acct,
                    yuan(rng, 2000, 30_000),
                    em.at(month + rng.randint(0, 29), 50_000),
                    "货款",
                )
            em.transfer(
                acct, self.business[0], yuan(rng, 2000, 8000), em.at(month + 3, 52_000), "房租"
            )

    def _fund_payouts(
        self, em: Emitter, rng: random.Random, payouts: dict[int, int], received: dict[int, int]
    ) -> None:
        """Who keeps the payout account funded, and the organisers' take of what arrives."""
        hub = self.core or self.payout
        funder: Party = self.organizers[0] if hub is self.collections[0] else hub
        if funder is not self.payout:
            for day, fen in sorted(payouts.items()):
                em.transfer(funder, self.payout, round(fen * 1.01), em.at(day - 1, 70_000))
        if hub is self.collections[0]:
            return  # the collection account already swept everything to the organiser
        for day, fen in sorted(received.items()):
            boss = rng.choice(self.organizers)
            em.transfer(hub, boss, round(fen * rng.uniform(0.75, 0.85)), em.at(day + 1, 40_000))


class Mule(Group):
    """A transit account: many one-off payers, passed on within hours to ever new accounts."""

    def __init__(self, county: County, index: int) -> None:
        rng = county.rng
        self.county = county
        self.dormant = county.days >= 260 and rng.random() < 0.35
        typologies = {"transit", "dormant"} if self.dormant else {"transit"}
        years = rng.randint(3, 8) if self.dormant else 0
        self.acct = _member(
            county,
            "mule",
            typologies,
            f"mule-{index}",
            "电子商务",
            person_share=0.9,
            years_open=years,
        )
        self.regulars = [county.names.external() for _ in range(5)]
        self.upstream = [county.names.external() for _ in range(4)]

    def emit(self, em: Emitter, rng: random.Random) -> None:
        """Weeks of payers in, forwards out a few hours later, commission taken in cash."""
        days, profile = self.county.days, self.county.profile
        if self.dormant:
            start = rng.randint(200, days - 45)
        else:
            start = rng.randint(0, max(0, days - 60))
            background(em, self.county, self.acct, rng)  # an ordinary life before and around
        length = rng.randint(30, max(30, min(120, days - start)))
        kept = 0
        for day in range(start, min(days, start + length)):
            if rng.random() > 0.75:
                continue
            total = 0
            for _ in range(rng.randint(*profile.mule_payers)):
                payer = (
                    rng.choice(self.regulars)
                    if rng.random() < 0.15
                    else self.county.names.external()
                )
                unit = 1000 if rng.random() < profile.round_rate * 0.5 else 0
                fen = yuan(rng, 100, 30_000, unit)
                em.transfer(payer, self.acct, fen, em.at(day, self.county.business_second(rng)))
                total += fen
            kept += self._forward(em, rng, day, total)
            if day % 7 == 6 and kept > 100_00:
                em.cash(self.acct, False, kept, em.at(day, 79_000))
                kept = 0

    def _forward(self, em: Emitter, rng: random.Random, day: int, total: int) -> int:
        profile = self.county.profile
        parts = rng.randint(1, 3)
        passed = round(total * rng.uniform(0.98, 1.0))
        for _ in range(parts):
            target = (
                rng.choice(self.upstream) if rng.random() < 0.2 else self.county.names.external()
            )
            hours = rng.randint(*profile.mule_forward_hours)
            em.transfer(self.acct, target, passed // parts, em.at(day, 72_000 + hours * 3600))
        return total - passed // parts * parts


class CycleRing(Group):
    """Three or four linked accounts sending the same money round in a circle within days."""

    def __init__(self, county: County, index: int) -> None:
        rng = county.rng
        self.county = county
        size = rng.randint(3, 4)
        tag = f"ring-{index}"
        self.members = [
            _member(county, "cycle", {"cycle"}, tag, "贸易", person_share=0.3) for _ in range(size)
        ]
        self.partners = [county.names.external(company="实业") for _ in range(4)]

    def emit(self, em: Emitter, rng: random.Random) -> None:
        """Rounds every one to four weeks; each hop keeps most of the amount and adds hours."""
        profile, days = self.county.profile, self.county.days
        rounds = rng.randint(5, 12)
        for k in range(rounds):
            es = em.at(int(days * k / rounds) + rng.randint(0, 3), self.county.business_second(rng))
            unit = 10_000 if rng.random() < profile.round_rate else 0
            fen = yuan(rng, 100_000, 2_000_000, unit)
            for i, src in enumerate(self.members):
                dst = self.members[(i + 1) % len(self.members)]
                em.transfer(src, dst, fen, es, "往来款")
                es += rng.randint(*profile.cycle_hop_hours) * 3600
                fen = round(fen * rng.uniform(*profile.cycle_retention))
        if profile.camouflage:
            for member in self.members:
                for month in range(0, days, 30):
                    em.transfer(
                        rng.choice(self.partners),
                        member,
                        yuan(rng, 5000, 80_000),
                        em.at(month + rng.randint(0, 29), 50_000),
                        "货款",
                    )
                    em.transfer(
                        member,
                        rng.choice(self.partners),
                        yuan(rng, 5000, 60_000),
                        em.at(month + rng.randint(0, 29), 56_000),
                        "货款",
                    )


class IllegalLender(Group):
    """Unlicensed loans to many borrowers: fee taken up front, instalments far above the cap."""

    def __init__(self, county: County, index: int) -> None:
        rng = county.rng
        self.county = county
        self.acct = _member(
            county, "lender", {"lending"}, f"lender-{index}", "信息咨询", person_share=0.6
        )
        size = (12, 25) if county.profile.tricky else (12, 40)
        count = rng.randint(*size)
        self.borrowers: list[Party] = [*county.draw(rng, round(count * 0.7))]
        self.borrowers += [county.names.external() for _ in range(count - len(self.borrowers))]
        self.backer = county.names.external()

    def emit(self, em: Emitter, rng: random.Random) -> None:
        """Each borrower: cash out net of the fee, then two or more instalments back."""
        days, tricky = self.county.days, self.county.profile.tricky
        lent = 0
        for borrower in self.borrowers:
            day = rng.randint(0, max(1, days - 100))
            loans = 2 if tricky and rng.random() < 0.3 else 1
            for _ in range(loans):
                day = self._loan(em, rng, borrower, day)
                lent += 1
        for month in range(0, days, 30):
            em.transfer(
                self.backer, self.acct, yuan(rng, 50_000, 200_000, 10_000), em.at(month, 30_000)
            )

    def _loan(self, em: Emitter, rng: random.Random, borrower: Party, day: int) -> int:
        profile = self.county.profile
        contract = yuan(rng, 3000, 50_000, 1000)
        fee = rng.uniform(0.0, 0.15) if profile.tricky else rng.uniform(0.1, 0.3)
        em.transfer(self.acct, borrower, round(contract * (1 - fee)), em.at(day, 40_000), "借款")
        months = rng.randint(1, 6)
        parts = months * 4 if rng.random() < 0.4 else max(2, months)
        due = contract * (1 + rng.uniform(*profile.lender_rate) * months / 12)
        for k in range(parts):
            back = day + round((k + 1) * months * 30 / parts)
            em.transfer(borrower, self.acct, round(due / parts), em.at(back, 60_000), "还款")
        return day + months * 30 + rng.randint(1, 20)


def populate(county: County) -> None:
    """Inject the schemes, in numbers that scale with the county (a few at least)."""
    makers: list[
        tuple[type[Ponzi] | type[Mule] | type[CycleRing] | type[IllegalLender], float, int]
    ] = [(Ponzi, 10, 3), (Mule, 20, 5), (CycleRing, 5, 3), (IllegalLender, 8, 3)]
    for maker, per_10k, minimum in makers:
        for index in range(county.count(per_10k, legit=False, minimum=minimum)):
            county.add(maker(county, index))
