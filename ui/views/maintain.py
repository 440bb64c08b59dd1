"""维护: for maintainers (PLAYBOOK_ADMIN_PASSWORD) — validate cards, re-index, status, feedback."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import auth, backend, core

LOGGED_IN = "admin_logged_in"

settings = core.settings()


def _problem_line(problem, cards_dir: Path) -> str:
    try:
        path = Path(problem.path).resolve().relative_to(cards_dir.parent)
    except ValueError:
        path = problem.path
    return f"{path}:{problem.line}: {problem.message}"


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
    c1, c2, c3 = st.columns(3)
    c1.metric("卡片", status.cards)
    c2.metric("片段", status.chunks)
    c3.metric("存储", "Chroma 服务" if status.mode == "server" else "内嵌")
    st.caption(f"向量模型：{status.embedder} · 建于（UTC）：{status.built_at} · 版本：{status.generation}")


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
            st.success(f"全部 {len(result.cards)} 张卡片格式正确。")
        else:
            st.error(f"发现 {len(result.problems)} 处问题（{len(result.cards)} 张卡片有效）：")
            st.code("\n".join(_problem_line(p, settings.cards_dir) for p in result.problems), language=None, wrap_lines=True)


def _rebuild(searcher) -> None:
    st.subheader("重建索引")
    st.caption("增量更新：只重新处理改动过的卡片。重建期间问答照常可用，完成后自动切换到新索引。")
    if st.button("重建索引", icon=":material/sync:", type="primary"):
        bar = st.progress(0.0, text="准备中……")

        def progress(done: int, total: int, what: str) -> None:
            fraction = min(1.0, done / total) if total else 0.0
            bar.progress(fraction, text=f"{what}（{done}/{total}）" if total else str(what))

        try:
            _summary, record_error = backend.reindex(settings, progress=progress)
        except Exception as exc:  # noqa: BLE001 - the index's errors say what to do
            bar.empty()
            problems = getattr(exc, "problems", None)
            if problems is not None:  # invalid cards: the serving index is unchanged
                st.error(f"卡片有 {len(problems)} 处问题，索引没有改动，问答继续使用原来的索引：")
                st.code("\n".join(_problem_line(p, settings.cards_dir) for p in problems), language=None, wrap_lines=True)
            else:
                st.error(f"重建失败，原来的索引保持不变：{core.safe_markdown(str(exc))}")
            return
        bar.progress(1.0, text="完成")
        if record_error:
            st.warning(f"重建摘要没能保存：{core.safe_markdown(record_error)}")
        if searcher is not None:
            searcher.refresh()  # chats in progress switch to the new generation on their next question
        else:
            core.drop_searcher_cache()
        st.rerun()
    last = backend.last_rebuild(settings)
    if last:
        try:
            st.success(
                f"上次重建（{last['at']}）：新增 {last['cards_added']}，修改 {last['cards_changed']}，"
                f"删除 {last['cards_removed']}，未变 {last['cards_unchanged']} 张卡片；"
                f"重新嵌入 {last['chunks_embedded']} 个片段，用时 {float(last['seconds']):.1f} 秒。"
            )
        except (KeyError, TypeError, ValueError):
            pass


def _feedback() -> None:
    st.subheader("回答反馈")
    store = core.store(settings)
    counts = store.feedback_summary()
    c1, c2 = st.columns(2)
    c1.metric("有用", counts["up"])
    c2.metric("没用", counts["down"])
    rows = [r for r in store.feedback_rows(limit=50) if r["rating"] == "down"]
    if rows:
        st.caption("最近的“没用”反馈（问题 — 原因）")
        for r in rows[:20]:
            st.markdown(f"- {core.safe_markdown(r['question'] or '')} — {core.safe_markdown(r['reason'] or '（未写原因）')}")


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
searcher = core.searcher(settings, fatal=False)
_status(searcher)
_check()
_rebuild(searcher)
_feedback()
