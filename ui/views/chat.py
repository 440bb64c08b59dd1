"""问答: ask the handbook, get a streamed, cited answer; conversations persist in SQLite."""

from __future__ import annotations

import json

import streamlit as st

from ui import backend, core

STARTER_QUESTIONS = (
    "开播前几天应该发预热视频？发几条合适？",
    "货盘里引流款和利润款的比例怎么定？",
    "直播间在线人数突然掉了一半，场控应该怎么办？",
    "新号刚开始直播，前两周重点做什么？",
)
HISTORY_TURNS = 6  # earlier messages passed along for follow-up questions
FEEDBACK_VALUES = {1: "up", 0: "down"}

settings = core.settings()
store = core.store(settings)


# --- which conversation -------------------------------------------------------------------------


def _set_conversation(conversation_id: str | None) -> None:
    st.session_state["conversation_id"] = conversation_id
    if conversation_id:
        st.query_params["c"] = conversation_id
    elif "c" in st.query_params:
        del st.query_params["c"]


def _current_conversation() -> str | None:
    from_url = st.query_params.get("c")
    if from_url:
        if store.exists(from_url):
            st.session_state["conversation_id"] = from_url
            return from_url
        st.warning("链接里的对话不存在（可能已被删除），已为你打开一个新对话。")
        _set_conversation(None)
        return None
    remembered = st.session_state.get("conversation_id")
    if remembered and store.exists(remembered):
        st.query_params["c"] = remembered  # keep it in the address so a reload finds it
        return remembered
    return None


def _ask_later(question: str) -> None:
    st.session_state["pending_question"] = question


# --- feedback -----------------------------------------------------------------------------------


def _save_feedback(message_id: int) -> None:
    rating = FEEDBACK_VALUES.get(st.session_state.get(f"fb_{message_id}"))
    reason = st.session_state.get(f"fbr_{message_id}", "") if rating else ""
    store.set_feedback(message_id, rating, reason or "")


# --- rendering ----------------------------------------------------------------------------------


@st.dialog("手册卡片", width="large")
def _card_dialog(card_id: str) -> None:
    searcher = core.searcher(settings, fatal=False)
    card = searcher.card(card_id) if searcher is not None else None
    if card is None:
        st.warning("这张卡片已不在当前的手册里（可能在重建索引时被删除或改名）。")
        return
    core.render_card(card, searcher_obj=searcher)


def _quote(text: str) -> str:
    """A passage as a block quote, one paragraph per line."""
    lines = [line.strip() for line in core.demote_headings(text, 3).splitlines() if line.strip()]
    return "\n>\n".join("> " + line for line in lines)


def _render_sources(message) -> None:
    st.caption(f"来源（{len(message.sources)}）· 点回答里的 [n] 跳到对应来源")
    for source in message.sources:
        # The anchor a tapped [n] scrolls to (an id built from two integers only: no user text in HTML).
        st.markdown(f'<div id="{backend.source_anchor(int(message.id), int(source.n))}"></div>', unsafe_allow_html=True)
        label = f"[{source.n}] {source.title}"
        if source.stage:
            label += f"（{core.stage_label(source.stage)}）"
        with st.expander(core.safe_markdown(label)):
            meta = [f"阶段：{core.stage_label(source.stage)}"] if source.stage else []
            meta.append(f"话题：{core.topics_label(source.topics)}")
            if source.section:
                meta.append(f"引用的小节：{source.section}")
            st.caption(core.safe_markdown(" · ".join(meta)))
            core.md(_quote(source.excerpt))
            if st.button("阅读整张卡片", key=f"open_{message.id}_{source.n}", icon=":material/menu_book:"):
                _card_dialog(source.card_id)


def _suggestions(message, question: str) -> tuple[str, ...]:
    searcher = core.searcher(settings, fatal=False)
    cards = searcher.cards() if searcher is not None else {}
    return backend.answer_suggestions(message.content, message.sources, question, cards)


def _render_suggestions(message, question: str) -> None:
    offered = _suggestions(message, question)
    if not offered:
        return
    st.caption("猜你想问")
    for i, q in enumerate(offered):
        st.button(core.safe_markdown(q), key=f"sug_{message.id}_{i}", on_click=_ask_later, args=(q,),
                  type="tertiary", icon=":material/subdirectory_arrow_right:")


def _render_answer(message, question: str = "") -> None:
    valid = [s.n for s in message.sources]
    text = core.safe_markdown(message.content)
    st.markdown(backend.link_citations(text, int(message.id), valid), unsafe_allow_html=False)
    if message.notice:
        st.warning(message.notice, icon=":material/warning:")
    if message.sources:
        _render_sources(message)
    _render_suggestions(message, question)
    default = {"up": 1, "down": 0}.get(message.rating)
    st.feedback("thumbs", key=f"fb_{message.id}", default=default, on_change=_save_feedback, args=(message.id,))
    if message.rating:
        st.text_input(
            "原因（可选）",
            value=message.reason,
            key=f"fbr_{message.id}",
            max_chars=500,
            placeholder="哪里有用 / 哪里不对？回车保存",
            on_change=_save_feedback,
            args=(message.id,),
        )


def _render_message(message, question: str = "") -> None:
    with st.chat_message(message.role):
        if message.role == "user":
            core.md(message.content)
        else:
            _render_answer(message, question)


def _sidebar(conversation_id: str | None) -> None:
    with st.sidebar:
        if st.button("新对话", icon=":material/add:", width="stretch", type="primary" if conversation_id else "secondary"):
            _set_conversation(None)
            st.rerun()
        recent = store.list(limit=20)
        if recent:
            st.caption("最近的对话")
            for conv in recent:
                current = conv.id == conversation_id
                st.button(
                    core.safe_markdown(conv.title) or "（无标题）",
                    key=f"conv_{conv.id}",
                    width="stretch",
                    type="tertiary" if not current else "secondary",
                    disabled=current,
                    on_click=_set_conversation,
                    args=(conv.id,),
                )
        if conversation_id:
            conv = store.get(conversation_id)
            if conv is not None and conv.messages:
                st.caption("导出当前对话")
                st.download_button(
                    "Markdown",
                    store.export_markdown(conversation_id),
                    file_name=f"对话-{conversation_id}.md",
                    mime="text/markdown",
                    on_click="ignore",
                    icon=":material/download:",
                    width="stretch",
                )
                st.download_button(
                    "JSON",
                    json.dumps(store.export_json(conversation_id), ensure_ascii=False, indent=2),
                    file_name=f"对话-{conversation_id}.json",
                    mime="application/json",
                    on_click="ignore",
                    icon=":material/download:",
                    width="stretch",
                )


# --- asking -------------------------------------------------------------------------------------


def _fresh_searcher():
    searcher = core.searcher(settings)
    try:
        searcher.refresh()  # pick up a rebuild finished by the maintain page or the CLI
    except Exception:  # noqa: BLE001 - keep serving the generation we have
        pass
    return searcher


def _ask(question: str, conversation_id: str | None, earlier) -> None:
    try:  # an empty or too long question is refused before the index is loaded or anything is saved
        turn = backend.ChatTurn(store, conversation_id, question, earlier, settings=settings,
                                open_searcher=_fresh_searcher, chat_model=core.chat_model(settings),
                                history_turns_kept=HISTORY_TURNS)
    except backend.InvalidQuestionError as exc:
        st.warning(str(exc))
        return
    _set_conversation(turn.conversation_id)
    with st.chat_message("user"):
        core.md(question)
    with st.chat_message("assistant"):
        sanitizer = core.StreamSanitizer()

        def pieces():
            for piece in turn:
                safe = sanitizer.feed(piece)
                if safe:
                    yield safe
            tail = sanitizer.flush()
            if tail:
                yield tail

        try:
            st.write_stream(pieces())
        except Exception as exc:  # noqa: BLE001 - show it, keep the chat usable
            st.error(f"抱歉，这次没能回答：{core.safe_markdown(str(exc))}。请稍后再试，或换个说法。")
            return
    st.rerun()


# --- the page -----------------------------------------------------------------------------------

conversation_id = _current_conversation()
_sidebar(conversation_id)

st.title("问答")
st.caption(f"{settings.describe_mode()} · 回答只依据手册卡片，并标注来源编号 [n]。")

conversation = store.get(conversation_id) if conversation_id else None
messages = list(conversation.messages) if conversation else []

if not messages:
    st.markdown("直播带货运营的问题都可以问：预热、排品、投流、场控、复盘……试试下面的问题：")
    for i, q in enumerate(STARTER_QUESTIONS):
        st.button(q, key=f"starter_{i}", on_click=_ask_later, args=(q,), width="stretch")

asked = ""
for message in messages:
    _render_message(message, asked)
    if message.role == "user":
        asked = message.content

typed = st.chat_input("输入你的问题……", max_chars=settings.max_question_chars)
question = (typed or st.session_state.pop("pending_question", None) or "").strip()
if question:
    _ask(question, conversation_id, messages)
