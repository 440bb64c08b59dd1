"""播中看板: during the show, the operator types the latest numbers every few minutes (or pastes the export so
far); the page keeps the series, redraws the curves, raises the handbook's actions as they fire (against this
show's own running baseline), and shows the plan's current and next block with its cue lines.

The session is named in the URL (``?s=ID``) and kept in the store: a reload or a second device shows the
same series and the same alerts.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ui import backend, charts, core

settings = core.settings()
FIELDS = ("lv_online", "lv_entries", "lv_orders", "lv_gmv", "lv_stay", "lv_spend")


def _open_session(session_id: str) -> None:
    st.query_params["s"] = session_id


def _close_session() -> None:
    if "s" in st.query_params:
        del st.query_params["s"]
    for key in (*FIELDS, "lv_clock", "lv_error", "lv_done"):
        st.session_state.pop(key, None)


# --- no session open: start one or continue one -------------------------------------------------


def _start() -> None:
    with st.form("lv_start", border=True):
        st.markdown("**开始记录一场直播**")
        title = st.text_input("这一场叫什么", value=f"{dt.date.today():%m-%d} 直播", key="lv_title")
        account = st.text_input("账号", key="lv_account", placeholder="不填则用方案里的主播名")
        plan = st.file_uploader("这场的播前方案 JSON（可不传；传了会显示当前段、下一段和话术）", type=["json"], key="lv_plan")
        started = st.form_submit_button("开始", type="primary", width="stretch", icon=":material/play_circle:")
    if started:
        session_id, error = backend.start_live_session(settings, title, account, plan.getvalue() if plan else None)
        if error:
            st.error(core.safe_markdown(error))
        else:
            _open_session(session_id)
            st.rerun()


def _sessions() -> None:
    sessions = backend.live_sessions(settings)
    if not sessions:
        return
    st.markdown("**继续记录**")
    for s in sessions[:10]:
        label = f"{s.title or '未命名'} · {s.account or '默认账号'} · {s.points} 条"
        st.button(core.safe_markdown(label), key=f"lv_open_{s.id}", on_click=_open_session, args=(s.id,),
                  icon=":material/history:", width="stretch")


# --- the console ------------------------------------------------------------------------------


def _record(session_id: str) -> None:
    """Form callback: store the typed point (before the page redraws), then suggest the next time."""
    ss = st.session_state
    error = backend.add_live_point(
        settings, session_id, clock=ss.get("lv_clock"), online=ss.get("lv_online"), entries=ss.get("lv_entries"),
        orders=ss.get("lv_orders"), gmv=ss.get("lv_gmv"), avg_stay_seconds=ss.get("lv_stay"), ad_spend=ss.get("lv_spend"),
        cumulative=bool(ss.get("lv_cum", True)))
    ss["lv_error"] = error
    if not error:
        view = backend.live_view(settings, session_id)
        ss["lv_clock"] = view.next_time if view else ""
        ss["lv_done"] = True


def _entry_form(view) -> None:
    ss = st.session_state
    ss.setdefault("lv_clock", view.next_time)
    with st.form("lv_point", border=True):
        st.markdown("**记一笔**（每隔几分钟，照大屏填）")
        st.checkbox("按累计数填（进入人数、成交单数、成交金额、投流消耗填开播以来的累计）", value=True, key="lv_cum")
        a, b = st.columns(2)  # one pair per row, so that on a phone they stack in reading order
        a.text_input("时间", key="lv_clock", placeholder="例如 20:05")
        b.number_input("在线人数", min_value=0, value=None, step=10, key="lv_online")
        a, b = st.columns(2)
        a.number_input("进入人数", min_value=0, value=None, step=10, key="lv_entries")
        b.number_input("成交单数", min_value=0, value=None, step=1, key="lv_orders")
        a, b = st.columns(2)
        a.number_input("成交金额（元）", min_value=0.0, value=None, step=100.0, key="lv_gmv")
        b.number_input("投流消耗（元，可不填）", min_value=0.0, value=None, step=100.0, key="lv_spend")
        st.number_input("平均停留（秒，可不填）", min_value=0.0, value=None, step=5.0, key="lv_stay")
        st.form_submit_button("记录", type="primary", width="stretch", icon=":material/add_circle:", on_click=_record, args=(view.session.id,))
    if ss.get("lv_error"):
        st.error(core.safe_markdown(ss["lv_error"]))
    if view.running and view.points:
        st.caption(f"目前累计：进入 {view.running['entries']:,.0f} · 成交 {view.running['orders']:,.0f} 单 · "
                   f"{view.running['gmv']:,.0f} 元" + (f" · 投流 {view.running['ad_spend']:,.0f} 元" if view.running["ad_spend"] else ""))
    with st.expander("粘贴导出的数据（和复盘同样的列，每行一段）", icon=":material/content_paste:"):
        text = st.text_area("导出的数据", key="lv_paste", height=140, placeholder="时间,在线人数,进入人数,成交单数,成交金额\n20:00,800,240,12,1500")
        if st.button("导入", key="lv_import", icon=":material/upload:") and text.strip():
            added, error = backend.paste_live_export(settings, view.session.id, text)
            if error:
                st.error(core.safe_markdown(error))
            else:
                st.success(f"导入了 {added} 条")
                st.rerun()


def _rules_for(view, metric: str) -> None:
    rules = view.rules.get(metric, ())
    if not rules:
        return
    titles = backend.card_titles(settings)
    with st.expander("手册里的预案", icon=":material/menu_book:"):
        for rule in rules:
            st.markdown(f"- **{core.safe_markdown(rule.label)}：{core.safe_markdown(rule.condition)}** → {core.safe_markdown(rule.action)}")
        for card_id in sorted({r.card for r in rules}):
            st.page_link("views/handbook.py", label=core.safe_markdown(titles.get(card_id, card_id)), icon=":material/menu_book:",
                         query_params={"card": card_id}, width="stretch")


def _alert(view, alert, latest: bool) -> None:
    name = view.names.get(alert.metric, alert.metric)
    text = (f"**{alert.time} {core.safe_markdown(name)}**：{core.safe_markdown(alert.message)}（{core.safe_markdown(alert.threshold)}）\n\n"
            f"**马上做：** {core.safe_markdown(alert.action)}")
    box = st.error if alert.severity == "high" else st.warning
    box(text, icon=":material/notifications_active:" if latest else ":material/notifications:")
    titles = backend.card_titles(settings)
    st.caption("出处：" + "、".join(core.safe_markdown(titles.get(c, c)) for c in alert.sources))
    _rules_for(view, alert.metric)


def _alerts(view) -> None:
    status = view.status
    if not view.points:
        st.info("还没有数据：在下面记第一笔。每记一笔，看板都会按手册的经验线和本场自己的走势检查一遍。")
        return
    if not status.alerts:
        st.success("目前没有触发手册里的预警。", icon=":material/check_circle:")
        return
    latest = {id(a) for a in status.latest}
    shown = {}
    for alert in reversed(status.alerts):  # the newest alert of each metric whose condition still holds
        if alert.metric in status.active and alert.metric not in shown:
            shown[alert.metric] = alert
    for alert in shown.values():
        _alert(view, alert, id(alert) in latest)
    if not shown:
        st.success("眼下没有持续中的预警。", icon=":material/check_circle:")
    with st.expander(f"本场已触发的预警（{len(status.alerts)} 次）", icon=":material/history:"):
        st.dataframe([{"时间": a.time, "指标": view.names.get(a.metric, a.metric), "情况": a.message, "怎么做": a.action}
                      for a in status.alerts], hide_index=True, width="stretch")


def _plan_blocks(view) -> None:
    status = view.status
    if view.plan is None:
        return
    with st.container(border=True):
        for label, block in (("现在", status.current_block), ("下一段", status.next_block)):
            if block is None:
                continue
            products = f"（{'、'.join(block.products)}）" if block.products else ""
            st.markdown(f"**{label}：{core.safe_markdown(block.segment)}** {block.start}–{block.end}{core.safe_markdown(products)}")
            for line in block.script:
                st.markdown(f"- {core.safe_markdown(line)}")
        if status.current_block is None and status.next_block is None:
            st.caption("方案的流程已经走完。")


def _kpis(view) -> None:
    totals, last = view.status.totals, view.points[-1]
    tiles = [("在线（最新）", charts.short_number(last.online)), ("成交金额（元）", charts.short_number(totals.get("gmv") or 0)),
             ("成交单数", charts.short_number(totals.get("orders") or 0)), ("进入人数", charts.short_number(totals.get("entries") or 0))]
    if totals.get("conversion_rate") is not None:
        tiles.append(("看播转化", f"{totals['conversion_rate']:.1%}"))
    with st.container(horizontal=True, gap="small"):
        for label, text in tiles:
            st.metric(label, text, border=True, width=132)


def _points(view) -> None:
    with st.expander(f"已记录的 {len(view.points)} 条", icon=":material/list:"):
        st.dataframe([{"时间": p.label, "在线": p.online, "进入": p.entries, "成交单数": p.orders, "成交金额": p.gmv,
                       "停留（秒）": p.avg_stay_seconds, "投流": p.ad_spend} for p in view.points], hide_index=True, width="stretch")
        if st.button("删除最后一条", key="lv_undo", icon=":material/undo:"):
            backend.remove_last_point(settings, view.session.id)
            st.rerun()


def _finish(view) -> None:
    if len(view.points) < 2:
        return
    if st.button("下播了：生成复盘并保存", key="lv_finish", icon=":material/analytics:", width="stretch"):
        outcome = backend.finish_live_session(settings, view.session.id)
        if outcome.ok:
            st.session_state["lv_review"] = outcome.show_id
        else:
            st.error(core.safe_markdown(outcome.error))
    if st.session_state.get("lv_review"):
        st.page_link("views/review.py", label="打开这场的复盘", icon=":material/open_in_new:",
                     query_params={"show": st.session_state["lv_review"]}, width="stretch")


def _console(view) -> None:
    session = view.session
    st.subheader(core.safe_markdown(session.title or "这一场"))
    st.caption(core.safe_markdown(f"{session.account or '默认账号'} · 已记录 {len(view.points)} 条"
                                  + (f" · {view.points[0].label} 开始" if view.points else "")))
    _alerts(view)
    _plan_blocks(view)
    _entry_form(view)
    if view.points:
        _kpis(view)
        for chart in charts.show_charts(charts.chart_rows(view.points), view.blocks(), view.alert_spans()):
            st.altair_chart(chart, width="stretch")
        _points(view)
        _finish(view)
    st.button("换一场", key="lv_close", on_click=_close_session, icon=":material/swap_horiz:")


# --- the page -----------------------------------------------------------------------------------

st.title("播中看板")
session_id = st.query_params.get("s")
view = backend.live_view(settings, session_id) if session_id else None
if session_id and view is None:
    st.warning("没有这个播中记录（可能已删除，或属于别的账号）。")
if view is None:
    st.caption("开播后每隔几分钟照大屏记一笔（或粘贴导出的数据），看板按手册的经验线和本场自己的走势提醒该做什么。")
    _start()
    _sessions()
else:
    _console(view)
