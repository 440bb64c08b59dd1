"""The accounts and API command lines: ``users``, ``keys`` and ``serve`` (contracts.md "Accounts", "HTTP API")."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import time

import httpx
import pytest
from argon2 import PasswordHasher

from assistant.accounts import AccountStore
from assistant.cli import main
from assistant.conversations import ConversationStore
from reliability.procs import PY, REPO_ROOT, cli_env, free_port, stop_tree


@pytest.fixture
def cli(invoke_cli, tmp_path, monkeypatch):
    """``cli(*args, stdin="...")`` in-process with a private data dir and a cheap (still argon2id) hasher."""
    import assistant.accounts.crypto as crypto

    monkeypatch.setattr(crypto, "default_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    env = {"PLAYBOOK_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str, stdin: str = ""):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        proc = invoke_cli(main, *args, env=env)
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc

    run.data_dir = tmp_path / "data"
    return run


@pytest.mark.pure
def test_users_add_list_passwd_remove(cli):
    assert cli("users", "list", "--json").stdout.strip() == "[]"
    added = cli("users", "add", "douya", "--role", "streamer", "--password-stdin", stdin="douya password\n")
    assert added.returncode == 0 and "douya" in added.stdout and "douya password" not in added.stdout + added.stderr
    assert cli("users", "add", "weihu", "--role", "maintainer", "--password-stdin", stdin="weihu password\n").returncode == 0
    users = json.loads(cli("users", "list", "--json").stdout)
    assert [(u["name"], u["role"]) for u in users] == [("douya", "streamer"), ("weihu", "maintainer")]
    assert set(users[0]) == {"name", "role", "created_at"}

    store = AccountStore(cli.data_dir)
    token = store.create_session("douya").token
    assert cli("users", "passwd", "douya", "--password-stdin", stdin="a new password\n").returncode == 0
    assert store.validate_session(token) is None and store.verify("douya", "a new password")
    assert cli("users", "remove", "douya").returncode == 0
    assert [u["name"] for u in json.loads(cli("users", "list", "--json").stdout)] == ["weihu"]


@pytest.mark.pure
def test_keys_create_is_shown_once_and_revoke_ends_it(cli):
    cli("users", "add", "douya", "--role", "streamer", "--password-stdin", stdin="douya password\n")
    created = cli("keys", "create", "douya", "--json")
    key = json.loads(created.stdout)["key"]
    store = AccountStore(cli.data_dir)
    assert created.returncode == 0 and store.authenticate_key(key).user.name == "douya"
    assert key not in cli("keys", "list", "--json").stdout  # only its first characters are ever shown again
    assert cli("keys", "revoke", "douya").returncode == 0
    assert store.authenticate_key(key) is None


@pytest.mark.pure
@pytest.mark.parametrize("args, words", [
    (("users", "add", "douya", "--role", "admin", "--password-stdin"), "--role"),
    (("users", "add", "bad name!", "--role", "streamer", "--password-stdin"), "用户名"),
    (("users", "add", "douya", "--role", "streamer", "--password-stdin"), "密码"),   # empty stdin
    (("users", "remove", "nobody"), "没有这个用户"),
    (("users", "passwd", "nobody", "--password-stdin"), "没有这个用户"),
    (("keys", "create", "nobody"), "没有这个用户"),
    (("keys", "revoke", "nobody"), "没有这个用户"),
    (("serve", "--port", "0"), "--port"),
])
def test_bad_usage_exits_2_with_a_clear_message(cli, args, words):
    proc = cli(*args)
    assert proc.returncode == 2 and words in proc.stderr, (proc.returncode, proc.stderr)


@pytest.mark.pure
def test_help_has_examples(cli):
    for group in ("users", "keys", "serve"):
        proc = cli(group, "--help")
        assert proc.returncode == 0 and "examples:" in proc.stdout and "python -m assistant" in proc.stdout


def test_serve_answers_the_openai_client_and_files_the_chat_under_the_caller(index_settings, tmp_path):
    """The real ``python -m assistant serve`` process, a key from ``keys create``, the official client."""
    from openai import OpenAI

    data = tmp_path / "data"
    shutil.copytree(index_settings.data_dir, data)
    env = cli_env(data, index_settings.cards_dir)
    subprocess.run([PY, "-m", "assistant", "users", "add", "douya", "--role", "streamer", "--password-stdin"],
                   input="douya password\n", text=True, env=env, cwd=REPO_ROOT, check=True, capture_output=True)
    key = json.loads(subprocess.run([PY, "-m", "assistant", "keys", "create", "douya", "--json"], text=True, env=env,
                                    cwd=REPO_ROOT, check=True, capture_output=True).stdout)["key"]
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([PY, "-m", "assistant", "serve", "--port", str(port)], env=env, cwd=REPO_ROOT,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).json() == {"status": "ok"}:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.3)
        with OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key=key, max_retries=0, timeout=60) as client:
            assert [m.id for m in client.models.list().data] == ["playbook"]
            reply = client.chat.completions.create(model="playbook", messages=[{"role": "user", "content": "直播间人气掉了怎么办？"}])
        assert reply.model_extra["sources"] and "[1]" in reply.choices[0].message.content
        chats = ConversationStore(data).list(owner="douya")
        assert [c.title for c in chats] == ["直播间人气掉了怎么办？"]
    finally:
        stop_tree(proc)
        log.close()
    assert key not in (tmp_path / "serve.log").read_text()


@pytest.mark.pure
def test_a_removed_users_conversations_go_to_nobody_not_to_a_new_user_of_the_same_name(cli):
    cli("users", "add", "douya", "--role", "streamer", "--password-stdin", stdin="douya password\n")
    store = ConversationStore(cli.data_dir)
    cid = store.create(owner="douya")
    store.add_message(cid, "user", "旧豆芽的私人问题", owner="douya")
    removed = cli("users", "remove", "DOUYA")  # names are case-insensitive
    assert removed.returncode == 0 and "1 个对话" in removed.stdout
    cli("users", "add", "douya", "--role", "streamer", "--password-stdin", stdin="another person\n")
    assert store.list(owner="douya") == [] and store.get(cid, owner="douya") is None
    assert store.get(cid).owner.startswith("removed:douya:")  # kept for the aggregates
