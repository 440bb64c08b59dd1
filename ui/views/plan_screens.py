"""The plan page's screens: the sections of a plan, the clean print view and the 主播屏 (cue card).

They render plan JSON (a fresh plan's or a saved one's), so a second device shows exactly what was saved.
"""

from __future__ import annotations

import streamlit as st

from ui import backend, core

HIDE_CHROME = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], header, footer { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1rem !important; max-width: 980px; }
@media print { .stButton, [data-testid="stCaptionContainer"] { display: none !important; } }
</style>"""
CUE_STYLE = """<style>
.cue-now { font-size: 2.6rem; line-height: 1.25; font-weight: 700; margin: .2rem 0 .6rem; }
.cue-time { font-size: 1.5rem; color: #555; }
.cue-products { font-size: 2.2rem; font-weight: 700; color: #b3261e; margin: .3rem 0; }
.cue-line { font-size: 1.9rem; line-height: 1.45; margin: .5rem 0; padding: .4rem .7rem; background: #fff6e5; border-radius: .4rem; }
.cue-next { font-size: 1.6rem; color: #333; border-top: 2px solid #ddd; margin-top: 1rem; padding-top: .6rem; }
</style>"""


def _text(value) -> str:
    """Plan text (it may hold what people typed) as inert HTML text."""
    import html

    return html.escape(str(value or ""))


WIDE_TABLES = """<style>
[data-testid="stMarkdownContainer"] table { display: block; max-width: 100%; overflow-x: auto; }
</style>"""


def render_sections(plan: dict, searcher) -> None:
    st.html(WIDE_TABLES)  # a wide table scrolls inside itself on a phone instead of widening the page
    for section in plan.get("sections") or []:
        with st.container(border=True):
            st.markdown(f"#### {core.safe_markdown(section['title'])}")
            core.md(core.demote_headings(section["markdown"], 2))
            if section.get("sources"):
                titles = []
                for card_id in section["sources"]:
                    card = searcher.card(card_id) if searcher is not None else None
                    titles.append(card.title if card is not None else card_id)
                st.caption("依据卡片：" + "；".join(core.safe_markdown(t) for t in titles))


def print_screen(plan: dict, searcher) -> None:
    """Only the plan: no form, no sidebar, no buttons (print it with the browser, or save it as PDF)."""
    st.html(HIDE_CHROME)
    inputs = plan.get("inputs") or {}
    st.caption("打印：按 Ctrl+P（手机在浏览器菜单里选“打印”），可以另存为 PDF。")
    st.markdown(f"# {core.safe_markdown(str(inputs.get('streamer', '')))} 直播策划方案")
    st.markdown(core.safe_markdown(
        f"品类：{inputs.get('category', '')}　开播：{str(inputs.get('broadcast_at', '')).replace('T', ' ')}　"
        f"时长：{inputs.get('duration_hours', '')} 小时"))
    for warning in plan.get("warnings") or []:
        core.md(f"> 注意：{warning}")
    for n, section in enumerate(plan.get("sections") or [], 1):
        st.markdown(f"## {n}. {core.safe_markdown(section['title'])}")
        core.md(core.demote_headings(section["markdown"], 2))


def _block_html(block: dict, label: str) -> str:
    products = "、".join(block.get("products") or [])
    return (f"<div class='cue-time'>{label} {_text(block['start'])}–{_text(block['end'])}</div>"
            f"<div class='cue-now'>{_text(block['segment'])}</div>"
            + (f"<div class='cue-products'>{_text(products)}</div>" if products else ""))


def cue_screen(plan: dict) -> None:
    """The 主播屏: big type, the block running now, its products and cue lines, and what comes next."""
    st.html(HIDE_CHROME + CUE_STYLE)
    inputs = plan.get("inputs") or {}
    blocks = plan.get("run_of_show") or []
    manual = st.toggle("手动翻页（不按时间走）", key="cue_manual")
    if manual:
        index = st.number_input("第几段", min_value=1, max_value=max(1, len(blocks)), step=1, key="cue_index") - 1
        _cue_card(blocks[index] if blocks else None, blocks[index + 1] if index + 1 < len(blocks) else None, None)
    else:
        _live_card(plan)
    st.caption(f"{_text(inputs.get('streamer', ''))} · {_text(str(inputs.get('broadcast_at', '')).replace('T', ' '))} 开播 · 北京时间")


@st.fragment(run_every="30s")
def _live_card(plan: dict) -> None:
    position = backend.cue_now(plan)
    if position.ended:
        st.markdown("<div class='cue-now'>本场已结束</div>", unsafe_allow_html=True)
        return
    if not position.started:
        st.markdown(f"<div class='cue-time'>还有 {position.minutes_left} 分钟开播</div>", unsafe_allow_html=True)
    _cue_card(position.current, position.next, position.minutes_left if position.started else None)


def _cue_card(current: dict | None, nxt: dict | None, minutes_left: int | None) -> None:
    parts = []
    if current is not None:
        parts.append(_block_html(current, "现在"))
        if minutes_left is not None:
            parts.append(f"<div class='cue-time'>这一段还剩 {minutes_left} 分钟</div>")
        parts += [f"<div class='cue-line'>{_text(line)}</div>" for line in current.get("script") or []]
    if nxt is not None:
        products = "、".join(nxt.get("products") or [])
        parts.append(f"<div class='cue-next'>下一段 {_text(nxt['start'])}：{_text(nxt['segment'])}"
                     + (f"（{_text(products)}）" if products else "") + "</div>")
    st.markdown("".join(parts) or "<div class='cue-now'>—</div>", unsafe_allow_html=True)
