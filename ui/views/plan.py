"""播前方案: the form (products pasted as lines), the drafted plan by section, downloads, saved plans of the
signed-in owner; ``?view=print&plan=ID`` is the clean print view, ``?view=cue&plan=ID`` the 主播屏."""

from __future__ import annotations

import datetime as dt
import json

import streamlit as st

from ui import backend, core
from ui.views.plan_screens import cue_screen, print_screen, render_sections

STAGE_LABELS = backend.PLAN_STAGE_NAMES  # the plan's own Chinese names of cold-start | growth | plateau | big-event
L = backend.PLAN_FIELD_LABELS            # the form's labels are the validator's field names
MAX_FOLLOWERS, MAX_GMV, MAX_BUDGET = 2_000_000_000, 100_000_000_000, 10_000_000_000
MIN_DATE, MAX_DATE = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
EXAMPLE_LINES = "羊绒大衣 399 成本180 库存5000 利润款\n打底衫 9.9 成本11 库存30000 引流款\n羽绒服 699 成本330 库存12000 主推\n围巾 59 成本22 库存8000"
EXAMPLE = {
    "plan_streamer": "豆芽", "plan_category": "女装", "plan_followers": 4500000, "plan_stage": "plateau",
    "plan_date": dt.date.today() + dt.timedelta(days=14), "plan_time": dt.time(19, 0), "plan_duration": 4.0,
    "plan_gmv": 10000000, "plan_budget": 200000, "plan_daily": True, "plan_products_text": EXAMPLE_LINES,
}
FIELD_KEYS = {"streamer": "plan_streamer", "category": "plan_category", "followers": "plan_followers", "stage": "plan_stage",
              "broadcast_at": "plan_date", "duration_hours": "plan_duration", "target_gmv": "plan_gmv",
              "ad_budget": "plan_budget", "streams_daily": "plan_daily", "products": "plan_products_text"}

settings = core.settings()
owner = backend.current_owner()


def _defaults() -> None:
    ss = st.session_state
    ss.setdefault("plan_stage", "cold-start")
    ss.setdefault("plan_date", dt.date.today() + dt.timedelta(days=7))
    ss.setdefault("plan_time", dt.time(19, 0))
    ss.setdefault("plan_duration", 3.0)
    ss.setdefault("plan_daily", True)


def _fill_example() -> None:
    st.session_state.update(EXAMPLE)
    st.session_state.pop("plan_id", None)


def _fill_from(inputs: dict, plan_id: str | None) -> None:
    """Put saved inputs into the form (reopen: keep the id to save over it; copy: a new plan)."""
    ss = st.session_state
    when = dt.datetime.fromisoformat(str(inputs.get("broadcast_at")))
    ss.update({"plan_streamer": inputs.get("streamer", ""), "plan_category": inputs.get("category", ""),
               "plan_followers": inputs.get("followers"), "plan_stage": inputs.get("stage", "cold-start"),
               "plan_date": when.date(), "plan_time": when.time(), "plan_duration": float(inputs.get("duration_hours", 3)),
               "plan_gmv": inputs.get("target_gmv"), "plan_budget": inputs.get("ad_budget"),
               "plan_daily": inputs.get("streams_daily", True) is not False,
               "plan_products_text": backend.product_lines(inputs.get("products") or [])})
    if plan_id:
        ss["plan_id"] = plan_id
    else:
        ss.pop("plan_id", None)
    ss.pop("plan_result", None)


def _number(value):
    if value is None:
        return None
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _raw_inputs() -> tuple[dict, dict[str, list[str]], list[int]]:
    """The inputs as a file would hold them, problems of the pasted products, and each product's line."""
    ss = st.session_state
    raw = {
        "streamer": (ss.get("plan_streamer") or "").strip(), "category": (ss.get("plan_category") or "").strip(),
        "followers": _number(ss.get("plan_followers")), "stage": ss.get("plan_stage"),
        "duration_hours": _number(ss.get("plan_duration")), "target_gmv": _number(ss.get("plan_gmv")),
        "streams_daily": bool(ss.get("plan_daily", True)),
    }
    day, time = ss.get("plan_date"), ss.get("plan_time")
    raw["broadcast_at"] = f"{day.isoformat()}T{time.strftime('%H:%M')}" if day and time else None
    budget = _number(ss.get("plan_budget"))
    if budget is not None:
        raw["ad_budget"] = budget
    products, problems, lines = backend.products_from_lines(ss.get("plan_products_text") or "")
    if products:
        raw["products"] = products
    # Leave out what was not filled in, so the validator names the missing field.
    return {k: v for k, v in raw.items() if v not in (None, "")}, ({"products": problems} if problems else {}), lines


def _line_words(messages: list[str], lines: list[int]) -> list[str]:
    """Product problems said by the line of the text box ("第3行") rather than the product's position."""
    out = []
    for message in messages:
        for i in range(len(lines) - 1, -1, -1):
            if message.startswith(f"第{i + 1}款商品"):
                message = message.replace(f"第{i + 1}款商品", f"第{lines[i]}行", 1)
                break
        out.append(message)
    return out


def _form() -> tuple[bool, dict]:
    """The form; returns (submitted, slots): one placeholder under each field for its problems."""
    slots: dict = {}
    with st.form("plan_form", border=True):
        st.text_input(L["streamer"], key="plan_streamer", max_chars=60, placeholder="例如：豆芽")
        slots["streamer"] = st.empty()
        st.text_input(L["category"], key="plan_category", max_chars=30, placeholder="例如：女装")
        slots["category"] = st.empty()
        st.number_input(L["followers"], key="plan_followers", min_value=0, max_value=MAX_FOLLOWERS, value=None, step=1000,
                        placeholder="例如：12000")
        slots["followers"] = st.empty()
        st.selectbox(L["stage"], list(STAGE_LABELS), key="plan_stage", format_func=STAGE_LABELS.get)
        slots["stage"] = st.empty()
        left, right = st.columns(2)
        left.date_input("开播日期", key="plan_date", value=None, min_value=MIN_DATE, max_value=MAX_DATE)
        right.time_input("开播时间（几点）", key="plan_time", value=None, step=dt.timedelta(minutes=15))
        slots["broadcast_at"] = st.empty()
        st.number_input(L["duration_hours"], key="plan_duration", min_value=0.5, max_value=12.0, value=None, step=0.5, format="%.1f")
        slots["duration_hours"] = st.empty()
        st.number_input(L["target_gmv"], key="plan_gmv", min_value=1, max_value=MAX_GMV, value=None, step=10000,
                        placeholder="例如：300000")
        slots["target_gmv"] = st.empty()
        st.number_input(L["ad_budget"] + "（可不填）", key="plan_budget", min_value=0, max_value=MAX_BUDGET, value=None, step=1000,
                        placeholder="不投流可留空")
        slots["ad_budget"] = st.empty()
        st.checkbox(L["streams_daily"] + "（日播账号：预热按前一天下播预告来排）", key="plan_daily")
        st.text_area(L["products"] + "（可不填，每行一款）", key="plan_products_text", height=150,
                     placeholder="羽绒服 399 成本200 库存300 主推\n福利袜子 9.9 成本12 库存500\n围巾 59")
        st.caption(backend.PRODUCT_LINE_HINT + "。成本、库存、角色可以不写；角色可写 主推、承接、引流、福利、利润、形象。")
        slots["products"] = st.empty()
        editing = "生成后保存在原来那份方案上" if st.session_state.get("plan_id") else "生成后保存为一份新方案"
        submitted = st.form_submit_button("生成方案", type="primary", width="stretch", help=editing)
    return submitted, slots


def _saved_plans() -> None:
    saved = backend.list_plans(settings, owner)
    with st.expander(f"我的方案（{len(saved)}）", expanded=False, icon=":material/folder_open:"):
        if not saved:
            st.caption("还没有保存的方案：生成方案后会自动保存在这里，下周可以直接复制修改。")
        for item in saved:
            cols = st.columns([5, 1, 1])
            cols[0].markdown(core.safe_markdown(item.title))
            if cols[1].button("打开", key=f"open_{item.id}"):
                found = backend.open_plan(settings, owner, item.id)
                if found:
                    _fill_from(found.inputs, item.id)
                    st.session_state["plan_autodraft"] = True
                    st.rerun()
            if cols[2].button("复制到下周", key=f"copy_{item.id}"):
                _fill_from(backend.copy_plan(settings, owner, item.id), None)
                st.rerun()


def _downloads(plan, searcher, plan_id: str | None) -> None:
    stem = f"播前方案-{plan.inputs.get('streamer', '')}-{str(plan.inputs.get('broadcast_at', ''))[:10]}"
    ics, ics_name = backend.plan_ics(plan)
    cols = st.columns(4)
    cols[0].download_button("下载 Markdown", backend.plan_markdown(plan, searcher), file_name=f"{stem}.md",
                            mime="text/markdown", on_click="ignore", icon=":material/download:", width="stretch")
    cols[1].download_button("下载 JSON", json.dumps(backend.plan_json(plan), ensure_ascii=False, indent=2),
                            file_name=f"{stem}.json", mime="application/json", on_click="ignore",
                            icon=":material/download:", width="stretch")
    cols[2].download_button("预热日程 .ics", ics, file_name=ics_name, mime="text/calendar", on_click="ignore",
                            icon=":material/calendar_month:", width="stretch")
    cols[3].download_button("打印版 HTML", backend.plan_html(plan, searcher), file_name=f"{stem}.html", mime="text/html",
                            on_click="ignore", icon=":material/print:", width="stretch")
    if plan_id:
        links = st.columns(2)
        links[0].link_button("打印视图（只有方案）", f"?view=print&plan={plan_id}", icon=":material/print:", width="stretch")
        links[1].link_button("主播屏（第二块屏幕）", f"?view=cue&plan={plan_id}", icon=":material/cast:", width="stretch")


def _main() -> None:
    st.title("播前方案")
    st.caption("填好下面的信息，按手册生成一份播前方案：目标拆解、人设、货盘、预热、流量、流程（含口播提示）、分工、预案、合规、复盘。")
    st.button("填入示例", on_click=_fill_example, icon=":material/edit:")
    _saved_plans()
    _defaults()
    submitted, slots = _form()
    if submitted or st.session_state.pop("plan_autodraft", False):
        raw, problems, lines = _raw_inputs()
        inputs, found = backend.field_problems(raw)
        if problems:
            inputs, found = None, {**found, **problems}
        if inputs is None:
            st.session_state.pop("plan_result", None)
            total = sum(len(v) for v in found.values())
            st.error(f"计划输入无效（{total} 处），请按字段下面的提示修改后再生成；什么都没有保存。")
            for field, messages in found.items():
                slot = slots.get(field) or slots["products"]
                shown = _line_words(messages, lines) if field == "products" else messages
                slot.error("\n\n".join(core.safe_markdown(m) for m in shown), icon=":material/error:")
        else:
            searcher = core.searcher(settings)
            with st.spinner("正在生成方案……"):
                try:
                    plan = backend.draft_plan(inputs, searcher, settings, chat_model=core.chat_model(settings))
                except Exception as exc:  # noqa: BLE001
                    st.session_state.pop("plan_result", None)
                    st.error(f"方案生成失败：{core.safe_markdown(str(exc))}")
                else:
                    st.session_state["plan_result"] = plan
                    st.session_state["plan_id"] = backend.save_plan(settings, owner, plan, st.session_state.get("plan_id"))
    plan = st.session_state.get("plan_result")
    if plan:
        searcher = core.searcher(settings, fatal=False)
        inputs = plan.inputs
        when = str(inputs.get("broadcast_at", "")).replace("T", " ")
        st.subheader(f"{core.safe_markdown(str(inputs.get('streamer', '')))} · {when} 开播的播前方案")
        st.caption("已保存到“我的方案”。")
        if plan.notice:
            st.warning(plan.notice, icon=":material/warning:")
        for warning in plan.warnings:
            st.warning(core.safe_markdown(warning), icon=":material/report:")
        _downloads(plan, searcher, st.session_state.get("plan_id"))
        render_sections(plan.to_json(), searcher)


view = st.query_params.get("view")
if view in ("print", "cue"):
    saved = backend.open_plan(settings, owner, st.query_params.get("plan"))
    if saved is None:
        st.error("没有找到这份方案（链接不对，或者不是你的方案）。回到播前方案页重新打开。")
    elif view == "print":
        print_screen(saved.plan, core.searcher(settings, fatal=False))
    else:
        cue_screen(saved.plan)
else:
    _main()
