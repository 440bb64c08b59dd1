"""Shared pieces of the Streamlit app: settings, the cached index and store, safe Markdown, labels, cards.

The UI stays thin: answers, plans, search and storage are reached through :mod:`ui.backend`; this
module only renders, caches and names things (the handbook's stages, forces and topics).
"""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from playbook.models import STAGE_NAMES, STAGES
from playbook.taxonomy import FORCE_NAMES, load_topics
from settings import Settings, SettingsError, load_settings
from ui import backend

__all__ = ["FORCE_NAMES", "STAGES", "STAGE_NAMES", "load_topics"]  # labels the pages use

UI_DIR = Path(__file__).resolve().parent

# --- settings -----------------------------------------------------------------------------------


def settings() -> Settings:
    """The settings of this run (read from the environment each run; cheap)."""
    try:
        return load_settings()
    except SettingsError as exc:
        st.error(f"配置有误：{safe_markdown(str(exc))}")
        st.stop()
        raise  # unreachable; st.stop raises


def _settings_key(s: Settings) -> tuple:
    # Everything that selects an index (never a secret).
    return (str(s.data_dir), str(s.cards_dir), s.embedder, s.chroma_host, s.chroma_port)


# --- the index, loaded once per process -------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _searcher_for(key: tuple, _settings: Settings):
    return backend.open_index(_settings)


def searcher(s: Settings, *, fatal: bool = True):
    """The process-wide Searcher (built on first use). On failure: an error, then stop or None."""
    try:
        with st.spinner("正在加载手册索引……第一次使用会先建立索引，需要一两分钟。"):
            return _searcher_for(_settings_key(s), s)
    except Exception as exc:  # noqa: BLE001 - the index package's errors carry a clear message
        show_index_error(exc)
        if fatal:
            st.stop()
        return None


def show_index_error(exc: Exception) -> None:
    problems = getattr(exc, "problems", None)
    if problems:
        st.error(f"手册卡片有 {len(problems)} 处问题，索引无法建立。请维护人员修正后重建索引。")
        st.code("\n".join(str(p) for p in problems[:50]), language=None, wrap_lines=True)
    else:
        st.error(f"手册索引暂时不可用：{safe_markdown(str(exc))}")


def drop_searcher_cache() -> None:
    _searcher_for.clear()


# --- the language model, built once per process (None in offline mode) -------------------------


@st.cache_resource(show_spinner=False)
def _chat_model_for(key: tuple, _settings: Settings):
    return backend.build_chat_model(_settings)


def chat_model(s: Settings):
    """The configured chat model shared by all sessions, or None (offline, or it cannot be built:
    the assistant then answers offline and says so)."""
    if not s.llm_enabled:
        return None
    key = (s.llm_provider, s.llm_model, s.llm_base_url, s.llm_timeout, s.llm_temperature)  # never the key
    try:
        return _chat_model_for(key, s)
    except Exception:  # noqa: BLE001 - misconfiguration: fall back to offline answers
        return None


# --- the conversation store -------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _store_for(data_dir: str):
    return backend.conversation_store(Path(data_dir))


def store(s: Settings):
    return _store_for(str(s.data_dir))


# --- safe Markdown ------------------------------------------------------------------------------

_IMAGE_INLINE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)?")
_IMAGE_REF = re.compile(r"!\[([^\]\n]*)\]\[[^\]\n]*\]")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def safe_markdown(text: str) -> str:
    """Markdown that renders as text only: no images, no raw HTML, no math.

    Images become a note in brackets (nothing is fetched from anywhere), the start of an HTML tag
    is written as an entity, ``$`` is escaped so prices are not read as LaTeX.
    """
    if not text:
        return ""
    text = _IMAGE_INLINE.sub(lambda m: f"〔图片未显示：{m.group(1).strip() or '外部图片'}〕", text)
    text = _IMAGE_REF.sub(lambda m: f"〔图片未显示：{m.group(1).strip() or '外部图片'}〕", text)
    text = text.replace("![", "!\\[")
    text = _TAG_START.sub("&lt;", text)
    text = text.replace("$", "\\$")
    return text


class StreamSanitizer:
    """Applies :func:`safe_markdown`'s rules to a text that arrives in pieces.

    The rules look at most two characters (``![``, ``<x``), so holding back a trailing ``!`` or ``<``
    until the next piece is enough; the image rule works on the whole text when it is complete.
    """

    def __init__(self):
        self.pending = ""

    def feed(self, chunk: str) -> str:
        text = self.pending + (chunk or "")
        self.pending = ""
        if text.endswith(("!", "<")):
            text, self.pending = text[:-1], text[-1]
        return _stream_safe(text)

    def flush(self) -> str:
        text, self.pending = self.pending, ""
        return _stream_safe(text)


def _stream_safe(text: str) -> str:
    text = text.replace("![", "!\\[")
    text = _TAG_START.sub("&lt;", text)
    return text.replace("$", "\\$")


def md(text: str, **kwargs) -> None:
    """Render Markdown from answers, cards or users: never with raw HTML."""
    st.markdown(safe_markdown(text), unsafe_allow_html=False, **kwargs)


def demote_headings(text: str, by: int = 2) -> str:
    """Card bodies use ``##`` headings; inside a page they read better a level or two lower."""
    return re.sub(r"^(#{1,6})(?=\s)", lambda m: "#" * min(6, len(m.group(1)) + by), text, flags=re.M)


# --- taxonomy labels ----------------------------------------------------------------------------


def topic_name(topic_id: str) -> str:
    topic = load_topics().get(topic_id)
    return topic.name if topic else topic_id


def topics_label(topic_ids) -> str:
    return "、".join(topic_name(t) for t in topic_ids)


def stage_label(stage: str) -> str:
    return STAGE_NAMES.get(stage, stage or "")


def force_label(force: str) -> str:
    return FORCE_NAMES.get(force, force)


def card_meta_line(card) -> str:
    parts = [f"阶段：{stage_label(card.stage)}", f"话题：{topics_label(card.topics)}"]
    if getattr(card, "forces", ()):
        parts.insert(0, "、".join(force_label(f) for f in card.forces))
    return " · ".join(parts)


def render_card(card, *, searcher_obj=None) -> None:
    """The whole card: title, meta, summary, body; related cards as a list of titles."""
    st.markdown(f"### {safe_markdown(card.title)}")
    st.caption(card_meta_line(card))
    if card.summary:
        st.info(safe_markdown(card.summary))
    md(demote_headings(card.body))
    if card.links:
        names = []
        for link in card.links:
            other = searcher_obj.card(link) if searcher_obj is not None else None
            names.append(other.title if other is not None else link)
        st.caption("相关卡片：" + "；".join(safe_markdown(n) for n in names))
