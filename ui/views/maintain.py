"""维护: for maintainers (PLAYBOOK_ADMIN_PASSWORD) — the index's state, validate and re-index, the version
history with rollback, editing a card, and what the handbook served badly (gaps and 👎)."""

from __future__ import annotations

import streamlit as st

from ui import auth, backend, core
from ui.views import maintain_cards, maintain_feedback, maintain_history

LOGGED_IN = "admin_logged_in"

settings = core.settings()


def _login() -> None:
    st.caption("维护页需要管理员密码。")
    with st.form("admin_login", clear_on_submit=False):  # a refused attempt keeps what was typed
        given = st.text_input("管理员密码", type="password", key="admin_password_input", autocomplete="current-password")
        submitted = st.form_submit_button("登录", type="primary")
    if not submitted:
        return
    result = auth.try_login(given or "", settings.admin_password(), st.session_state)
    if result.ok:
        st.session_state[LOGGED_IN] = True
        st.rerun()
    elif result.wait_seconds > 0:
        wait = int(result.wait_seconds + 0.999)
        if result.locked:
            st.error(f"密码错误次数过多，登录已锁定，请 {wait} 秒后再试。")
        else:
            st.error(f"尝试太频繁，请 {wait} 秒后再试。")
    elif result.locked:
        st.error(f"密码不正确。错误次数过多，登录已锁定 {int(auth.LOCKOUT_SECONDS)} 秒。")
    else:
        st.error(f"密码不正确（还可再试 {result.failures_left} 次）。")


def _logout() -> None:
    st.session_state[LOGGED_IN] = False


def _status(searcher) -> None:
    st.subheader("索引状态")
    if searcher is None:
        st.info("当前没有可用的索引；修正问题后点“重建索引”。")
        return
    try:
        status = searcher.status()
    except Exception as exc:  # noqa: BLE001
        core.show_index_error(exc)
        return
    state = backend.serving_state(settings)
    c1, c2, c3 = st.columns(3)
    c1.metric("卡片", status.cards)
    c2.metric("片段", status.chunks)
    c3.metric("存储", "Chroma 服务" if status.mode == "server" else "内嵌")
    serving = state.get("serving_generation", status.generation)
    st.caption(f"正在使用版本 {serving}（建于 {backend.local_time(settings, status.built_at)}）· 向量模型：{status.embedder}"
               f" · 保留 {state.get('generations_kept', 1)} 个版本")
    if state.get("cards_differ"):
        disk = state.get("cards_on_disk") or {}
        if "problems" in disk or "error" in disk:
            st.warning("卡片目录里有错误的卡片，和正在使用的索引不一致；点“检查卡片”查看。")
        else:
            parts = [f"{label} {len(disk.get(key, []))} 张（{'、'.join(disk.get(key, [])[:5])}）"
                     for key, label in (("added", "新增"), ("changed", "修改"), ("removed", "删除")) if disk.get(key)]
            st.warning("卡片目录和正在使用的索引不一致：" + "，".join(parts) + "。点“重建索引”更新，或回滚卡片文件。")


def _check() -> None:
    st.subheader("检查卡片")
    st.caption(f"卡片目录：{settings.cards_dir}")
    if st.button("检查卡片", icon=":material/fact_check:"):
        try:
            result = backend.check_cards(settings)
        except Exception as exc:  # noqa: BLE001 - e.g. the cards folder does not exist
            st.error(core.safe_markdown(str(exc)))
            return
        if result.ok:
            st.success(f"格式正确：{backend.check_summary(result)}。")
        else:
            st.error(f"{backend.check_summary(result)}。问题（先列根本原因，它引起的链接失效缩进列在下面）：")
            st.code(backend.problem_text(result.problems, settings.cards_dir), language=None, wrap_lines=True)


def run_rebuild(searcher, key: str = "rebuild") -> bool:
    """Re-index with a progress bar in Chinese; True when it succeeded (then the page reruns)."""
    bar = st.progress(0.0, text="准备中……")

    def progress(done: int, total: int, stage: str) -> None:
        fraction = min(1.0, done / total) if total > 0 else 1.0
        bar.progress(fraction, text=backend.stage_lines({"stages": [{"stage": stage, "done": done, "total": total}]})[0])

    try:
        _summary, record_error = backend.reindex(settings, progress=progress)
    except Exception as exc:  # noqa: BLE001 - the index's errors say what to do
        bar.empty()
        problems = getattr(exc, "problems", None)
        if problems is not None:  # invalid cards: the serving index is unchanged
            st.error(f"卡片有 {len(problems)} 处问题，索引没有改动，问答继续使用原来的索引：")
            st.code(backend.problem_text(problems, settings.cards_dir), language=None, wrap_lines=True)
        else:
            st.error(f"重建失败，原来的索引保持不变：{core.safe_markdown(backend.error_text(exc))}")
        return False
    bar.progress(1.0, text="完成")
    if record_error:
        st.warning(f"重建摘要没能保存：{core.safe_markdown(record_error)}")
    refresh(searcher)
    return True


def refresh(searcher) -> None:
    if searcher is not None:
        searcher.refresh()  # chats in progress switch to the new generation on their next question
    else:
        core.drop_searcher_cache()


def _rebuild(searcher) -> None:
    st.subheader("重建索引")
    st.caption("增量更新：只重新处理改动过的卡片。重建期间问答照常可用，完成后自动切换到新索引。")
    if st.button("重建索引", icon=":material/sync:", type="primary") and run_rebuild(searcher):
        st.rerun()
    last = backend.last_rebuild(settings)
    if last:
        try:
            st.success(
                f"上次重建（{backend.local_time(settings, last['at'], seconds=True)}）：新增 {last['cards_added']}，"
                f"修改 {last['cards_changed']}，删除 {last['cards_removed']}，未变 {last['cards_unchanged']} 张卡片；"
                f"重新嵌入 {last['chunks_embedded']} 个片段，用时 {float(last['seconds']):.1f} 秒。"
            )
            stages = backend.stage_lines(last)
            if stages:
                st.caption("各步骤：" + " · ".join(stages))
        except (KeyError, TypeError, ValueError):
            pass


st.title("维护")
if not auth.maintainer_signed_in(settings):  # with accounts, ui/app.py lists this page for maintainers only
    if not settings.admin_password():
        st.warning(
            "维护页未启用：没有配置管理员密码。请在启动应用前设置环境变量 PLAYBOOK_ADMIN_PASSWORD，"
            "然后重启应用。"
        )
        st.stop()

    if not st.session_state.get(LOGGED_IN):
        _login()
        st.stop()

    st.button("退出登录", on_click=_logout, icon=":material/logout:")
st.caption(f"本页时间均为{backend.zone_label(settings)}（PLAYBOOK_TIMEZONE={settings.timezone}）。")
searcher = core.searcher(settings, fatal=False)
_status(searcher)
tab_index, tab_cards, tab_feedback = st.tabs(["索引与版本", "编辑卡片", "待补写的问题"], key="maint_tab")
with tab_index:
    _check()
    _rebuild(searcher)
    maintain_history.render(settings, searcher, refresh)
with tab_cards:
    maintain_cards.render(settings, searcher, run_rebuild)
with tab_feedback:
    maintain_feedback.render(settings, core.store(settings), searcher)
