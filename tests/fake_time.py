"""A clock that only the injected sleep moves, for the retry loops and the transports' deadline."""

from __future__ import annotations


class FakeTime:
    """Hands a retry loop its clock and its sleeps; the test moves `now` by hand for an attempt's time."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)
