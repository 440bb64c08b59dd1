"""Rate limits: wrong passwords per (account, client), and API calls per key.

Login: failures are counted per pair (user name, client id) and per client over all names. A
stranger guessing from their own browser or address slows down and is locked out there only; the
real user on another client is never affected. The first few failures cost nothing (typos), then
each attempt waits 1, 2, 4 ... s (at most ``max_delay``), and after ``lockout_failures`` the pair is
locked for ``lockout_seconds``. Nothing sleeps: a refused attempt is answered at once with the wait.

There is deliberately no lock per account over all clients: that is exactly what let anyone lock the
maintainer out. The limits hold as well as the client id does. The app's client id is a per-browser
cookie, which a guesser can throw away to start afresh; so attempts may also name their ``network``
(the connection's address; behind a trusted proxy the forwarded one). Failures are counted per
network over all clients too, and past ``network_free_failures`` every attempt from that network is
slowed (never locked) - except from clients that have logged in successfully before (``trusted``:
the real user's own browser keeps working while a stranger on the same network is slowed down).
argon2 itself caps guessing speed to tens of checks per second per core.

API: a token bucket per key (``rate_per_minute`` refill, ``burst`` capacity); a refused call gets
the seconds until the next token (the ``Retry-After`` of a 429).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Hashable


@dataclass(frozen=True)
class LoginPolicy:
    free_failures: int = 3          # wrong passwords without any wait (typos)
    max_delay: float = 30.0
    lockout_failures: int = 10      # per (name, client)
    lockout_seconds: float = 900.0
    client_lockout_failures: int = 30   # per client over all names (one client trying many names)
    network_free_failures: int = 20     # per network over all clients, before untrusted clients wait
    window_seconds: float = 900.0   # failures older than this are forgotten
    max_entries: int = 10000        # memory bound: the oldest counters are dropped first


@dataclass
class _Count:
    failures: int = 0
    last: float = 0.0


@dataclass(frozen=True)
class LoginCheck:
    """``wait_seconds`` > 0: refuse this attempt without checking the password."""

    wait_seconds: float = 0.0
    locked: bool = False
    failures: int = 0


class LoginLimiter:
    """Thread-safe counters of wrong passwords (in memory, per process)."""

    def __init__(self, policy: LoginPolicy = LoginPolicy(), clock: Callable[[], float] = time.monotonic):
        self.policy = policy
        self.clock = clock
        self._counts: dict[Hashable, _Count] = {}
        self._trusted: OrderedDict[str, None] = OrderedDict()   # clients with a successful login
        self._lock = threading.Lock()

    @staticmethod
    def _pair(name: str, client: str) -> tuple[str, str, str]:
        return ("pair", str(name).strip().casefold(), str(client))

    @staticmethod
    def _client(client: str) -> tuple[str, str]:
        return ("client", str(client))

    @staticmethod
    def _network(network: str) -> tuple[str, str]:
        return ("network", str(network))

    def _network_delay(self, failures: int) -> float:
        free = self.policy.network_free_failures
        return 0.0 if failures <= free else min(self.policy.max_delay, 2.0 ** (failures - free - 1))

    def trusted(self, client: str) -> bool:
        """Whether ``client`` has logged in successfully (in this process, recently enough to be kept)."""
        with self._lock:
            return str(client) in self._trusted

    def _get(self, key: Hashable, now: float) -> _Count:
        count = self._counts.get(key)
        if count is None:
            return _Count()
        if now - count.last > self.policy.window_seconds:
            del self._counts[key]
            return _Count()
        return count

    def _delay(self, failures: int, lock_at: int) -> float:
        p = self.policy
        if failures >= lock_at:
            return p.lockout_seconds
        if failures <= p.free_failures:
            return 0.0
        return min(p.max_delay, 2.0 ** (failures - p.free_failures - 1))

    def check(self, name: str, client: str, network: str | None = None) -> LoginCheck:
        now = self.clock()
        with self._lock:
            pair = self._get(self._pair(name, client), now)
            whole = self._get(self._client(client), now)
            waits = []
            for count, lock_at in ((pair, self.policy.lockout_failures), (whole, self.policy.client_lockout_failures)):
                if count.failures:
                    waits.append((max(0.0, count.last + self._delay(count.failures, lock_at) - now),
                                  count.failures >= lock_at))
            if network is not None and str(client) not in self._trusted:
                net = self._get(self._network(network), now)
                if net.failures:
                    waits.append((max(0.0, net.last + self._network_delay(net.failures) - now), False))
            wait, locked = max(waits, default=(0.0, False))
            return LoginCheck(wait_seconds=wait, locked=locked and wait > 0, failures=pair.failures)

    def failure(self, name: str, client: str, network: str | None = None) -> LoginCheck:
        """Record a wrong password; returns the state for the next attempt."""
        now = self.clock()
        keys = [self._pair(name, client), self._client(client)]
        if network is not None:
            keys.append(self._network(network))
        with self._lock:
            for key in keys:
                count = self._get(key, now)
                count.failures += 1
                count.last = now
                self._counts[key] = count
            self._prune(now)
        return self.check(name, client, network)

    def success(self, name: str, client: str) -> None:
        """A correct password resets the pair (not the client's total: one valid account of its own
        must not let a client reset its guessing budget for others) and makes the client trusted."""
        with self._lock:
            self._counts.pop(self._pair(name, client), None)
            self._trusted[str(client)] = None
            self._trusted.move_to_end(str(client))
            while len(self._trusted) > self.policy.max_entries:
                self._trusted.popitem(last=False)

    def _prune(self, now: float) -> None:
        if len(self._counts) <= self.policy.max_entries:
            return
        for key in [k for k, c in self._counts.items() if now - c.last > self.policy.window_seconds]:
            del self._counts[key]
        if len(self._counts) > self.policy.max_entries:
            for key, _ in sorted(self._counts.items(), key=lambda kv: kv[1].last)[: len(self._counts) - self.policy.max_entries]:
                del self._counts[key]


@dataclass(frozen=True)
class ApiRatePolicy:
    rate_per_minute: float = 60.0
    burst: int = 20


class ApiRateLimiter:
    """Token bucket per key id (in memory, per process; thread-safe)."""

    def __init__(self, policy: ApiRatePolicy = ApiRatePolicy(), clock: Callable[[], float] = time.monotonic,
                 max_entries: int = 10000):
        if policy.rate_per_minute <= 0 or policy.burst < 1:
            raise ValueError("rate_per_minute must be > 0 and burst >= 1")
        self.policy = policy
        self.clock = clock
        self.max_entries = max_entries
        self._buckets: dict[Hashable, tuple[float, float]] = {}   # key -> (tokens, last refill)
        self._lock = threading.Lock()

    def acquire(self, key: Hashable) -> float:
        """Take one token: 0.0 when allowed, else the seconds (rounded up) until one is available."""
        rate = self.policy.rate_per_minute / 60.0
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.policy.burst), now))
            tokens = min(float(self.policy.burst), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                allowed = True
            else:
                self._buckets[key] = (tokens, now)
                allowed = False
            if len(self._buckets) > self.max_entries:
                full = [k for k, (t, at) in self._buckets.items() if t + (now - at) * rate >= self.policy.burst]
                for k in full:
                    del self._buckets[k]
        return 0.0 if allowed else float(max(1, math.ceil((1.0 - tokens) / rate)))
