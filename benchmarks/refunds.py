"""Time and peak memory of one distribution round over 1,000,000 participants.

Run: ``.venv/bin/python benchmarks/refunds.py [participants]``. Goal (issue 8): under 10 s and 2 GB.

Three ways of computing the same round are measured in the same run, on the same claims:

- ``allocate``: fangfei's integer largest-remainder round (threshold selection, ties by id);
- ``int-full-sort``: the same integers, but every participant sorted by (−remainder, id);
- ``decimal-naive``: a Decimal share per participant (50 digits), floored to the fen, then the
  spare fen handed out after a full sort by (−fraction, id) — what one writes first.

Each is timed untraced, then run again under tracemalloc for the peak of the memory it allocates
(the claims themselves excluded); the process's peak resident size is printed at the end. Every
result is checked against ``allocate`` and the round total against the pool.
"""

from __future__ import annotations

import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal, localcontext

from fangfei.refunds.allocation import allocate

Allocator = Callable[[Mapping[str, int], int], dict[str, int]]
SEED = 20_240_808
GOAL_SECONDS = 10.0
GOAL_BYTES = 2 * 1024**3
MIB = 1024**2


# --- claims -----------------------------------------------------------------------------------


def typical_claims(count: int) -> dict[str, int]:
    """Claims from 1,000 to 1,000,000 yuan, 2% of them zero (returns exceeded deposits)."""
    rng = random.Random(SEED)
    ids = [f"P{n:07d}" for n in range(count)]
    rng.shuffle(ids)  # ids out of order, as a register grows
    return {
        participant: 0 if rng.random() < 0.02 else rng.randrange(100_000, 100_000_001)
        for participant in ids
    }


def equal_claims(count: int) -> dict[str, int]:
    """Everyone owed 50,000.00 yuan: every remainder ties, the worst case for the tie-break."""
    return {f"P{n:07d}": 5_000_000 for n in range(count)}


def huge_claims(count: int) -> dict[str, int]:
    """Claims up to 10^12 yuan: pool × claim reaches 10^30, far beyond 64-bit integers."""
    rng = random.Random(SEED + 1)
    return {f"P{n:07d}": rng.randrange(10**12, 10**14) for n in range(count)}


# --- baselines --------------------------------------------------------------------------------


def int_full_sort(claims: Mapping[str, int], pool: int) -> dict[str, int]:
    """Integer shares, then every participant sorted by (−remainder, id)."""
    total = sum(claims.values())
    if pool >= total:
        return dict(claims)
    shares = {p: pool * c // total for p, c in claims.items()}
    remainders = {p: pool * c % total for p, c in claims.items()}
    leftover = pool - sum(shares.values())
    for participant in sorted(claims, key=lambda p: (-remainders[p], p))[:leftover]:
        shares[participant] += 1
    return shares


def decimal_naive(claims: Mapping[str, int], pool: int) -> dict[str, int]:
    """A Decimal share per participant, floored to the fen, spare fen after a full sort."""
    with localcontext() as context:
        context.prec = 50
        total = Decimal(sum(claims.values()))
        if pool >= total:
            return dict(claims)
        exact = {p: Decimal(pool) * c / total for p, c in claims.items()}
        floors = {p: int(x.to_integral_value(rounding=ROUND_FLOOR)) for p, x in exact.items()}
        leftover = pool - sum(floors.values())
        order = sorted(claims, key=lambda p: (floors[p] - exact[p], p))
    for participant in order[:leftover]:
        floors[participant] += 1
    return floors


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Figure:
    """One method on one scenario."""

    scenario: str
    method: str
    seconds: float
    peak_bytes: int
    exact: bool
    agrees: bool
    max_rss_bytes: int  # the process's peak so far, read before the traced run


def max_rss() -> int:
    """The process's peak resident size so far, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(
    scenario: str,
    method: str,
    run: Allocator,
    claims: dict[str, int],
    pool: int,
    reference: dict[str, int] | None,
) -> tuple[Figure, dict[str, int]]:
    """Time ``run`` untraced, then trace its allocations in a second run."""
    started = time.perf_counter()
    result = run(claims, pool)
    seconds = time.perf_counter() - started
    rss = max_rss()
    tracemalloc.start()
    run(claims, pool)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    exact = sum(result.values()) == min(pool, sum(claims.values()))
    agrees = reference is None or result == reference
    return Figure(scenario, method, seconds, peak, exact, agrees, rss), result


METHODS: tuple[tuple[str, Allocator], ...] = (
    ("allocate", allocate),
    ("int-full-sort", int_full_sort),
    ("decimal-naive", decimal_naive),
)


def scenarios(
    count: int,
) -> list[tuple[str, Callable[[int], dict[str, int]], Callable[[int], int]]]:
    """Name, claims and pool (as a function of the total) of each scenario."""
    return [
        ("typical, pool 37.5%", typical_claims, lambda total: total * 3 // 8 + 1),
        ("equal claims (all tie)", equal_claims, lambda total: total // 3 + count // 2),
        ("huge amounts", huge_claims, lambda total: total // 7),
    ]


def print_table(count: int, figures: list[Figure]) -> None:
    """The figures, one line per method and scenario."""
    print(f"refund round over {count:,} participants (Python {sys.version.split()[0]})")
    header = f"{'scenario':<24} {'method':<14} {'time s':>8} {'traced peak MiB':>16} {'exact':>6} {'agrees':>7}"
    print(header)
    print("-" * len(header))
    for f in figures:
        print(
            f"{f.scenario:<24} {f.method:<14} {f.seconds:>8.2f} {f.peak_bytes / MIB:>16.1f}"
            f" {'yes' if f.exact else 'NO':>6} {'yes' if f.agrees else 'NO':>7}"
        )


def main() -> None:
    """Generate the claims, measure every method on every scenario, print the table."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    figures: list[Figure] = []
    for scenario, make_claims, make_pool in scenarios(count):
        claims = make_claims(count)
        pool = make_pool(sum(claims.values()))
        reference: dict[str, int] | None = None
        for method, run in METHODS:
            figure, result = measure(scenario, method, run, claims, pool, reference)
            reference = reference or result
            figures.append(figure)
        del claims, reference
    print_table(count, figures)
    first = figures[0]  # claims generated and one allocate round run, nothing else yet
    print(
        f"process peak resident size: {first.max_rss_bytes / MIB:,.0f} MiB after the first"
        f" scenario's claims and one allocate round; {max_rss() / MIB:,.0f} MiB after everything"
        " (baselines and tracemalloc included)"
    )
    ours = [f for f in figures if f.method == "allocate"]
    seconds = max(f.seconds for f in ours)
    met = seconds < GOAL_SECONDS and first.max_rss_bytes < GOAL_BYTES
    print(
        f"allocate, slowest scenario: {seconds:.2f} s, largest traced peak"
        f" {max(f.peak_bytes for f in ours) / MIB:,.0f} MiB"
        f" — goal < {GOAL_SECONDS:.0f} s and < 2 GB: {'met' if met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
