"""The users/keys command functions: JSON shapes, exit codes, password input, no secret echoed."""

from __future__ import annotations

import io
import json

import pytest
from argon2 import PasswordHasher

from assistant.accounts import commands
from assistant.accounts.commands import run


@pytest.fixture
def settings(make_settings, monkeypatch):
    # a cheap (still argon2id) hasher for every store the commands open
    import assistant.accounts.crypto as crypto

    monkeypatch.setattr(crypto, "default_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    return make_settings()


def stdin(text: str) -> io.StringIO:
    return io.StringIO(text)


def add(settings, name="douya", role="streamer", password="correct horse"):
    return run(commands.users_add, settings, name, role, password_stdin=True, stdin=stdin(password + "\n"))


def test_users_add_list_remove_round_trip(settings):
    code, out, err = add(settings)
    assert code == 0 and "douya" in out and "correct horse" not in out + err
    assert add(settings, "laoban", "maintainer")[0] == 0
    code, out, _ = run(commands.users_list, settings, as_json=True)
    users = json.loads(out)
    assert code == 0 and [u["name"] for u in users] == ["douya", "laoban"]
    assert set(users[0]) == {"name", "role", "created_at"} and users[1]["role"] == "maintainer"
    assert run(commands.users_remove, settings, "douya")[0] == 0
    assert [u["name"] for u in json.loads(run(commands.users_list, settings, as_json=True)[1])] == ["laoban"]
    assert "laoban" in run(commands.users_list, settings)[1]


def test_empty_list_says_single_user_mode(settings):
    code, out, _ = run(commands.users_list, settings)
    assert code == 0 and "单用户" in out
    assert json.loads(run(commands.users_list, settings, as_json=True)[1]) == []


@pytest.mark.parametrize("args, message", [
    (("bad name!", "streamer"), "用户名"),
    (("douya", "admin"), "角色"),
])
def test_bad_usage_exits_2(settings, args, message):
    code, out, err = run(commands.users_add, settings, *args, password_stdin=True, stdin=stdin("correct horse\n"))
    assert code == 2 and out == "" and err.startswith("error: ") and message in err


def test_duplicate_unknown_and_bad_passwords_exit_2(settings):
    add(settings)
    assert add(settings)[0] == 2
    assert add(settings, "other", password="short")[0] == 2
    for command in (commands.users_remove, commands.keys_create, commands.keys_revoke):
        code, _, err = run(command, settings, "nobody")
        assert code == 2 and "nobody" in err
    code, _, err = run(commands.users_passwd, settings, "nobody", password_stdin=True, stdin=stdin("another one\n"))
    assert code == 2


def test_empty_stdin_and_no_terminal_exit_2(settings):
    code, _, err = run(commands.users_add, settings, "douya", "streamer", password_stdin=True, stdin=stdin(""))
    assert code == 2 and "--password-stdin" in err
    code, _, err = run(commands.users_add, settings, "douya", "streamer", stdin=stdin("correct horse\n"))
    assert code == 2 and "--password-stdin" in err, "not a terminal: never read a password silently"


def test_prompted_password_is_typed_twice(settings):
    answers = iter(["correct horse", "correct horse"])
    code, _, _ = run(commands.users_add, settings, "douya", "streamer", prompt=lambda _: next(answers))
    assert code == 0
    answers = iter(["new password 1", "new password 2"])
    code, _, err = run(commands.users_passwd, settings, "douya", prompt=lambda _: next(answers))
    assert code == 2 and "不一样" in err


def test_passwd_changes_the_password_and_ends_sessions(settings):
    from assistant.accounts import open_store

    add(settings)
    token = open_store(settings).create_session("douya").token
    code, out, _ = run(commands.users_passwd, settings, "douya", password_stdin=True, stdin=stdin("a new password\r\n"))
    assert code == 0 and "a new password" not in out
    store = open_store(settings)
    assert store.validate_session(token) is None
    assert store.verify("douya", "a new password") is not None


def test_keys_create_json_revoke(settings):
    from assistant.accounts import open_store

    add(settings)
    code, out, _ = run(commands.keys_create, settings, "douya", as_json=True)
    key = json.loads(out)["key"]
    assert code == 0 and set(json.loads(out)) == {"key"} and key.startswith("pb-")
    assert open_store(settings).authenticate_key(key).user.name == "douya"
    code, out, _ = run(commands.keys_list, settings, as_json=True)
    assert key not in out and json.loads(out)[0]["user"] == "douya"
    code, out, _ = run(commands.keys_revoke, settings, "douya")
    assert code == 0 and "1" in out
    assert open_store(settings).authenticate_key(key) is None
    plain = run(commands.keys_create, settings, "douya")[1]
    assert plain.startswith("pb-") and "只显示这一次" in plain


def test_unwritable_data_dir_exits_1(settings, tmp_path):
    import os

    if os.geteuid() == 0:
        blocked = tmp_path / "not-a-dir"
        blocked.write_text("a file where the data folder should be")
        bad = settings.replace(data_dir=blocked / "data")
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        bad = settings.replace(data_dir=locked / "data")
    code, _, err = run(commands.users_list, bad)
    assert code == 1 and "账号数据库" in err
