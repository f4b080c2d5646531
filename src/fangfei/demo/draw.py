"""The seeded sources of randomness every part of the demo county draws from."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from faker import Faker
from stdnum.cn import ric

# The demo county's division code: a real one that stdnum accepts for every birth year.
REGION_CODE = "330122"
BIRTH_REGIONS = ((REGION_CODE, 86), ("140121", 4), ("140122", 4), ("210421", 3), ("211021", 3))


@dataclass
class Draw:
    """The seeded sources of randomness and the keys already handed out."""

    fake: Faker
    rng: random.Random
    used: set[str] = field(default_factory=set)

    @classmethod
    def seeded(cls, seed: int) -> Draw:
        """Faker and Random, both seeded with ``seed``."""
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        return cls(fake, random.Random(seed))

    def weighted(self, options: Sequence[tuple[Any, int]]) -> Any:
        """One option drawn by its weight."""
        return self.rng.choices([o for o, _ in options], [w for _, w in options])[0]

    def day(self, first: date, last: date) -> date:
        """A day between ``first`` and ``last`` inclusive."""
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def fresh(self, make: Callable[[], str]) -> str:
        """A value from ``make`` that was not handed out before."""
        while (value := make()) in self.used:
            pass
        self.used.add(value)
        return value


def new_id_number(draw: Draw, male: bool) -> str:
    """A valid resident ID number not handed out before, of someone born 1945–2005."""

    def make() -> str:
        born = draw.day(date(1945, 1, 1), date(2005, 12, 31))
        sequence = draw.rng.randrange(1, 500) * 2 + (1 if male else 0)  # odd means male
        first17 = f"{draw.weighted(BIRTH_REGIONS)}{born:%Y%m%d}{sequence:03d}"
        return first17 + ric.calc_check_digit(first17 + "0")

    return draw.fresh(make)
