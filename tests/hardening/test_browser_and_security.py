"""Real browsers against one `streamlit run` (3 sessions asking at once, hostile input that must load
nothing), and security: the maintainer password guards re-indexing and is rate-limited, no secret
reaches logs, pages or exports, and the app listens on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import json
import re
import subprocess
import time

import pytest
from streamlit.testing.v1 import AppTest

from reliability.data import copy_data, QUESTIONS
from reliability.fake_llm import FakeLLM, llm_env
from reliability.hostile_inputs import HOSTILE_QUESTIONS
from reliability.browser import CHAT_BOX, BrowserSession
from reliability.procs import cli_env, PY, REPO_ROOT, run_module
from reliability.servers import listening_addresses, StreamlitServer

KEY = "sk-HARDENING-KEY-7f3a9c1e5d"
ADMIN = "HARDENING-ADMIN-PW-4b8d2f"
SECRETS = (KEY, ADMIN, KEY[3:], ADMIN[:12])


def leaked(text: str) -> list[str]:
    return [s for s in SECRETS if s in (text or "")]


# --- one app server for the module ----------------------------------------------------------------


@pytest.fixture(scope="module")
def llm():
    with FakeLLM("ok", reply="开播前三天发第一条预热视频 [1]，开播当天发倒计时视频 [1]。") as fake:
        yield fake


@pytest.fixture(scope="module")
def app_server(hx_index, llm, tmp_path_factory):
    root = tmp_path_factory.mktemp("app-server")
    data = copy_data(hx_index.data_dir, root / "data")
    env = cli_env(data, hx_index.cards_dir, PLAYBOOK_ADMIN_PASSWORD=ADMIN,
                          **llm_env(llm.base_url, timeout=5, key=KEY))
    with StreamlitServer(env, root / "streamlit.log") as server:  # no --server.address: the config decides
        yield server


# --- listening address ------------------------------------------------------------------------------


def test_app_listens_on_loopback_only(app_server):
    config = (REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert re.search(r'^\s*address\s*=\s*"127\.0\.0\.1"', config, re.M), config
    assert listening_addresses(app_server.port) == {"127.0.0.1"}
    # not reachable on the machine's other addresses
    try:
        others = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        others = []
    probe = "import socket,sys; s=socket.socket(); s.settimeout(2); print(s.connect_ex((sys.argv[1], int(sys.argv[2]))))"
    for address in others:  # (from a subprocess: the tests' own guard only lets loopback through)
        if address.startswith("127.") or ":" in address:
            continue
        out = subprocess.run([PY, "-c", probe, address, str(app_server.port)], capture_output=True, text=True,
                             timeout=30).stdout.strip()
        assert out != "0", f"the app answers on {address}:{app_server.port}"


# --- several browser sessions at once ------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.browser
def test_three_browser_sessions_ask_at_once(browser, app_server):
    questions = QUESTIONS[:3]
    sessions = [BrowserSession(browser, app_server.base).open() for _ in questions]
    try:
        for s in sessions:
            s.page.get_by_placeholder(CHAT_BOX).wait_for()
        t0 = time.monotonic()
        for s, q in zip(sessions, questions):  # all three sent before any answer is awaited
            s.send(q)
        took = []
        for s, q in zip(sessions, questions):
            s.page.get_by_text("来源（").first.wait_for()
            took.append(time.monotonic() - t0)
            s.settle()
            messages = s.messages()
            assert messages.count() == 2
            assert q in messages.nth(0).inner_text()
            assert re.search(r"\[\d+\]", messages.nth(1).inner_text()), messages.nth(1).inner_text()
        # each session kept its own conversation
        urls = {s.page.url for s in sessions}
        assert len(urls) == 3 and all("?c=" in u for u in urls)
        for s in sessions:
            assert not s.outside, s.outside
        print(f"three sessions answered after {[round(t, 1) for t in took]} s")
    finally:
        for s in sessions:
            s.close()


@pytest.mark.browser
def test_hostile_question_in_the_browser_loads_and_runs_nothing(browser, app_server):
    s = BrowserSession(browser, app_server.base).open()
    try:
        s.page.evaluate("() => { window.__pwned = 0; }")
        for name in ("markdown image", "html img", "html script"):
            s.send(HOSTILE_QUESTIONS[name])
            s.page.get_by_text("来源（").nth(["markdown image", "html img", "html script"].index(name)).wait_for()
            s.settle()
        srcs = s.page.locator("img").evaluate_all("els => els.map(e => e.getAttribute('src') || '')")
        assert not [x for x in srcs if "evil.example" in x], srcs
        scripts = s.page.locator("script").evaluate_all("els => els.map(e => e.textContent)")
        assert not [x for x in scripts if "alert(" in x]
        assert s.page.evaluate("() => window.__pwned") == 0
        assert not s.outside, s.outside  # nothing fetched from anywhere but the app
    finally:
        s.close()


# --- secrets --------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_no_secret_in_pages_or_exports_even_when_the_provider_echoes_the_key(browser, app_server, llm, tmp_path):
    s = BrowserSession(browser, app_server.base).open()
    files: dict[str, str] = {}
    try:
        llm.mode = "echo401"  # the provider answers 401 with the key in its message
        s.send(QUESTIONS[1])
        s.page.get_by_text("来源（").first.wait_for()
        s.settle()
        assert "离线" in s.messages().nth(1).inner_text()
        assert not leaked(s.page.content())
        for label in ("Markdown", "JSON"):
            with s.page.expect_download() as info:
                s.page.get_by_test_id("stSidebar").get_by_role("button", name=label).click()
            target = tmp_path / info.value.suggested_filename
            info.value.save_as(target)
            files[f"conversation {label}"] = target.read_text(encoding="utf-8")
        llm.mode = "ok"
        s.open("/plan")
        s.page.get_by_role("button", name="填入示例").click()
        s.settle()
        s.page.get_by_role("button", name="生成方案").click()
        s.page.get_by_role("button", name="下载 JSON").wait_for()
        s.settle()
        assert not leaked(s.page.content())
        for label in ("下载 Markdown", "下载 JSON", "预热日程 .ics"):
            with s.page.expect_download() as info:
                s.page.get_by_role("button", name=label).click()
            target = tmp_path / info.value.suggested_filename
            info.value.save_as(target)
            files[label] = target.read_text(encoding="utf-8")
    finally:
        llm.mode = "ok"
        s.close()
    assert files["conversation JSON"] and json.loads(files["conversation JSON"])["messages"]
    for name, text in files.items():
        assert not leaked(text), name
    # the key was really sent (so the checks above mean something)
    assert any(r["headers"].get("authorization") == f"Bearer {KEY}" for r in llm.requests)


@pytest.mark.browser
def test_maintainer_login_in_the_browser_is_rate_limited_and_never_shows_the_password(browser, app_server):
    s = BrowserSession(browser, app_server.base).open("/maintain")
    try:
        page = s.page
        page.get_by_label("管理员密码").wait_for()
        assert page.get_by_role("button", name="重建索引").count() == 0
        from ui.auth import FREE_FAILURES, MAX_FAILURES

        for i in range(FREE_FAILURES + 1):  # the free ones (typos), then one that starts the delay
            page.get_by_label("管理员密码").fill(f"guess-{i}")
            page.get_by_role("button", name="登录").click()
            page.get_by_text(f"还可再试 {MAX_FAILURES - i - 1} 次").wait_for()
        page.get_by_label("管理员密码").fill(ADMIN)  # at once: refused without checking
        page.get_by_role("button", name="登录").click()
        page.get_by_text("秒后再试").wait_for()
        s.settle()
        assert page.get_by_role("button", name="重建索引").count() == 0
        page.wait_for_timeout(1200)
        page.get_by_label("管理员密码").fill(ADMIN)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("button", name="重建索引").wait_for()
        s.settle()
        assert not leaked(page.content())
        # another browser session is not logged in by this one
        other = BrowserSession(s.page.context.browser, app_server.base).open("/maintain")
        try:
            other.page.get_by_label("管理员密码").wait_for()
            assert other.page.get_by_role("button", name="重建索引").count() == 0
        finally:
            other.close()
    finally:
        s.close()


@pytest.mark.browser
def test_server_log_holds_no_secret(browser, app_server, llm):
    """The server's log after it handled both secrets itself (whatever ran before): the provider
    echoes the key back in an error, and the maintainer logs in with the password."""
    s = BrowserSession(browser, app_server.base).open()
    sent = len(llm.requests)
    try:
        llm.mode = "echo401"
        s.send(QUESTIONS[2])
        s.page.get_by_text("来源（").first.wait_for()
        s.settle()
        s.open("/maintain")
        s.page.get_by_label("管理员密码").fill(ADMIN)
        s.page.get_by_role("button", name="登录").click()
        s.page.get_by_role("button", name="重建索引").wait_for()
        s.settle()
    finally:
        llm.mode = "ok"
        s.close()
    # both secrets really went through the server (so the check below means something)
    assert any(r["headers"].get("authorization") == f"Bearer {KEY}" for r in llm.requests[sent:])
    log = app_server.log_text()
    assert log.strip(), "no server output captured"
    assert not leaked(log), [line for line in log.splitlines() if leaked(line)][:3]


# --- the command line keeps secrets too ------------------------------------------------------------


def test_cli_output_holds_no_secret(hx_index, tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text("streamer: 豆芽\ncategory: 女装\nfollowers: 4500000\nstage: plateau\nbroadcast_at: 2026-12-09T19:00\n"
                    "duration_hours: 4\ntarget_gmv: 10000000\n", encoding="utf-8")
    data = copy_data(hx_index.data_dir, tmp_path / "data")
    outputs = {}
    with FakeLLM("echo401") as fake:
        env = cli_env(data, hx_index.cards_dir, PLAYBOOK_ADMIN_PASSWORD=ADMIN, **llm_env(fake.base_url, 3, KEY))
        commands = {
            "ask": ("assistant", ["ask", QUESTIONS[0]]),
            "plan": ("assistant", ["plan", "--input", str(plan), "--format", "md"]),
            "status": ("index", ["status", "--json"]),
            "rebuild": ("index", ["rebuild", "--json"]),
            "check": ("playbook", ["check"]),
        }
        for name, (module, args) in commands.items():
            proc = run_module(module, args, env, timeout=180)
            outputs[name] = proc.stdout + proc.stderr
            assert proc.returncode == 0, (name, proc.stderr)
        # a bad setting next to the secrets: the message names the variable, not the secrets
        proc = run_module("assistant", ["ask", "福袋"], dict(env, PLAYBOOK_LLM_TIMEOUT="soon"), timeout=60)
        assert proc.returncode == 2 and "PLAYBOOK_LLM_TIMEOUT" in proc.stderr
        outputs["bad setting"] = proc.stdout + proc.stderr
        assert any(r["headers"].get("authorization") == f"Bearer {KEY}" for r in fake.requests)
    assert "离线" in outputs["ask"]
    for name, text in outputs.items():
        assert not leaked(text), (name, text[:500])


# --- the maintain page (AppTest) --------------------------------------------------------------------------


def maintain(settings, app_env, **env) -> AppTest:
    app_env(settings, **env)
    at = AppTest.from_file(str(REPO_ROOT / "ui" / "app.py"), default_timeout=90).run()
    at.switch_page("views/maintain.py").run()
    assert not at.exception
    return at


def login(at: AppTest, password: str) -> AppTest:
    at.text_input(key="admin_password_input").input(password)
    next(b for b in at.button if b.label == "登录").click()
    at.run()
    assert not at.exception
    return at


def page_text(at: AppTest) -> str:
    return "\n".join([str(e.value) for k in ("markdown", "error", "warning", "success", "caption", "info") for e in getattr(at, k)]
                     + [b.label for b in at.button])


def test_reindex_needs_the_password_and_guesses_are_limited_per_browser(isolated, app_env, monkeypatch):
    from ui import auth

    now = [1000.0]
    monkeypatch.setattr(auth, "now", lambda: now[0])
    at = maintain(isolated, app_env, PLAYBOOK_ADMIN_PASSWORD=ADMIN)
    assert "重建索引" not in page_text(at) and "检查卡片" not in page_text(at)
    for i in range(auth.MAX_FAILURES):
        login(at, f"guess-{i}")
        assert "重建索引" not in page_text(at)
        now[0] += 120  # wait out the growing delay between attempts
    assert "锁定" in page_text(at)
    login(at, ADMIN)  # this browser stays locked, even with the right password
    assert "重建索引" not in page_text(at) and "秒后再试" in page_text(at)
    # another browser (its own session) is not locked out by the guesses of the first
    again = maintain(isolated, app_env, PLAYBOOK_ADMIN_PASSWORD=ADMIN)
    login(again, ADMIN)
    assert "重建索引" in page_text(again)
    assert not leaked(page_text(again)) and not leaked(page_text(at))
    assert not leaked(repr(again.session_state))  # the password is not kept once logged in
    now[0] += auth.LOCKOUT_SECONDS + 1
    login(at, ADMIN)
    assert "重建索引" in page_text(at)


def test_maintain_is_off_without_a_password_and_no_other_page_reindexes(isolated, app_env):
    at = maintain(isolated, app_env)
    assert "PLAYBOOK_ADMIN_PASSWORD" in page_text(at) and not at.text_input
    # An empty password never logs in, whatever the form sends.
    from ui import auth

    assert not auth.password_matches("", "")
    # Only the maintain page can start a rebuild (through ui.backend.maintain.reindex), and only past the login gate.
    index_rebuilds, reindex_calls = [], []
    for path in sorted((REPO_ROOT / "ui").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(REPO_ROOT).as_posix()
        if re.search(r"import rebuild\b|\brebuild\(|rebuild_index", text):
            index_rebuilds.append(name)
        if re.search(r"\breindex\(", text) and not re.search(r"^def reindex\(", text, re.M):
            reindex_calls.append(name)
    assert index_rebuilds == ["ui/backend/maintain.py"], index_rebuilds  # the one way from the UI to the index's rebuild
    assert reindex_calls == ["ui/views/maintain.py"], reindex_calls
    text = (REPO_ROOT / "ui" / "views" / "maintain.py").read_text(encoding="utf-8")
    gate = text.index("if not st.session_state.get(LOGGED_IN)")
    assert all(m.start() > gate for m in re.finditer(r"^_rebuild\(", text, re.M))
