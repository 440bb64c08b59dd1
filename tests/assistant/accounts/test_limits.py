"""Rate limits: wrong passwords per (account, client) — a stranger never locks out the real user —
and the per-key token bucket of the API."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from assistant.accounts import AccountStore, ApiRateLimiter, ApiRatePolicy, LoginLimiter, LoginPolicy, login

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def setup(tmp_path):
    store = AccountStore(tmp_path, hasher=FAST)
    store.add_user("boss", "maintainer", "the real password")
    clock = Clock()
    return store, LoginLimiter(LoginPolicy(), clock=clock), clock


def test_a_typo_then_the_right_password_logs_in_at_once(setup):
    store, limiter, _ = setup
    assert not login(store, limiter, "boss", "the real passwrd", client="phone").ok
    result = login(store, limiter, "boss", "the real password", client="phone")
    assert result.ok and result.session.user.name == "boss"
    assert store.validate_session(result.session.token).user.name == "boss"
    assert result.session.token not in repr(result)


def test_strangers_guesses_lock_only_the_strangers_client(setup):
    store, limiter, clock = setup
    for _ in range(LoginPolicy().lockout_failures):
        login(store, limiter, "boss", "guess", client="203.0.113.9")
        clock.now += 60  # slow enough to pass every delay
    refused = login(store, limiter, "boss", "the real password", client="203.0.113.9")
    assert not refused.ok and refused.locked and "分钟后再试" in refused.message and "其他设备不受影响" in refused.message
    real = login(store, limiter, "boss", "the real password", client="198.51.100.7")
    assert real.ok, "the maintainer on another client is not locked out"
    clock.now += LoginPolicy().lockout_seconds + 1
    assert login(store, limiter, "boss", "the real password", client="203.0.113.9").ok


def test_delays_grow_after_the_free_failures_without_sleeping(setup):
    store, limiter, clock = setup
    for i in range(LoginPolicy().free_failures):
        result = login(store, limiter, "boss", f"wrong {i}", client="c")
        assert result.wait_seconds == 0 and result.message == "用户名或密码不对。"
    result = login(store, limiter, "boss", "wrong again", client="c")
    assert result.wait_seconds == 1 and "秒后再试" in result.message
    refused = login(store, limiter, "boss", "the real password", client="c")
    assert not refused.ok and refused.wait_seconds > 0 and refused.message.startswith("尝试太频繁")
    clock.now += 1.01
    assert login(store, limiter, "boss", "the real password", client="c").ok


def test_unknown_and_known_names_get_the_same_message(setup):
    store, limiter, _ = setup
    a = login(store, limiter, "boss", "wrong password", client="x")
    b = login(store, limiter, "nobody", "wrong password", client="y")
    assert a.message == b.message and not a.ok and not b.ok


def test_one_client_trying_many_names_is_locked_out_there(setup):
    store, limiter, clock = setup
    policy = LoginPolicy()
    for i in range(policy.client_lockout_failures):
        login(store, limiter, f"user{i}", "guess", client="bot")
        clock.now += 60
    assert login(store, limiter, "boss", "the real password", client="bot").locked
    assert login(store, limiter, "boss", "the real password", client="office").ok


def test_failures_are_forgotten_after_the_window(setup):
    store, limiter, clock = setup
    for _ in range(5):
        login(store, limiter, "boss", "guess", client="c")
        clock.now += 40
    clock.now += LoginPolicy().window_seconds + 1
    assert limiter.check("boss", "c").failures == 0


def test_limiter_memory_is_bounded():
    clock = Clock()
    limiter = LoginLimiter(LoginPolicy(max_entries=100), clock=clock)
    for i in range(1000):
        limiter.failure(f"name{i}", f"client{i}")
        clock.now += 0.001
    assert len(limiter._counts) <= 100


def test_api_bucket_allows_a_burst_then_refills():
    clock = Clock()
    limiter = ApiRateLimiter(ApiRatePolicy(rate_per_minute=30, burst=3), clock=clock)
    assert [limiter.acquire("k1") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.acquire("k1")
    assert wait == 2.0  # one token per 2 s
    assert limiter.acquire("k2") == 0.0, "buckets are per key"
    clock.now += 2.0
    assert limiter.acquire("k1") == 0.0
    assert limiter.acquire("k1") > 0
    with pytest.raises(ValueError):
        ApiRateLimiter(ApiRatePolicy(rate_per_minute=0, burst=1))


def test_fresh_clients_on_one_network_are_slowed_but_a_trusted_client_is_not(setup):
    """A guesser who throws their browser cookie away each time gets a new client id: the network
    counter slows every untrusted client of that address, never the real user's own browser."""
    store, limiter, clock = setup
    assert login(store, limiter, "boss", "the real password", client="boss-laptop", network="10.0.0.5").ok
    free = LoginPolicy().network_free_failures
    for i in range(free):  # each attempt from a new client: no pair or client counter ever builds up
        assert login(store, limiter, "boss", "guess", client=f"fresh-{i}", network="10.0.0.5").wait_seconds == 0
    assert login(store, limiter, "boss", "guess", client="fresh-last", network="10.0.0.5").wait_seconds == 1
    slowed = login(store, limiter, "boss", "the real password", client="fresh-new", network="10.0.0.5")
    assert not slowed.ok and slowed.wait_seconds > 0 and not slowed.locked
    assert login(store, limiter, "boss", "the real password", client="boss-laptop", network="10.0.0.5").ok
    assert login(store, limiter, "boss", "the real password", client="fresh-elsewhere", network="10.9.9.9").ok
    clock.now += LoginPolicy().max_delay + 1
    assert login(store, limiter, "boss", "the real password", client="fresh-new", network="10.0.0.5").ok


def test_network_delays_are_capped_and_never_a_lockout(setup):
    _, limiter, _ = setup
    for i in range(LoginPolicy().network_free_failures + 30):
        limiter.failure("boss", f"c{i}", "10.0.0.6")
    check = limiter.check("boss", "another", "10.0.0.6")
    assert 0 < check.wait_seconds <= LoginPolicy().max_delay and not check.locked
