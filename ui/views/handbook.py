"""手册: browse the cards by force, stage and topic, search them, read one."""

from __future__ import annotations

import streamlit as st

from ui import backend, core
from ui.core import FORCE_NAMES, STAGE_NAMES, STAGES, load_topics

ALL = ""
SEARCH_RESULTS = 20

settings = core.settings()
searcher = core.searcher(settings)


def _open(card_id: str) -> None:
    st.query_params["card"] = card_id


def _close() -> None:
    if "card" in st.query_params:
        del st.query_params["card"]


def _reader(card_id: str) -> None:
    st.button("返回列表", icon=":material/arrow_back:", on_click=_close)
    card = searcher.card(card_id)
    if card is None:
        st.warning("没有这张卡片（可能已被删除或改名）。")
        return
    core.render_card(card, searcher_obj=searcher)
    if card.links:
        st.caption("打开相关卡片：")
        for link in card.links:
            other = searcher.card(link)
            if other is not None:
                st.button(core.safe_markdown(other.title), key=f"link_{link}", on_click=_open, args=(link,), type="tertiary")


def _filters() -> dict:
    topics = load_topics()
    query = st.text_input("搜索手册", key="hb_query", placeholder="例如：憋单、预热视频、投流预算", icon=":material/search:")
    c1, c2, c3 = st.columns(3)
    force = c1.selectbox("能力", [ALL, *FORCE_NAMES], key="hb_force", format_func=lambda f: FORCE_NAMES.get(f, "全部"))
    stage = c2.selectbox("阶段", [ALL, *STAGES], key="hb_stage", format_func=lambda s: STAGE_NAMES.get(s, "全部"))
    topic_ids = [t.id for t in topics.values() if not force or t.force == force]
    if st.session_state.get("hb_topic") not in (ALL, *topic_ids):
        st.session_state["hb_topic"] = ALL
    topic = c3.selectbox("话题", [ALL, *topic_ids], key="hb_topic", format_func=lambda t: topics[t].name if t in topics else "全部")
    st.session_state["_hb_query"] = query.strip()
    return {"stage": stage or None, "force": force or None, "topic": topic or None}


def _card_item(card, snippet: str = "", key: str = "") -> None:
    with st.container(border=True):
        st.markdown(f"**{core.safe_markdown(card.title)}**")
        st.caption(core.card_meta_line(card))
        text = snippet or card.summary
        if text:
            core.md(text if len(text) <= 160 else text[:159] + "…")
        st.button("阅读", key=f"read_{key or card.id}", on_click=_open, args=(card.id,), icon=":material/menu_book:")


def _browser() -> None:
    filters = _filters()
    query = st.session_state.get("_hb_query", "")
    if query:
        results = backend.search_cards(searcher, query, SEARCH_RESULTS, **filters)
        if results:
            st.caption(f"“{core.safe_markdown(query)}” 的搜索结果：{len(results)} 张卡片")
        for result in results:
            card = searcher.card(result.card_id)
            if card is not None:
                _card_item(card, snippet=result.chunk.text, key=f"s_{card.id}")
        if not results:
            st.info(f"没有找到相关卡片：手册里没有和“{core.safe_markdown(query)}”相关的内容。换个说法或放宽筛选条件试试。")
        return
    cards = backend.filter_cards(searcher, **filters)
    force_order = {f: i for i, f in enumerate(FORCE_NAMES)}
    cards.sort(key=lambda c: (force_order.get(c.forces[0] if c.forces else "", 99), STAGES.index(c.stage), c.title))
    st.caption(f"共 {len(cards)} 张卡片")
    for card in cards:
        _card_item(card)
    if not cards:
        st.info("没有符合筛选条件的卡片。")


st.title("手册")
card_id = st.query_params.get("card")
if card_id:
    _reader(card_id)
else:
    _browser()
