"""播前方案: a form for the plan inputs, the drafted plan by section, downloads (md, json, ics)."""

from __future__ import annotations

import datetime as dt
import json
import math

import pandas as pd
import streamlit as st

from ui import backend, core

STAGE_LABELS = backend.PLAN_STAGE_NAMES  # the plan's own Chinese names of cold-start | growth | plateau | big-event
EXAMPLE = {
    "plan_streamer": "豆芽",
    "plan_category": "女装",
    "plan_followers": 4500000,
    "plan_stage": "plateau",
    "plan_date": dt.date.today() + dt.timedelta(days=14),
    "plan_time": dt.time(19, 0),
    "plan_duration": 4.0,
    "plan_gmv": 10000000,
    "plan_budget": 200000,
}
EXAMPLE_PRODUCTS = [
    {"名称": "羊绒大衣", "价格（元）": 399.0},
    {"名称": "打底衫", "价格（元）": 9.9},
    {"名称": "羽绒服", "价格（元）": 699.0},
    {"名称": "围巾", "价格（元）": 59.0},
]
NAME_COL, PRICE_COL = "名称", "价格（元）"

settings = core.settings()


def _defaults() -> None:
    """Initial values, set through Session State so that "填入示例" can replace them."""
    st.session_state.setdefault("plan_stage", "cold-start")
    st.session_state.setdefault("plan_date", dt.date.today() + dt.timedelta(days=7))
    st.session_state.setdefault("plan_time", dt.time(19, 0))
    st.session_state.setdefault("plan_duration", 3.0)


def _fill_example() -> None:
    st.session_state.update(EXAMPLE)
    st.session_state["plan_products_seed"] = list(EXAMPLE_PRODUCTS)
    st.session_state["plan_editor_version"] = st.session_state.get("plan_editor_version", 0) + 1


def _number(value):
    """A form number as the inputs file would hold it: int when whole, None when empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _products(table: pd.DataFrame) -> list[dict]:
    rows = []
    for record in table.to_dict("records"):
        name = record.get(NAME_COL)
        name = "" if name is None or (isinstance(name, float) and math.isnan(name)) else str(name).strip()
        price = _number(record.get(PRICE_COL))
        if not name and price is None:
            continue  # an empty row of the editor
        rows.append({"name": name, "price": price})
    return rows


def _raw_inputs(products: pd.DataFrame) -> dict:
    ss = st.session_state
    raw = {
        "streamer": (ss.get("plan_streamer") or "").strip(),
        "category": (ss.get("plan_category") or "").strip(),
        "followers": _number(ss.get("plan_followers")),
        "stage": ss.get("plan_stage"),
        "duration_hours": _number(ss.get("plan_duration")),
        "target_gmv": _number(ss.get("plan_gmv")),
    }
    day, time = ss.get("plan_date"), ss.get("plan_time")
    raw["broadcast_at"] = f"{day.isoformat()}T{time.strftime('%H:%M')}" if day and time else None
    budget = _number(ss.get("plan_budget"))
    if budget is not None:
        raw["ad_budget"] = budget
    items = _products(products)
    if items:
        raw["products"] = items
    # Leave out what was not filled in, so the validator names the missing field.
    return {k: v for k, v in raw.items() if v not in (None, "")}


def _form() -> tuple[bool, pd.DataFrame]:
    with st.form("plan_form", border=True):
        st.text_input("主播 / 账号", key="plan_streamer", placeholder="例如：豆芽")
        st.text_input("品类", key="plan_category", placeholder="例如：女装")
        st.number_input("粉丝数", key="plan_followers", min_value=0, value=None, step=1000, placeholder="例如：12000")
        st.selectbox("账号阶段", list(STAGE_LABELS), key="plan_stage", format_func=STAGE_LABELS.get)
        left, right = st.columns(2)
        left.date_input("开播日期", key="plan_date", value=None)
        right.time_input("开播时间", key="plan_time", value=None, step=dt.timedelta(minutes=15))
        st.number_input("直播时长（小时）", key="plan_duration", min_value=0.0, value=None, step=0.5, format="%.1f")
        st.number_input("目标GMV（元）", key="plan_gmv", min_value=0, value=None, step=10000, placeholder="例如：300000")
        st.number_input("投流预算（元，可不填）", key="plan_budget", min_value=0, value=None, step=1000, placeholder="不投流可留空")
        st.caption("货盘（可不填）：每行一个商品，在最后一行输入即可新增。")
        seed = st.session_state.get("plan_products_seed") or []
        table = st.data_editor(
            pd.DataFrame(seed, columns=[NAME_COL, PRICE_COL]).astype({NAME_COL: "object", PRICE_COL: "float"}),
            key=f"plan_products_{st.session_state.get('plan_editor_version', 0)}",
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            column_config={
                NAME_COL: st.column_config.TextColumn(NAME_COL, max_chars=60),
                PRICE_COL: st.column_config.NumberColumn(PRICE_COL, min_value=0.0, step=0.1, format="%.2f"),
            },
        )
        submitted = st.form_submit_button("生成方案", type="primary", width="stretch")
    return submitted, table


def _render_plan(plan) -> None:
    searcher = core.searcher(settings, fatal=False)
    inputs = plan.inputs
    when = str(inputs.get("broadcast_at", "")).replace("T", " ")
    st.subheader(f"{core.safe_markdown(str(inputs.get('streamer', '')))} · {when} 开播的播前方案")
    if plan.notice:
        st.warning(plan.notice, icon=":material/warning:")
    for warning in plan.warnings:
        st.caption(f"注意：{core.safe_markdown(warning)}")
    _downloads(plan, searcher)
    for section in plan.sections:
        with st.container(border=True):
            st.markdown(f"#### {core.safe_markdown(section.title)}")
            core.md(core.demote_headings(section.markdown, 2))
            if section.sources:
                titles = []
                for card_id in section.sources:
                    card = searcher.card(card_id) if searcher is not None else None
                    titles.append(card.title if card is not None else card_id)
                st.caption("依据卡片：" + "；".join(core.safe_markdown(t) for t in titles))


def _downloads(plan, searcher) -> None:
    stem = f"播前方案-{plan.inputs.get('streamer', '')}-{str(plan.inputs.get('broadcast_at', ''))[:10]}"
    ics, ics_name = backend.plan_ics(plan)
    cols = st.columns(3)
    cols[0].download_button("下载 Markdown", backend.plan_markdown(plan, searcher), file_name=f"{stem}.md",
                            mime="text/markdown", on_click="ignore", icon=":material/download:", width="stretch")
    cols[1].download_button("下载 JSON", json.dumps(backend.plan_json(plan), ensure_ascii=False, indent=2),
                            file_name=f"{stem}.json", mime="application/json", on_click="ignore",
                            icon=":material/download:", width="stretch")
    cols[2].download_button("预热日程 .ics", ics, file_name=ics_name, mime="text/calendar", on_click="ignore",
                            icon=":material/calendar_month:", width="stretch")


# --- the page -----------------------------------------------------------------------------------

st.title("播前方案")
st.caption("填好下面的信息，按手册生成一份播前方案：目标拆解、人设、货盘、预热、流量、流程、分工、预案、合规、复盘。")
st.button("填入示例", on_click=_fill_example, icon=":material/edit:")

_defaults()
submitted, table = _form()
if submitted:
    raw = _raw_inputs(table)
    inputs, errors = backend.validate_plan_inputs(raw)
    if errors:
        st.session_state.pop("plan_result", None)
        st.error(
            f"计划输入无效（{len(errors)} 处），请修改后再生成：\n\n" + "\n".join(f"- {core.safe_markdown(e)}" for e in errors)
        )
    else:
        searcher = core.searcher(settings)
        with st.spinner("正在生成方案……"):
            try:
                st.session_state["plan_result"] = backend.draft_plan(
                    inputs, searcher, settings, chat_model=core.chat_model(settings)
                )
            except Exception as exc:  # noqa: BLE001
                st.session_state.pop("plan_result", None)
                st.error(f"方案生成失败：{core.safe_markdown(str(exc))}")

plan = st.session_state.get("plan_result")
if plan:
    _render_plan(plan)
