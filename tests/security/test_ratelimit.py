"""The sliding-window rate limiter."""

from __future__ import annotations

from fangfei.security.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limit_within_window_then_release() -> None:
    clock = Clock()
    limiter = RateLimiter(3, 60.0, clock=clock)
    assert [limiter.hit("a") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit("b") is True  # keys are independent
    clock.now += 30
    assert limiter.retry_after("a") == 30
    clock.now += 30
    assert limiter.retry_after("a") == 0
    assert limiter.hit("a") is True


def test_reset_forgets_a_key() -> None:
    limiter = RateLimiter(1, 60.0, clock=Clock())
    assert limiter.hit("a") and not limiter.hit("a")
    limiter.reset("a")
    assert limiter.hit("a")
