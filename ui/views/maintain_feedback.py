"""维护 · 待补写的问题: what users asked that the handbook served badly (grouped, most frequent first)
beside the 👎 feedback, each with the answer that was given. Aggregates only. Rendered by
ui/views/maintain.py (not a page of its own)."""

from __future__ import annotations

import streamlit as st

from ui import backend, core

PERIODS = {7: "最近 7 天", 30: "最近 30 天", 90: "最近 90 天", 0: "全部"}
SHOWN = 20


def _gaps(settings, store, searcher, days: int) -> None:
    try:
        report = backend.handbook_gaps(settings, store, days=days or None, searcher=searcher)
    except Exception as exc:  # noqa: BLE001 - the report is a help, never a blocker
        st.error(f"统计失败：{core.safe_markdown(str(exc))}")
        return
    names = backend.gap_reason_names()
    if not report:
        st.info("这段时间没有被拒答、被点 👎 或证据不足的问题。")
        return
    st.caption(f"共 {len(report)} 组问题（意思相同的问法合为一组），按次数排列：")
    for gap in report[:SHOWN]:
        with st.container(border=True):
            reasons = "，".join(f"{names[r]} {n}" for r, n in gap.reasons.items())
            st.markdown(f"**{core.safe_markdown(gap.question)}** · {gap.count} 次")
            st.caption(f"{reasons} · 最近 {backend.local_time(settings, gap.last_asked)}"
                       + (f" · 引用过：{'、'.join(gap.cards[:3])}" if gap.cards else ""))
            if gap.variants:
                st.caption("也问作：" + "；".join(core.safe_markdown(v) for v in gap.variants[:5]))
            for i, answer in enumerate(gap.answers):
                with st.expander(f"👎 给出的回答 {i + 1}" + (f"（原因：{answer['feedback']}）" if answer["feedback"] else "")):
                    core.md(answer["answer"])


def _thumbs_down(settings, store) -> None:
    st.subheader("回答反馈")
    counts = store.feedback_summary()
    c1, c2 = st.columns(2)
    c1.metric("有用", counts["up"])
    c2.metric("没用", counts["down"])
    rows = backend.thumbs_down(store, limit=SHOWN)
    if not rows:
        return
    st.caption("最近的“没用”反馈：问题、原因和当时给出的回答")
    for r in rows:
        label = f"{r['question'] or '（问题缺失）'} — {r['reason'] or '（未写原因）'}"
        with st.expander(core.safe_markdown(label)):
            st.caption(backend.local_time(settings, r["updated_at"]))
            core.md(r["answer"])


def render(settings, store, searcher=None) -> None:
    st.subheader("待补写的问题")
    st.caption("被拒答（超出手册范围）、被点 👎、或只凭很弱的证据回答的问题：维护者据此决定补写哪些卡片。")
    days = st.selectbox("时间范围", list(PERIODS), index=1, format_func=PERIODS.get, key="gaps_days")
    _gaps(settings, store, searcher, days)
    _thumbs_down(settings, store)
