"""复盘: upload a show's data (or open a stored show, or try an example), see the curves with the plan's
blocks, KPI tiles against targets, the handbook's lines and the account's own history, the findings with
their cards, the Markdown report, and two shows side by side (直播PK).

The review on screen is named in the URL (``?show=ID`` for a stored show, ``?example=KEY`` for an
example), so a reload or a shared link opens it again.
"""

from __future__ import annotations

import streamlit as st

from ui import backend, charts, core

SOURCES = ("上传文件", "已保存的场次", "试一试")
SEVERITY_COLORS = {"high": "red", "medium": "orange", "low": "blue"}
MONEY_COLUMNS = {name: st.column_config.NumberColumn(name, format="localized") for name in ("GMV", "目标", "点击", "成交", "成交单数")}
MONEY_TILES = ("gmv", "net_gmv", "aov", "uv_value", "gpm")
MAIN_TILES = ("gmv", "orders", "entries", "peak_online", "conversion_rate", "uv_value", "avg_stay_seconds", "ad_roi")

settings = core.settings()


# --- getting a review ---------------------------------------------------------------------------


def _show(outcome) -> None:
    """Make ``outcome`` the review on screen (and name it in the URL when it can be opened again)."""
    st.session_state["rv_outcome"] = outcome
    for key in ("show", "example"):
        if key in st.query_params:
            del st.query_params[key]
    if outcome.show_id:
        st.query_params["show"] = outcome.show_id


def _from_url():
    """The review the URL names, opened once per session (a reload, a shared link)."""
    wanted = ("show", st.query_params.get("show")) if st.query_params.get("show") else (
        ("example", st.query_params.get("example")) if st.query_params.get("example") else None)
    if wanted is None or st.session_state.get("rv_opened") == wanted:
        return
    st.session_state["rv_opened"] = wanted
    kind, key = wanted
    outcome = backend.open_stored_show(settings, key) if kind == "show" else backend.review_example(settings, key)
    if outcome.ok:
        st.session_state["rv_outcome"] = outcome
    else:
        st.warning(core.safe_markdown(outcome.error))


def _upload_form() -> None:
    with st.form("rv_upload", border=True):
        data = st.file_uploader("分时数据（CSV 或 Excel，每行 1–15 分钟）", type=["csv", "xlsx", "txt"], key="rv_data")
        products = st.file_uploader("商品数据（可不传）", type=["csv", "xlsx", "txt"], key="rv_products")
        plan = st.file_uploader("这场的播前方案 JSON（可不传，用来对比各段目标）", type=["json"], key="rv_plan")
        account = st.text_input("账号", key="rv_account", placeholder="不填则用方案里的主播名；同一账号的往期场次会拿来对比")
        left, right = st.columns(2)
        break_even = left.number_input("保本 ROI（可不填）", min_value=0.0, value=None, step=0.1, key="rv_break_even",
                                       help="不填时按方案里商品的成本算；都没有时按成交额不低于投流消耗算")
        save = right.checkbox("保存到本账号的历史", value=True, key="rv_save", help="以后同一账号的复盘会先和往期的中位数比")
        submitted = st.form_submit_button("开始复盘", type="primary", width="stretch", icon=":material/analytics:")
    st.caption("表头用中文或英文都可以：时间/time、在线人数/online、进入人数/entries、成交单数/orders、成交金额/gmv 必填；"
               "曝光人数、平均停留时长、评论数、新增粉丝、投流消耗 可选。")
    if not submitted:
        return
    if data is None:
        st.error("请先选择分时数据文件")
        return
    outcome = backend.review_files(
        settings, data.getvalue(), data.name, products=products.getvalue() if products else None,
        products_name=products.name if products else "商品文件", plan=plan.getvalue() if plan else None,
        account=account, break_even=break_even or None, save=save)
    if outcome.ok:
        _show(outcome)
    else:
        st.session_state.pop("rv_outcome", None)
        st.error(core.safe_markdown(outcome.error))


def _stored_picker() -> None:
    shows = backend.stored_shows(settings)
    if not shows:
        st.info("还没有保存过场次：上传文件复盘时勾选「保存到本账号的历史」。")
        return
    labels = {s.id: f"{s.title or s.started_at} · {s.account or '默认账号'}" for s in shows}
    chosen = st.selectbox("已保存的场次", list(labels), format_func=labels.get, key="rv_stored")
    left, right = st.columns(2)
    if left.button("打开这一场", type="primary", width="stretch", icon=":material/folder_open:"):
        outcome = backend.open_stored_show(settings, chosen)
        if outcome.ok:
            _show(outcome)
        else:
            st.error(core.safe_markdown(outcome.error))
    if right.button("删除这一场", width="stretch", icon=":material/delete:"):
        backend.delete_stored_show(settings, chosen)
        if st.query_params.get("show") == chosen:
            del st.query_params["show"]
            st.session_state.pop("rv_outcome", None)
        st.rerun()


def _try_it() -> None:
    st.caption("示例是合成数据（虚构的账号和数字，不是真实直播），用来看看复盘长什么样。")
    examples = backend.REVIEW_EXAMPLES
    key = st.selectbox("示例场次", list(examples), format_func=lambda k: examples[k][0], key="rv_example")
    if st.button("试一试", type="primary", icon=":material/play_arrow:", width="stretch"):
        outcome = backend.review_example(settings, key)
        if outcome.ok:
            _show(outcome)
            st.query_params["example"] = key
            st.session_state["rv_opened"] = ("example", key)
        else:
            st.error(core.safe_markdown(outcome.error))


# --- showing a review ---------------------------------------------------------------------------


def _tile_delta(tile) -> tuple[str | None, str, str]:
    """(delta text, colour, arrow) of a tile: against the plan's target, else against the account's usual."""
    if tile["target"]:
        done = tile["value"] / tile["target"]
        return f"目标完成 {done:.0%}", "normal" if done >= 1 else "inverse", "off"
    if tile["baseline"]:
        change = (tile["value"] - tile["baseline"]) / tile["baseline"]
        return f"比往常 {change:+.0%}", "inverse" if tile["key"] == "refund_rate" else "normal", "auto"
    return None, "normal", "auto"


def _tiles(result) -> None:
    tiles = result.kpi_tiles()
    shown = [t for t in tiles if t["key"] in MAIN_TILES or t["status"] == "weak"]
    with st.container(horizontal=True, gap="small"):
        for tile in shown:
            delta, color, arrow = _tile_delta(tile)
            notes = [n for n in (tile["benchmark"], f"本账号往常 {tile['baseline_text']}" if tile["baseline_text"] else "") if n]
            name, text = tile["label"], tile["text"]
            if tile["key"] in MONEY_TILES:  # "（元）" in the label keeps the number short enough for a phone
                name, text = f"{name}（元）", charts.short_number(tile["value"])
            label = f":red[{name}]" if tile["status"] == "weak" else name
            st.metric(label, text, delta=delta, delta_color=color, delta_arrow=arrow, help="；".join(notes) or None,
                      border=True, width=160)
    with st.expander("全部指标（和手册经验线、本账号往常比）", icon=":material/table_chart:"):
        status = {"weak": "偏弱", "ok": "正常", "none": ""}
        st.dataframe([{"指标": t["label"], "本场": t["text"], "手册经验线": t["benchmark"].removeprefix("经验线 "),
                       "本账号往常": t["baseline_text"], "": status[t["status"]]} for t in tiles], hide_index=True, width="stretch")


def _curves(result) -> None:
    rows = backend.curve_rows(result)
    blocks = backend.plan_blocks(result)
    for chart in charts.show_charts(rows, blocks, backend.finding_spans(result)):
        st.altair_chart(chart, width="stretch")
    notes = ["红色底色是问题发生的时段"] if backend.finding_spans(result) else []
    if blocks:
        notes.append("浅色底色是方案的各段（把手指放上去看是哪一段）")
    if notes:
        st.caption("；".join(notes) + "。")


def card_links(sources, titles: dict) -> None:
    """Each cited card, linked to the 手册 page's card view."""
    for card_id in sources:
        title = titles.get(card_id, card_id)
        st.page_link("views/handbook.py", label=core.safe_markdown(title), icon=":material/menu_book:",
                     query_params={"card": card_id}, help=f"{title}（{card_id}）", width="stretch")


def _findings(result, titles: dict) -> None:
    st.markdown(f"#### 问题（{len(result.findings)} 条，按严重程度）")
    if not result.findings:
        lines = "手册经验线" + ("和本账号往常水平" if result.history else "")
        st.success(f"没有发现明显问题：各项指标都在{lines}之内。", icon=":material/check_circle:")
        return
    for f in result.findings:
        with st.container(border=True):
            when = f" · {f.when}" if f.when else ""
            badge = f":{SEVERITY_COLORS.get(f.severity, 'gray')}-badge[{backend.severity_name(f.severity)}]"
            st.markdown(f"{badge} **{core.safe_markdown(f.name or f.metric)}**{when}")
            st.markdown(f"{core.safe_markdown(backend.finding_value_text(f))}（{core.safe_markdown(f.benchmark)}）")
            if f.detail:
                st.caption(core.safe_markdown(f.detail))
            st.markdown(f"**怎么做：** {core.safe_markdown(f.advice)}")
            card_links(f.sources, titles)


def _tables(result) -> None:
    comparison = result.comparison
    if comparison is not None:
        st.markdown("#### 分段对比（按方案）")
        rows = [{"时段": f"{s.start}-{s.end}", "环节": s.segment,
                 "在线变化": "无数据" if not s.covered or s.online_change is None else f"{s.online_change:+.0%}",
                 "成交单数": s.orders, "GMV": round(s.gmv), "目标": None if s.target_gmv is None else round(s.target_gmv)}
                for s in comparison.segments]
        st.dataframe(rows, hide_index=True, width="stretch", column_config=MONEY_COLUMNS)
        if comparison.lost_room is not None:
            lost = comparison.lost_room
            st.caption(f"掉人最多的时段：「{core.safe_markdown(lost.segment)}」{lost.start}-{lost.end}。")
    if result.products:
        st.markdown("#### 商品")
        rows = [{"商品": p.name, "点击": p.clicks, "成交": p.orders,
                 "点击成交率": None if p.click_to_order is None else f"{p.click_to_order:.1%}", "GMV": round(p.gmv),
                 "退款率": None if p.refund_rate is None else f"{p.refund_rate:.0%}"} for p in result.products]
        st.dataframe(rows, hide_index=True, width="stretch", column_config=MONEY_COLUMNS)


def _report(result, titles: dict, name: str) -> None:
    report = result.to_markdown(titles)
    with st.expander("复盘报告（Markdown，可以直接发到团队群）", icon=":material/description:"):
        st.code(report, language="markdown", wrap_lines=True)
    st.download_button("下载复盘报告", report, file_name=f"复盘-{name}.md", mime="text/markdown", on_click="ignore",
                       icon=":material/download:", width="stretch")


def render_review(outcome, titles: dict) -> None:
    result = outcome.result
    st.subheader(core.safe_markdown(outcome.label or "这场直播"))
    show = result.show_json()
    meta = [f"{show.get('date', '') + ' ' if show.get('date') else ''}{show['start']}–{show['end']}，{show['minutes']} 分钟"]
    if result.account:
        meta.append(f"账号：{result.account}")
    meta.append(f"和本账号往期 {len(result.history)} 场的中位数比" if result.history else "本账号还没有足够的往期场次（至少 3 场），先按手册经验线比")
    if outcome.already_saved and outcome.show_id:
        meta.append("已保存")
    st.caption(core.safe_markdown(" · ".join(meta)))
    for warning in result.to_json()["warnings"]:
        st.warning(core.safe_markdown(warning), icon=":material/info:")
    _tiles(result)
    _curves(result)
    _findings(result, titles)
    _tables(result)
    _report(result, titles, show["start"].replace(":", ""))


def _pk(current) -> None:
    st.markdown("#### 直播PK：和另一场比")
    shows = [s for s in backend.stored_shows(settings) if s.id != current.show_id]
    options = {f"show:{s.id}": f"{s.title or s.started_at}（已保存）" for s in shows}
    options.update({f"example:{k}": f"示例：{v[0]}" for k, v in backend.REVIEW_EXAMPLES.items()})
    chosen = st.selectbox("对比的场次", list(options), format_func=options.get, key="rv_pk", index=None, placeholder="选一场来对比")
    if not chosen:
        return
    kind, key = chosen.split(":", 1)
    other = backend.open_stored_show(settings, key) if kind == "show" else backend.review_example(settings, key)
    if not other.ok:
        st.error(core.safe_markdown(other.error))
        return
    a_name, b_name = "这一场", options[chosen]
    rows = backend.pk_table(current.result, other.result)
    mark = {"a": "◀ 这一场好", "b": "对比场好 ▶", "": "持平"}
    st.dataframe([{"指标": r["label"], "这一场": r["a_text"], "对比场": r["b_text"], "": mark[r["better"]]} for r in rows],
                 hide_index=True, width="stretch")
    st.altair_chart(charts.pk_chart(backend.curve_rows(current.result), backend.curve_rows(other.result), a_name, b_name),
                    width="stretch")


# --- the page -----------------------------------------------------------------------------------

st.title("复盘")
st.caption("上传直播的分时数据，按手册的经验线和本账号的往期找出问题：什么时候、差多少、怎么做、出自哪张卡。")
_from_url()
inputs = st.container()
current = st.session_state.get("rv_outcome")
with inputs.expander("换一场复盘", icon=":material/upload_file:") if current is not None else inputs:
    source = st.segmented_control("数据来源", SOURCES, default=SOURCES[0], key="rv_source", label_visibility="collapsed") or SOURCES[0]
    if source == SOURCES[0]:
        _upload_form()
    elif source == SOURCES[1]:
        _stored_picker()
    else:
        _try_it()

current = st.session_state.get("rv_outcome")
if current is not None and current.ok:
    st.divider()
    render_review(current, backend.card_titles(settings))
    st.divider()
    _pk(current)
