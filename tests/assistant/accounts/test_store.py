"""The account store: argon2id hashes, verify, rehash, sessions, API keys — against a real SQLite file."""

from __future__ import annotations

import sqlite3

import pytest
from argon2 import PasswordHasher

from assistant.accounts import (
    AccountStore,
    InvalidNameError,
    InvalidPasswordError,
    InvalidRoleError,
    SessionPolicy,
    UnknownUserError,
    UserExistsError,
)
from assistant.accounts.store import DAY

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse"


class Clock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock) -> AccountStore:
    return AccountStore(tmp_path / "data", hasher=FAST, clock=clock)


def _db_bytes(store: AccountStore) -> bytes:
    data = b""
    for suffix in ("", "-wal"):
        path = store.path.with_name(store.path.name + suffix)
        if path.exists():
            data += path.read_bytes()
    return data


def test_password_is_stored_as_an_argon2id_hash_never_in_clear(store):
    user = store.add_user("douya", "streamer", PASSWORD)
    assert user.name == "douya" and user.role == "streamer" and user.created_at.endswith("+00:00")
    with sqlite3.connect(store.path) as conn:
        (stored,) = conn.execute("SELECT password_hash FROM users").fetchone()
    assert stored.startswith("$argon2id$")
    assert PASSWORD.encode() not in _db_bytes(store)
    assert "argon2" not in repr(user) and "argon2" not in repr(store.list_users())
    assert oct(store.path.stat().st_mode & 0o777) == "0o600"


def test_verify_accepts_the_right_password_only(store):
    store.add_user("douya", "streamer", PASSWORD)
    assert store.verify("douya", PASSWORD).name == "douya"
    assert store.verify("DOUYA", PASSWORD).name == "douya", "names are case-insensitive"
    assert store.verify("douya", PASSWORD + " ") is None
    assert store.verify("douya", "") is None
    assert store.verify("nobody", PASSWORD) is None
    assert store.verify("not a valid name!", PASSWORD) is None


class CountingHasher(PasswordHasher):
    """The real argon2id hasher, counting the checks it makes."""

    def __init__(self):
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.checked: list[str] = []

    def verify(self, hash, password):
        self.checked.append(hash)
        return super().verify(hash, password)


def test_unknown_user_costs_an_argon2_check_too(tmp_path):
    hasher = CountingHasher()
    store = AccountStore(tmp_path, hasher=hasher)
    store.add_user("douya", "streamer", PASSWORD)
    store.verify("nobody", PASSWORD)
    store.verify("douya", "wrong password")
    assert len(hasher.checked) == 2 and all(h.startswith("$argon2id$") for h in hasher.checked)
    assert hasher.checked[0] != hasher.checked[1], "a dummy hash for the unknown name"


def test_hash_is_upgraded_on_login_when_parameters_change(tmp_path):
    old = AccountStore(tmp_path, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    old.add_user("douya", "streamer", PASSWORD)
    newer = AccountStore(tmp_path, hasher=PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
    assert newer.verify("douya", "wrong password") is None
    with sqlite3.connect(newer.path) as conn:
        assert "m=1024,t=1" in conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert newer.verify("douya", PASSWORD) is not None
    with sqlite3.connect(newer.path) as conn:
        assert "m=2048,t=2" in conn.execute("SELECT password_hash FROM users").fetchone()[0]
    assert newer.verify("douya", PASSWORD) is not None


@pytest.mark.parametrize("name", ["a", "x" * 33, "-rf", "豆芽", "has space", "semi;colon", ""])
def test_invalid_names_are_refused_with_the_rule(store, name):
    with pytest.raises(InvalidNameError) as info:
        store.add_user(name, "streamer", PASSWORD)
    assert "2 到 32 个字符" in str(info.value)


@pytest.mark.parametrize("password, rule", [("short", "至少 8"), ("        ", "空格"), ("douya_01", "用户名"),
                                            ("tab\there1", "控制字符"), ("x" * 300, "最多")])
def test_invalid_passwords_are_refused_with_the_rule(store, password, rule):
    with pytest.raises(InvalidPasswordError) as info:
        store.add_user("douya_01", "streamer", password)
    assert rule in str(info.value)


def test_roles_and_duplicates(store):
    with pytest.raises(InvalidRoleError):
        store.add_user("douya", "admin", PASSWORD)
    store.add_user("douya", "streamer", PASSWORD)
    with pytest.raises(UserExistsError):
        store.add_user("Douya", "operator", PASSWORD)
    store.set_role("douya", "maintainer")
    assert store.get_user("douya").is_maintainer
    assert [u.to_json() for u in store.list_users()] == [
        {"name": "douya", "role": "maintainer", "created_at": store.get_user("douya").created_at}]


def test_sessions_validate_then_end_on_logout(store):
    assert store.has_users() is False
    store.add_user("douya", "streamer", PASSWORD)
    assert store.has_users() is True
    new = store.create_session("douya")
    assert new.token not in repr(new)
    session = store.validate_session(new.token)
    assert session.user.name == "douya"
    assert new.token.encode() not in _db_bytes(store)
    store.end_session(new.token)
    assert store.validate_session(new.token) is None
    assert store.validate_session("") is None and store.validate_session("forged-token") is None


def test_sessions_expire_when_idle_and_absolutely(tmp_path, clock):
    store = AccountStore(tmp_path, hasher=FAST, clock=clock,
                         sessions=SessionPolicy(idle_seconds=2 * DAY, absolute_seconds=5 * DAY))
    store.add_user("douya", "streamer", PASSWORD)
    idle = store.create_session("douya").token
    clock.now += 2 * DAY + 1
    assert store.validate_session(idle) is None, "idle past the limit"
    active = store.create_session("douya").token
    for _ in range(4):  # used every day: the idle limit never hits, the absolute one does
        clock.now += DAY
        assert store.validate_session(active) is not None
    clock.now += DAY + 1
    assert store.validate_session(active) is None


def test_password_change_ends_sessions_except_the_one_kept(store):
    store.add_user("douya", "streamer", PASSWORD)
    phone, laptop, here = (store.create_session("douya").token for _ in range(3))
    store.change_password("douya", "a new password", keep_session=here)
    assert store.validate_session(phone) is None and store.validate_session(laptop) is None
    assert store.validate_session(here) is not None
    assert store.verify("douya", PASSWORD) is None and store.verify("douya", "a new password")
    store.change_password("douya", "third password")
    assert store.validate_session(here) is None


def test_removing_a_user_ends_sessions_and_revokes_keys(store):
    store.add_user("douya", "streamer", PASSWORD)
    store.add_user("laoban", "operator", PASSWORD)
    token = store.create_session("douya").token
    key = store.create_key("douya").key
    other = store.create_key("laoban").key
    store.remove_user("douya")
    assert store.validate_session(token) is None and store.authenticate_key(key) is None
    assert store.authenticate_key(other).user.name == "laoban"
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM api_keys").fetchone()[0] == 1
    with pytest.raises(UnknownUserError):
        store.remove_user("douya")


def test_api_keys_are_shown_once_and_stored_hashed(store):
    store.add_user("douya", "streamer", PASSWORD)
    new = store.create_key("douya")
    assert new.key.startswith("pb-") and len(new.key) > 40 and new.key not in repr(new)
    assert new.key.encode() not in _db_bytes(store)
    with sqlite3.connect(store.path) as conn:
        (stored,) = conn.execute("SELECT key_hash FROM api_keys").fetchone()
    assert len(stored) == 64 and stored != new.key
    who = store.authenticate_key(new.key)
    assert who.user.name == "douya" and who.key_id > 0
    listed = store.list_keys("douya")
    assert [k.prefix for k in listed] == [new.prefix] and new.key.startswith(new.prefix) and len(new.prefix) < 12
    assert store.authenticate_key(new.key[:-1] + ("A" if new.key[-1] != "A" else "B")) is None
    assert store.authenticate_key("") is None and store.authenticate_key("Bearer x") is None


def test_revoke_removes_every_key_of_that_user_only(store):
    store.add_user("douya", "streamer", PASSWORD)
    store.add_user("laoban", "operator", PASSWORD)
    keys = [store.create_key("douya").key for _ in range(2)]
    other = store.create_key("laoban").key
    assert store.revoke_keys("douya") == 2
    assert all(store.authenticate_key(k) is None for k in keys)
    assert store.authenticate_key(other) is not None
    with pytest.raises(UnknownUserError):
        store.create_key("nobody")


def test_store_is_shared_between_instances_and_threads(tmp_path):
    import threading

    first = AccountStore(tmp_path, hasher=FAST)
    first.add_user("douya", "streamer", PASSWORD)
    second = AccountStore(tmp_path, hasher=FAST)
    key = second.create_key("douya").key
    errors = []

    def call():
        try:
            for _ in range(20):
                assert first.authenticate_key(key) is not None
                first.create_session("douya")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_default_hasher_is_argon2id_with_library_defaults(tmp_path):
    store = AccountStore(tmp_path)
    assert store.hasher.time_cost >= 3 and store.hasher.memory_cost >= 65536


def test_at_most_two_password_checks_run_at_once(tmp_path):
    import threading
    import time

    class SlowHasher(PasswordHasher):
        def __init__(self):
            super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
            self.active = self.peak = 0
            self.lock = threading.Lock()

        def verify(self, hash, password):
            with self.lock:
                self.active += 1
                self.peak = max(self.peak, self.active)
            time.sleep(0.05)
            with self.lock:
                self.active -= 1
            return super().verify(hash, password)

    hasher = SlowHasher()
    store = AccountStore(tmp_path, hasher=hasher)
    store.add_user("douya", "streamer", PASSWORD)
    threads = [threading.Thread(target=store.verify, args=("douya", PASSWORD)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert hasher.peak == 2
