"""The Streamlit app, page by page, through streamlit.testing.v1.AppTest (no browser).

Every test runs the real app (``ui/app.py``) on a private copy of a real index of the shipped cards.
"""

from __future__ import annotations

import re
import socket

from streamlit.testing.v1 import AppTest

from tests.support.paths import APP

TIMEOUT = 90
QUESTION = "开播前几天应该发预热视频？发几条合适？"
PASSWORD = "correct horse battery staple"


def new_app(query_params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    return at


def texts(at: AppTest) -> str:
    """Everything readable on the page, one string."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [str(el.value) for el in getattr(at, kind)]
    parts += [e.label for e in at.expander]
    parts += [b.label for b in at.button]
    return "\n".join(parts)


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return found[0]


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def store_of(settings):
    from assistant.conversations import ConversationStore

    return ConversationStore(settings.data_dir)


# --- 问答 -----------------------------------------------------------------------------------------


def test_chat_answers_with_citations_and_sources(app_data):
    settings = app_data()
    at = ok(new_app().run())
    page = texts(at)
    assert settings.describe_mode() in page  # the mode is visible
    assert QUESTION in [b.label for b in at.button]  # starter questions on an empty chat

    at.chat_input[0].set_value(QUESTION)
    ok(at.run())
    answer = at.chat_message[1]
    assert answer.name == "assistant"
    answer_text = answer.markdown[0].value
    cited = {int(n) for n in re.findall(r"\[\\\[(\d+)\\\]\]\(#src-\d+-\1\)", answer_text)}
    assert cited, answer_text  # every [n] is a link to its source's anchor
    suggestions = [b for b in at.button if b.key and b.key.startswith("sug_")]
    assert 2 <= len(suggestions) <= 3, [b.label for b in at.button]  # 猜你想问 under the answer
    labels = [e.label for e in at.expander]
    assert all(any(label.startswith(f"[{n}] ") for label in labels) for n in cited), (cited, labels)
    # each source shows stage and topics, its passage, and opens the whole card
    first = at.expander[0]
    assert "话题：" in first.caption[0].value and "引用的小节：" in first.caption[0].value
    assert first.markdown[0].value.startswith(">")
    first.button[0].click()
    ok(at.run())
    assert any(m.value.startswith("### ") for m in at.markdown)  # the card dialog shows the whole card

    conversation_id = at.query_params["c"]
    messages = store_of(settings).messages(conversation_id)
    assert [m.role for m in messages] == ["user", "assistant"]
    assert messages[1].sources and messages[1].mode == "offline"


def test_chat_survives_reload_and_restart(app_data):
    settings = app_data()
    at = ok(new_app().run())
    button(at, QUESTION).click()  # a starter question
    ok(at.run())
    conversation_id = at.query_params["c"]
    answer = at.chat_message[1].markdown[0].value

    # A reload (a new session with the id in the address) shows the same conversation.
    again = ok(new_app({"c": conversation_id}).run())
    assert [m.name for m in again.chat_message] == ["user", "assistant"]
    assert again.chat_message[1].markdown[0].value == answer
    assert QUESTION not in [b.label for b in again.button if b.key and b.key.startswith("starter_")]

    # It is listed in the sidebar, exportable, and "新对话" starts afresh.
    assert any(b.key == f"conv_{conversation_id}" for b in again.sidebar.button)
    assert len(again.get("download_button")) == 2
    button(again, "新对话").click()
    ok(again.run())
    assert "c" not in again.query_params
    assert not again.chat_message
    # Reopen it from the sidebar list.
    next(b for b in again.sidebar.button if b.key == f"conv_{conversation_id}").click()
    ok(again.run())
    assert again.query_params["c"] == conversation_id
    assert len(again.chat_message) == 2
    assert store_of(settings).get(conversation_id).title.startswith("开播前")


def test_chat_unknown_conversation_link_starts_fresh(app_data):
    app_data()
    at = ok(new_app({"c": "doesnotexist123"}).run())
    assert "对话不存在" in texts(at)
    assert not at.chat_message


def test_feedback_is_stored_with_reason(app_data):
    settings = app_data()
    at = ok(new_app().run())
    at.chat_input[0].set_value("直播间在线人数突然掉了一半，场控应该怎么办？")
    ok(at.run())
    at.feedback[0].set_value(0)  # 👎
    ok(at.run())
    at.text_input(key=next(t.key for t in at.text_input if t.key.startswith("fbr_"))).input("没讲到投流")
    ok(at.run())
    rows = store_of(settings).feedback_rows()
    assert [(r["rating"], r["reason"]) for r in rows] == [("down", "没讲到投流")]
    at.feedback[0].set_value(1)  # 👍 replaces it
    ok(at.run())
    assert store_of(settings).feedback_summary() == {"up": 1, "down": 0}


def test_llm_failure_falls_back_with_visible_notice(app_data):
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = app_data(
        PLAYBOOK_LLM_PROVIDER="ollama",
        PLAYBOOK_LLM_MODEL="qwen2.5:7b",
        PLAYBOOK_LLM_BASE_URL=f"http://127.0.0.1:{port}",
        PLAYBOOK_LLM_TIMEOUT="5",
    )
    at = ok(new_app().run())
    assert "大模型模式：ollama" in texts(at)
    at.chat_input[0].set_value(QUESTION)
    ok(at.run())
    notices = [w.value for w in at.chat_message[1].warning]
    assert notices and "离线" in notices[0], notices
    message = store_of(settings).messages(at.query_params["c"])[1]
    assert message.mode == "offline" and message.notice


def test_first_use_builds_the_index(tmp_path, make_settings):
    """An empty data dir: the app builds the index itself on first use."""
    cards = tmp_path / "few-cards"
    cards.mkdir()
    for n, topic in enumerate(["warmup-video", "live-rhythm"]):
        (cards / f"c{n}.md").write_text(
            f"---\nid: card-{n}\ntitle: 测试卡片{n}\ntopics: [{topic}]\nstage: pre\n---\n## 怎么做\n\n正文{n}。\n",
            encoding="utf-8",
        )
    settings = make_settings(cards)
    assert not (settings.data_dir / "index").exists()
    at = new_app().run()
    at.switch_page("views/handbook.py")
    ok(at.run())
    assert (settings.data_dir / "index").exists()
    page = texts(at)
    assert "共 2 张卡片" in page and "测试卡片0" in page


# --- 播前方案: tests/ui/test_plan_page.py ------------------------------------------------------


# --- 手册 ----------------------------------------------------------------------------------------


def test_handbook_browse_filter_search_read(app_data):
    from playbook.loader import check_cards

    settings = app_data()
    total = len(check_cards(settings.cards_dir).cards)
    at = new_app().run()
    at.switch_page("views/handbook.py")
    ok(at.run())
    assert f"共 {total} 张卡片" in texts(at)

    at.selectbox(key="hb_force").set_value("supply")
    ok(at.run())
    count = int(re.search(r"共 (\d+) 张卡片", texts(at)).group(1))
    assert 0 < count < total
    metas = [c.value for c in at.caption if "阶段：" in c.value]
    assert metas and all("供应链" in m for m in metas)

    at.selectbox(key="hb_stage").set_value("live")
    ok(at.run())
    metas = [c.value for c in at.caption if "阶段：" in c.value]
    assert all("阶段：播中" in m for m in metas)

    at.selectbox(key="hb_force").set_value("")
    at.selectbox(key="hb_stage").set_value("")
    at.text_input(key="hb_query").input("憋单")
    ok(at.run())
    assert "搜索结果" in texts(at)
    read = [b for b in at.button if b.label == "阅读"]
    assert read
    read[0].click()
    ok(at.run())
    card_id = at.query_params["card"]
    from index.api import open_searcher

    card = open_searcher(settings).card(card_id)
    assert f"### {card.title}" in [m.value for m in at.markdown]
    button(at, "返回列表").click()
    ok(at.run())
    assert "card" not in at.query_params


# --- 维护 ----------------------------------------------------------------------------------------


def maintain_page(at: AppTest) -> AppTest:
    at.switch_page("views/maintain.py")
    return ok(at.run())


def login(at: AppTest, password: str) -> AppTest:
    at.text_input(key="admin_password_input").input(password)
    button(at, "登录").click()
    return ok(at.run())


def test_maintain_disabled_without_password(app_data):
    app_data()
    at = maintain_page(ok(new_app().run()))
    assert "PLAYBOOK_ADMIN_PASSWORD" in texts(at)
    assert not at.text_input
    assert "重建索引" not in texts(at)


def test_maintain_wrong_password_is_refused_then_the_right_one_works_at_once(app_data):
    app_data(PLAYBOOK_ADMIN_PASSWORD=PASSWORD)
    at = maintain_page(ok(new_app().run()))
    login(at, "guess")
    assert "密码不正确" in texts(at)
    assert "重建索引" not in texts(at)
    assert PASSWORD not in texts(at)
    login(at, PASSWORD)  # a typo, then the right password: in at once (the first failures are free)
    assert "重建索引" in texts(at)


def test_maintain_login_validate_and_reindex(app_data, cards_dir):
    settings = app_data(cards_dir, PLAYBOOK_ADMIN_PASSWORD=PASSWORD)
    at = maintain_page(ok(new_app().run()))
    login(at, PASSWORD)
    page = texts(at)
    assert "索引状态" in page and "重建索引" in page
    assert PASSWORD not in page

    button(at, "检查卡片").click()
    ok(at.run())
    assert "格式正确" in texts(at)

    edited = cards_dir / "traffic" / "warmup-schedule.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n- 补充：预热视频发布后一小时内回复评论。\n", encoding="utf-8")
    button(at, "重建索引").click()
    ok(at.run())
    summary = texts(at)
    unchanged = len(list(cards_dir.rglob("*.md"))) - 1
    assert "上次重建" in summary and "修改 1" in summary and f"未变 {unchanged}" in summary, summary

    # A broken card: the check lists it by file and line; a rebuild refuses and keeps the index.
    bad = cards_dir / "traffic" / "broken.md"
    bad.write_text("---\nid: Broken Card\ntitle: 坏卡片\ntopics: [no-such-topic]\nstage: pre\n---\n正文\n", encoding="utf-8")
    button(at, "检查卡片").click()
    ok(at.run())
    problems = "\n".join(c.value for c in at.code)
    assert re.search(r"traffic/broken\.md:2: id 'Broken Card' 格式不对", problems), problems
    assert "traffic/broken.md:4: 未知话题 `no-such-topic`" in problems
    button(at, "重建索引").click()
    ok(at.run())
    assert "索引没有改动" in texts(at)

    # Chats keep working on the index that was serving.
    at.switch_page("views/chat.py")
    ok(at.run())
    at.chat_input[0].set_value(QUESTION)
    ok(at.run())
    assert store_of(settings).messages(at.query_params["c"])[1].sources
