"""维护 · 编辑卡片: a card's Markdown with its front-matter, checked with the whole handbook before it is
saved (atomically), then re-indexed. Rendered by ui/views/maintain.py (not a page of its own)."""

from __future__ import annotations

import streamlit as st

from ui import backend

FILE = "edit_file"
TEXT = "edit_text"
LOADED = "edit_loaded"
DONE = "edit_done"


def _load(settings, rel: str) -> None:
    st.session_state[TEXT] = backend.card_source(settings, rel)
    st.session_state[LOADED] = rel


def _problems(settings, check) -> None:
    st.error(f"有 {len(check.problems)} 处问题，没有保存（先列根本原因；行号是这张卡片文件里的行）：")
    st.code(backend.problem_text(check.problems, settings.cards_dir), language=None, wrap_lines=True)


def render(settings, searcher, run_rebuild) -> None:
    st.subheader("编辑卡片")
    st.caption("直接修改卡片文件：开头 `---` 之间的字段（id、title、topics、stage……），然后是正文。保存前会和整本手册"
               "一起检查（链接、重复的 id），有错误就不保存；保存后自动重建索引。要撤销，在“版本历史”里回滚并恢复卡片文件。")
    if DONE in st.session_state:
        st.success(st.session_state.pop(DONE))
    try:
        files = backend.editable_cards(settings)
    except Exception as exc:  # noqa: BLE001 - e.g. the cards folder does not exist
        st.error(str(exc))
        return
    if not files:
        st.info("卡片目录里没有卡片。")
        return
    names = {rel: f"{title}（{card_id or rel}）" for rel, card_id, title in files}
    rel = st.selectbox("卡片", list(names), format_func=names.get, key=FILE)
    if st.session_state.get(LOADED) != rel:
        _load(settings, rel)
    st.text_area("卡片内容（Markdown）", key=TEXT, height=460)
    c1, c2, c3 = st.columns(3)
    check_clicked = c1.button("检查", key="edit_check", icon=":material/fact_check:")
    save_clicked = c2.button("保存并重建索引", key="edit_save", type="primary", icon=":material/save:")
    c3.button("放弃修改", key="edit_reset", on_click=_load, args=(settings, rel))
    text = st.session_state.get(TEXT, "")
    if check_clicked:
        check = backend.check_edit(settings, rel, text)
        if check.ok:
            st.success(f"检查通过：{check.summary}。")
        else:
            _problems(settings, check)
    if save_clicked:
        if text == backend.card_source(settings, rel):
            st.info("内容没有改动，不需要保存。")
            return
        check = backend.save_edit(settings, rel, text)
        if not check.ok:
            _problems(settings, check)
            return
        if run_rebuild(searcher):
            st.session_state[DONE] = f"已保存 {rel}，索引已重建。"
            st.rerun()
        else:
            st.warning(f"{rel} 已保存，但索引没有重建成功；修正上面的问题后点“重建索引”。")
