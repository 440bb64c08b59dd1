"""The CLI contract: ``python -m assistant ask`` and ``plan``, exit codes 0/1/2, no tracebacks.

``run`` is the real ``python -m assistant`` in a subprocess; ``invoke`` the same command line in-process
(``assistant.cli.main``: parsing and the error -> exit-code mapping), used where a subprocess adds nothing.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml

from assistant.cli import main
from reliability.procs import cli_env, run_module
from tests.assistant.conftest import DEV_PLANS
from tests.support.paths import SHIPPED_CARDS
from tests.support.plans import check_plan_contract


def run(*args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    proc = run_module("assistant", list(args), dict(cli_env(), **(env or {})), timeout=timeout)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture
def invoke(invoke_cli):
    def call(*args: str, env: dict | None = None):
        proc = invoke_cli(main, *args, env=env)
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc

    return call


@pytest.fixture(scope="module")
def index_env(index_settings) -> dict:
    return {"PLAYBOOK_DATA_DIR": str(index_settings.data_dir), "PLAYBOOK_CARDS_DIR": str(index_settings.cards_dir)}


def test_ask_json_follows_the_contract(index_env, shipped_cards):
    proc = run("ask", "直播时能不能说\"全网最低价\"？", "--json", env=index_env)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["mode"] == "offline" and data["in_scope"] is True
    numbers = {s["n"] for s in data["sources"]}
    assert {int(n) for n in re.findall(r"\[(\d+)\]", data["answer"])} <= numbers
    assert all(s["card_id"] in shipped_cards for s in data["sources"])


def test_ask_out_of_scope_and_follow_up_with_history_file(index_env, tmp_path, invoke):
    proc = invoke("ask", "今天天气怎么样？", "--json", env=index_env)
    assert proc.returncode == 0 and json.loads(proc.stdout)["in_scope"] is False
    history = tmp_path / "chat.json"
    history.write_text(json.dumps([{"role": "user", "content": "直播间冷场没人说话怎么办？"},
                                   {"role": "assistant", "content": "先抛二选一问题[1]"}], ensure_ascii=False), encoding="utf-8")
    proc = invoke("ask", "那具体怎么做呢？", "--json", "--history", str(history), env=index_env)
    assert proc.returncode == 0 and json.loads(proc.stdout)["in_scope"] is True
    proc = invoke("ask", "福袋什么时候发？", env=index_env)
    assert proc.returncode == 0 and "来源：" in proc.stdout


@pytest.mark.parametrize("args,words", [
    (("ask", "   ", "--json"), "空"),
    (("ask", "预" * 3000), "太长"),
    (("ask", "问题", "--history", "/no/such/file.json"), "history"),
    (("ask",), "question"),
    (("plan", "--input", "/no/such/plan.yaml"), "--input"),
    (("plan",), "--input"),
    (("plan", "--input", "x", "--format", "pdf"), "format"),
])
def test_bad_usage_exits_2_with_a_message(args, words, invoke):
    proc = invoke(*args)
    assert proc.returncode == 2
    assert words in proc.stderr


def test_bad_settings_exit_2(tmp_path, invoke):
    proc = invoke("plan", "--input", str(tmp_path / "x.yaml"), env={"PLAYBOOK_LLM_PROVIDER": "gpt"})
    assert proc.returncode == 2 and "PLAYBOOK_LLM_PROVIDER" in proc.stderr


@pytest.mark.parametrize("index", range(len(DEV_PLANS)))
def test_plan_json_and_markdown(index, tmp_path, shipped_cards, invoke):
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(DEV_PLANS[index], allow_unicode=True), encoding="utf-8")
    proc = invoke("plan", "--input", str(path), "--format", "json", "--ics", str(tmp_path / "w.ics"))
    assert proc.returncode == 0, proc.stderr
    check_plan_contract(json.loads(proc.stdout), DEV_PLANS[index], shipped_cards)
    assert (tmp_path / "w.ics").read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    proc = invoke("plan", "--input", str(path), "--format", "md")
    assert proc.returncode == 0 and proc.stdout.startswith("# ") and "## 10. 复盘清单" in proc.stdout


def test_plan_accepts_json_input(tmp_path, shipped_cards):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(DEV_PLANS[1], ensure_ascii=False), encoding="utf-8")
    proc = run("plan", "--input", str(path))  # the real `python -m assistant plan`
    assert proc.returncode == 0
    check_plan_contract(json.loads(proc.stdout), DEV_PLANS[1], shipped_cards)


@pytest.mark.parametrize("content,field", [
    ("streamer: 豆芽\ncategory: 女装\nfollowers: -5\nstage: plateau\nbroadcast_at: 2026-12-09T19:00\nduration_hours: 4\ntarget_gmv: 100\n", "followers"),
    ("streamer: 豆芽\ncategory: 女装\nfollowers: 5\nstage: mature\nbroadcast_at: 2026-12-09T19:00\nduration_hours: 4\ntarget_gmv: 100\n", "stage"),
    ("streamer: 豆芽\ncategory: 女装\nfollowers: 5\nstage: growth\nbroadcast_at: 2026-13-09T19:00\nduration_hours: 4\ntarget_gmv: 100\n", "broadcast_at"),
    ("streamer: 豆芽\nfollowers: 5\nstage: growth\nbroadcast_at: 2026-12-09T19:00\nduration_hours: 4\ntarget_gmv: 100\n", "category"),
    ("streamer: [unclosed\n", "--input"),
    ("- just\n- a list\n", "(file)"),
])
def test_invalid_plan_input_exits_2_naming_the_field(content, field, tmp_path, invoke):
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    proc = invoke("plan", "--input", str(path))
    assert proc.returncode == 2 and proc.stdout == ""
    assert field in proc.stderr


def test_ask_builds_the_index_on_first_use(tmp_path):
    cards = tmp_path / "cards"
    for card_id in ("warmup-schedule", "warmup-video-types", "live-preview-booking", "lineup-structure"):
        src = next(SHIPPED_CARDS.rglob(f"{card_id}.md"))
        text = src.read_text(encoding="utf-8")
        text = "\n".join(line for line in text.split("\n") if not line.startswith("links:"))
        (cards / src.parent.name).mkdir(parents=True, exist_ok=True)
        (cards / src.parent.name / src.name).write_text(text, encoding="utf-8")
    env = {"PLAYBOOK_DATA_DIR": str(tmp_path / "data"), "PLAYBOOK_CARDS_DIR": str(cards)}
    proc = run("ask", "开播前几天应该发预热视频？", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["in_scope"] and data["sources"][0]["card_id"].startswith("warmup")
    assert (tmp_path / "data").is_dir()


def test_runtime_failure_exits_1(tmp_path):
    proc = run("ask", "开播前几天应该发预热视频？", env={"PLAYBOOK_DATA_DIR": str(tmp_path / "data"),
                                                  "PLAYBOOK_CARDS_DIR": str(tmp_path / "missing")})
    assert proc.returncode == 1 and "error" in proc.stderr
