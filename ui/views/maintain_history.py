"""维护 · 版本历史: the kept index generations (when, how many cards changed, which) and rollback with a
confirmation. Rendered by ui/views/maintain.py (not a page of its own)."""

from __future__ import annotations

import streamlit as st

from ui import backend, core

TARGET = "rollback_target"
DONE = "rollback_done"
MAX_IDS = 8


def _ids(ids) -> str:
    ids = list(ids)
    more = f" 等 {len(ids)} 张" if len(ids) > MAX_IDS else ""
    return "、".join(ids[:MAX_IDS]) + more


def changes_line(info) -> str:
    ch = info.changes
    if not ch.count:
        return "卡片没有改动（重建了索引本身）"
    parts = [f"{label} {len(ids)}：{_ids(ids)}" for label, ids in (("新增", ch.added), ("修改", ch.changed), ("删除", ch.removed)) if ids]
    base = f"（相对 {info.parent}）" if info.parent else ""
    return f"改动 {ch.count} 张卡片{base}：" + "；".join(parts)


def _confirm(settings, searcher, refresh, info) -> None:
    with st.container(border=True):
        st.warning(f"确认回滚到 {info.generation}（建于 {backend.local_time(settings, info.built_at)}，{info.cards} 张卡片）？"
                   "问答会在几秒内改用这个版本的索引；现在的版本保留在历史里，可以再回滚回来。")
        restore = st.checkbox("同时把卡片文件恢复成这个版本（被替换或移走的文件先备份到数据目录的 card-backups）",
                              value=info.restorable, disabled=not info.restorable, key="rollback_restore")
        if not info.restorable:
            st.caption("这个版本没有保存卡片原文，只能回滚索引。")
        c1, c2 = st.columns(2)
        if c1.button("确认回滚", type="primary", key="rollback_confirm", icon=":material/history:"):
            try:
                result = backend.rollback(settings, info.generation, restore_cards=bool(restore and info.restorable))
            except Exception as exc:  # noqa: BLE001 - the index's errors say what to do
                st.error(f"回滚失败：{core.safe_markdown(backend.error_text(exc))}")
                return
            note = f"已回滚到 {result.generation}" + (f"（原来是 {result.previous}）" if result.previous else "（它已在使用）")
            if restore and info.restorable:
                note += f"；恢复了 {len(result.restored)} 个卡片文件" + (f"，原文件备份在 {result.backup_dir}" if result.backup_dir else "")
            st.session_state[DONE] = note + "。"
            st.session_state.pop(TARGET, None)
            refresh(searcher)
            st.rerun()
        if c2.button("取消", key="rollback_cancel"):
            st.session_state.pop(TARGET, None)
            st.rerun()


def render(settings, searcher, refresh) -> None:
    st.subheader("版本历史")
    st.caption("每次重建都会留下一个版本（保留正在使用的和之前的 5 个）。回滚会原子地切换问答使用的索引；"
               "卡片的修改历史就是这些版本。")
    if DONE in st.session_state:
        st.success(st.session_state.pop(DONE))
    history = backend.index_history(settings)
    if not history:
        st.info("还没有索引版本。")
        return
    target = st.session_state.get(TARGET)
    for info in history:
        with st.container(border=True):
            head = f"**{info.generation}** · {backend.local_time(settings, info.built_at)} · {info.cards} 张卡片 · {info.chunks} 个片段"
            st.markdown(head + (" · :green-badge[正在使用]" if info.serving else ""))
            st.caption(core.safe_markdown(changes_line(info)))
            if not info.serving and target != info.generation:
                st.button("回滚到这个版本", key=f"rollback_{info.generation}", icon=":material/undo:",
                          on_click=st.session_state.__setitem__, args=(TARGET, info.generation))
        if target == info.generation and not info.serving:
            _confirm(settings, searcher, refresh, info)
