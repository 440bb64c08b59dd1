"""Hostile input: odd, huge, invisible, HTML, Markdown images and injections in questions; wrong
types, absurd numbers and dates in plan inputs. Nothing crashes, nothing is slow, nothing renders
raw HTML or loads anything from outside."""

from __future__ import annotations

import json
import resource
import subprocess
import time

import pytest
from streamlit.testing.v1 import AppTest

from reliability.data import copy_data, settings_for, SHIPPED_CARDS
from reliability.hostile_inputs import APP_HOSTILE, EVIL, HOSTILE_QUESTIONS, PLAN_CASES, unsafe_in
from tests.support.cli import cited
from reliability.procs import cli_env, no_traceback, PY, REPO_ROOT, run_module
import itertools

FAST = 2.0  # seconds, offline, per question or plan


@pytest.fixture(scope="module")
def searcher(hx_index):
    from index.api import open_searcher

    s = open_searcher(hx_index)
    s.search("预热", k=1)  # warm: the embedder is loaded once per process
    yield s
    s.close()


@pytest.mark.parametrize("name", list(HOSTILE_QUESTIONS), ids=list(HOSTILE_QUESTIONS))
def test_hostile_question_is_answered_or_refused_clearly_and_fast(hx_index, searcher, name):
    from assistant.answer import answer_question
    from assistant.errors import InvalidQuestionError

    question = HOSTILE_QUESTIONS[name]
    t = time.monotonic()
    try:
        answer = answer_question(question, settings=hx_index, searcher=searcher)
    except InvalidQuestionError as exc:
        message = str(exc)
        assert message and "Traceback" not in message
        if name == "20,000 characters":
            assert "2000" in message and "太长" in message
        elif isinstance(question, str):
            assert "空" in message, message
        else:
            assert "文字" in message or "空" in message, message
    else:
        assert name not in ("empty", "whitespace", "only zero-width", "20,000 characters")
        assert answer.mode == "offline"
        assert cited(answer.answer) <= {s.n for s in answer.sources}
        assert "<script" not in answer.answer.lower() and "evil.example" not in answer.answer
        if name in ("prompt injection", "fake context"):
            assert 99 not in cited(answer.answer) and "PLAYBOOK_" not in answer.answer
    assert time.monotonic() - t < FAST


def test_a_long_search_query_costs_no_more_than_a_short_one(searcher):
    """The handbook search box has no length limit; the searcher embeds the query. A 2000-character query
    must not hold the shared embedder (and so every chat session) for seconds: it should cost about what
    a 300-character one does (the assistant already searches by a question's first 300 characters)."""
    def cost(n: int, salt: str) -> float:
        text = (f"{salt}直播间人气怎么提升？福袋和憋单怎么配合？" * 200)[:n]
        t = time.monotonic()
        searcher.search(text, k=5)
        return time.monotonic() - t

    short = min(cost(300, "甲"), cost(300, "乙"))
    long = min(cost(2000, "丙"), cost(2000, "丁"))
    assert long < 2.5 * short + 0.3, f"300 chars: {short:.2f} s, 2000 chars: {long:.2f} s"


def test_hostile_questions_are_stored_and_exported_as_plain_text(tmp_path):
    from assistant.conversations import ConversationStore

    store = ConversationStore(tmp_path / "data")
    cid = store.create()
    sent = [q for q in HOSTILE_QUESTIONS.values() if isinstance(q, str) and "\ud800" not in q]
    for q in sent:
        store.add_message(cid, "user", q)
    assert [m.content for m in store.messages(cid)] == sent
    json.dumps(store.export_json(cid), ensure_ascii=False)
    assert store.export_markdown(cid).startswith("# ")


def test_cli_ask_refuses_a_20000_character_question_with_exit_2(hx_index):
    env = cli_env(hx_index.data_dir, hx_index.cards_dir)
    proc = run_module("assistant", ["ask", HOSTILE_QUESTIONS["20,000 characters"], "--json"], env, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "2000" in proc.stderr and no_traceback(proc.stderr) and not proc.stdout.strip()
    proc = run_module("assistant", ["ask", "  \u200b  ", "--json"], env, timeout=120)
    assert proc.returncode == 2 and "空" in proc.stderr
    proc = run_module("assistant", ["ask", HOSTILE_QUESTIONS["control characters"][3:], "--json"], env,
                              timeout=120)  # (argv cannot carry NUL)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["sources"]


# --- the app renders none of it ------------------------------------------------------------------


def rendered(at: AppTest) -> list[tuple[str, str]]:
    """(element kind, Markdown source) of everything Streamlit renders as Markdown, labels included."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        out += [(kind, str(e.value)) for e in getattr(at, kind)]
    out += [("button label", b.label) for b in at.button]
    out += [("expander label", e.label) for e in at.expander]
    out += [("download label", d.proto.label) for d in at.get("download_button")]
    out += [("chat input placeholder", c.placeholder) for c in at.chat_input]
    return out


def assert_nothing_unsafe(at: AppTest, what: str) -> None:
    bad = [(kind, value[:120], unsafe_in(value)) for kind, value in rendered(at) if unsafe_in(value)]
    assert not bad, f"{what}: {bad}"


@pytest.fixture
def app(hx_index, app_env, tmp_path):
    settings = settings_for(copy_data(hx_index.data_dir, tmp_path / "data"), hx_index.cards_dir)
    app_env(settings)
    at = AppTest.from_file(str(REPO_ROOT / "ui" / "app.py"), default_timeout=90).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("name", APP_HOSTILE)
def test_chat_renders_hostile_questions_inertly(app, name):
    question = HOSTILE_QUESTIONS[name]
    app.chat_input[0].set_value(question)
    t = time.monotonic()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert time.monotonic() - t < 10
    assert [m.name for m in app.chat_message] == ["user", "assistant"]
    assert_nothing_unsafe(app, name)  # the question, the answer, the sidebar's conversation title


def test_chat_limits_an_overlong_question_without_crashing(app):
    """The chat box itself stops at the limit (max_chars, as in the browser); nothing longer is stored."""
    from assistant.conversations import ConversationStore
    from settings import load_settings

    assert app.chat_input[0].proto.max_chars == 2000
    app.chat_input[0].set_value(HOSTILE_QUESTIONS["20,000 characters"])
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    store = ConversationStore(load_settings().data_dir)
    stored = [m.content for c in store.list() for m in store.messages(c.id) if m.role == "user"]
    assert all(len(q) <= 2000 for q in stored), [len(q) for q in stored]


def test_handbook_search_renders_a_hostile_query_inertly(app):
    app.switch_page("views/handbook.py").run()
    for name in ("markdown image", "html img", "html script"):
        app.text_input(key="hb_query").input(HOSTILE_QUESTIONS[name])
        app.run()
        assert not app.exception
        assert_nothing_unsafe(app, name)


def test_plan_form_renders_hostile_names_inertly(app):
    app.switch_page("views/plan.py").run()
    next(b for b in app.button if b.label == "填入示例").click()
    app.run()
    app.text_input(key="plan_streamer").input(f"![t]({EVIL})<script>x()</script>")
    app.text_input(key="plan_category").input('<img src="//e.example/c.png">')
    next(b for b in app.button if b.label == "生成方案").click()
    app.run()
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    assert_nothing_unsafe(app, "plan")


# --- plan inputs ---------------------------------------------------------------------------------

def check_plan_contract(inputs, plan, cards) -> None:
    from assistant.plan import SECTION_KEYS, plan_ics, plan_markdown

    data = json.loads(json.dumps(plan.to_json(), allow_nan=False))
    assert [s["key"] for s in data["sections"]] == list(SECTION_KEYS)
    ros = data["run_of_show"]
    assert ros[0]["start"] == inputs.broadcast_at.strftime("%H:%M")
    assert ros[-1]["end"] == inputs.end_at.strftime("%H:%M")
    assert all(a["end"] == b["start"] for a, b in itertools.pairwise(ros))
    placed = {p for b in ros for p in b["products"]}
    assert {p.name for p in inputs.products} <= placed
    assert all(d["date"] <= inputs.broadcast_at.date().isoformat() for d in data["warmup_schedule"])
    assert all(cid in cards for s in data["sections"] for cid in s["sources"])
    plan_markdown(plan, cards)
    assert plan_ics(plan).startswith("BEGIN:VCALENDAR")


@pytest.fixture(scope="module")
def shipped_cards():
    from playbook.loader import load_cards

    return {c.id: c for c in load_cards(SHIPPED_CARDS)}


@pytest.mark.parametrize("name", list(PLAN_CASES), ids=list(PLAN_CASES))
def test_plan_input_is_planned_or_refused_by_field(shipped_cards, name):
    from assistant.errors import PlanInputError
    from assistant.plan import build_plan, parse_plan_inputs

    raw, field = PLAN_CASES[name]
    t = time.monotonic()
    if field is None:
        inputs = parse_plan_inputs(raw)
        check_plan_contract(inputs, build_plan(inputs, shipped_cards), shipped_cards)
    else:
        with pytest.raises(PlanInputError) as info:
            parse_plan_inputs(raw)
        fields = [f for f, _ in info.value.problems]
        assert field in fields, info.value.problems
        assert len(str(info.value)) < 5000  # the message stays readable
    assert time.monotonic() - t < FAST


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))


def test_plan_cli_rejects_a_yaml_alias_bomb_quickly(tmp_path):
    """A 1 KB YAML file whose `streamer` expands (by aliases) to 387 million strings."""
    levels = "abcdefghi"
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]" for prev, cur in itertools.pairwise(levels)]
    lines += ["streamer: *i", "category: 女装", "followers: 100", "stage: growth", "broadcast_at: 2026-12-09T19:00",
              "duration_hours: 2", "target_gmv: 10000"]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t = time.monotonic()
    try:
        proc = subprocess.run([PY, "-m", "assistant", "plan", "--input", str(path)], cwd=REPO_ROOT,
                              env=cli_env(), capture_output=True, text=True, timeout=60, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail("`assistant plan` still busy after 60 s on a 1 KB input file")
    seconds = time.monotonic() - t
    assert proc.returncode == 2, (proc.returncode, proc.stderr[:300], seconds)
    assert "streamer" in proc.stderr
    assert seconds < 10, seconds


def test_plan_cli_refuses_hostile_files(tmp_path):
    cases = {
        "not yaml": ("streamer: [unclosed\n", "--input"),
        "binary": (b"\x89PNG\r\n\x1a\n\x00\x00", "--input"),
        "gbk": ("streamer: 豆芽\n".encode("gbk"), "--input"),
        "python tag": ("streamer: !!python/object/apply:os.system [echo pwned]\n", "--input"),
        "two megabytes": ("streamer: " + "豆" * 700_000 + "\n", "--input"),
        "numbers wrong": ("streamer: 豆芽\ncategory: 女装\nfollowers: -5\nstage: growth\nbroadcast_at: 2026-12-09T19:00\n"
                          "duration_hours: 99\ntarget_gmv: 0\n", "followers"),
    }
    for name, (content, field) in cases.items():
        path = tmp_path / f"{name}.yaml"
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        proc = run_module("assistant", ["plan", "--input", str(path)], cli_env(), timeout=60)
        assert proc.returncode == 2, (name, proc.returncode, proc.stderr)
        assert field in proc.stderr and no_traceback(proc.stderr), (name, proc.stderr)
        assert "pwned" not in proc.stdout
