"""The LLM endpoint down, slow or returning garbage (the real langchain ChatOpenAI against local
servers); the chat database killed mid-write."""

from __future__ import annotations

import json
import time

import pytest
from streamlit.testing.v1 import AppTest

from reliability.data import copy_data, QUESTIONS, settings_for
from reliability.experiments.chatdb import chat_db_kill_experiment
from reliability.experiments.llm import llm_fault_answer, LLM_FAULTS
from reliability.fake_llm import FakeLLM, llm_env
from reliability.procs import cli_env, no_traceback, REPO_ROOT, run_module
from tests.support.cli import cited

TIMEOUT = 2.0
MARGIN = 3.0  # a loaded two-core machine; the budget itself is TIMEOUT


@pytest.fixture(scope="module")
def searcher(hx_index):
    from index.api import open_searcher

    s = open_searcher(hx_index)
    yield s
    s.close()


def test_the_fake_endpoint_really_answers_when_healthy(hx_index, searcher):
    """Control: the same path with a working endpoint gives an LLM answer (so fallbacks are real)."""
    from assistant.answer import answer_question

    with FakeLLM("ok", reply="开播前三天发第一条预热视频 [1]，开播当天再发倒计时 [1]。") as llm:
        s = hx_index.replace(llm_provider="openai", llm_model="fake-model", llm_base_url=llm.base_url, llm_timeout=TIMEOUT)
        answer = answer_question(QUESTIONS[0], settings=s, searcher=searcher)
    assert answer.mode == "llm" and cited(answer.answer) == {1} and not answer.notice
    assert llm.requests and llm.requests[0]["path"].endswith("/chat/completions")


@pytest.mark.parametrize("fault", LLM_FAULTS)
def test_llm_fault_falls_back_to_the_offline_answer_in_time(hx_index, searcher, fault):
    result = llm_fault_answer(hx_index, searcher, fault, timeout=TIMEOUT)
    assert result["mode"] == "offline", result
    assert "离线" in result["notice"], result
    assert result["cited"] and result["sources"], result  # still a cited answer
    assert result["seconds"] < TIMEOUT + MARGIN, result
    assert "sk-" not in result["notice"]


def test_cli_ask_with_a_slow_endpoint(hx_index):
    with FakeLLM("sleep", sleep=30) as llm:
        env = cli_env(hx_index.data_dir, hx_index.cards_dir, **llm_env(llm.base_url, TIMEOUT))
        t = time.monotonic()
        proc = run_module("assistant", ["ask", QUESTIONS[0], "--json"], env, timeout=120)
        seconds = time.monotonic() - t
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["mode"] == "offline" and "超时" in data["notice"] and data["sources"]
    assert seconds < 30  # process start + index load + TIMEOUT, never the server's 30 s
    assert no_traceback(proc.stderr)


def test_app_with_a_slow_endpoint_shows_the_notice_in_time(hx_index, app_env, tmp_path):
    settings = settings_for(copy_data(hx_index.data_dir, tmp_path / "data"), hx_index.cards_dir)
    with FakeLLM("sleep", sleep=30) as llm:
        app_env(settings, **llm_env(llm.base_url, TIMEOUT))
        at = AppTest.from_file(str(REPO_ROOT / "ui" / "app.py"), default_timeout=60).run()
        at.chat_input[0].set_value(QUESTIONS[1])
        t = time.monotonic()
        at.run()
        seconds = time.monotonic() - t
    assert not at.exception, [e.value for e in at.exception]
    warnings = [w.value for w in at.chat_message[1].warning]
    assert warnings and "超时" in warnings[0], warnings
    assert "\\[1\\]" in at.chat_message[1].markdown[0].value  # a link to source 1
    assert seconds < TIMEOUT + MARGIN + 3, seconds


@pytest.mark.slow
def test_chat_database_killed_mid_write_loses_nothing_acknowledged(tmp_path):
    result = chat_db_kill_experiment(tmp_path / "data", kills=6, seed=7)
    for r in result["kills"]:
        assert r["integrity"] == "ok", r
        assert r["lost_acked"] == [], r
        assert len(r["unacked_but_stored"]) <= 1, r  # only the message being written
        assert r["write_after_ok"] and r["in_order"] and not r["reader_errors"], r
    assert result["messages_acknowledged"] >= 6
