"""Altair charts of a show for the 复盘 and 播中看板 pages: one narrow chart per measure (online, entries, GMV),
each as wide as the page so it stays readable on a phone, with the plan's blocks shaded and the
findings' times marked.

Times go to Vega-Lite as ISO strings without a zone: parsed and shown in the browser's local time alike,
so the show's own clock (19:00 stays 19:00) is what the axis reads, across midnight too.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import altair as alt
import pandas as pd

MEASURES = (  # (column, title, mark)
    ("online", "在线人数", "line"),
    ("entries", "进入人数（每段）", "bar"),
    ("gmv", "成交金额（元，每段）", "bar"),
)
BLOCK_COLORS = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d", "#72b7b2", "#e45756", "#bab0ac"]
HEIGHT = 150


def _iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _frame(rows: Iterable[dict]) -> pd.DataFrame:
    data = pd.DataFrame([{**r, "t": _iso(r["at"])} for r in rows])
    return data


def _blocks_layer(blocks: Sequence[dict]) -> alt.Chart | None:
    if not blocks:
        return None
    frame = pd.DataFrame([{"start": b["start"], "end": b["end"], "环节": b["segment"], "k": i % len(BLOCK_COLORS)}
                          for i, b in enumerate(blocks)])
    return alt.Chart(frame).mark_rect(opacity=0.10).encode(
        x="start:T", x2="end:T",
        color=alt.Color("k:N", scale=alt.Scale(range=BLOCK_COLORS), legend=None),
        tooltip=[alt.Tooltip("环节:N"), alt.Tooltip("start:T", format="%H:%M", title="开始"), alt.Tooltip("end:T", format="%H:%M", title="结束")],
    )


def _spans_layer(spans: Sequence[dict]) -> alt.Chart | None:
    if not spans:
        return None
    frame = pd.DataFrame([{"start": _iso(s["start"]), "end": _iso(s["end"]), "问题": s["name"]} for s in spans])
    return alt.Chart(frame).mark_rect(color="#d62728", opacity=0.22).encode(x="start:T", x2="end:T", tooltip=["问题:N"])


def show_charts(rows: Sequence[dict], blocks: Sequence[dict] = (), spans: Sequence[dict] = (),
                measures: Sequence[tuple[str, str, str]] = MEASURES) -> list[alt.LayerChart | alt.Chart]:
    """One chart per measure over the show's clock; plan blocks shaded, finding spans in red."""
    data = _frame(rows)
    charts = []
    x = alt.X("t:T", title=None, axis=alt.Axis(format="%H:%M", labelAngle=0, tickCount=6, labelOverlap=True))
    for column, title, mark in measures:
        if column not in data or data[column].isna().all():
            continue
        base = alt.Chart(data)
        tooltip = [alt.Tooltip("label:N", title="时间"), alt.Tooltip(f"{column}:Q", title=title, format=",.0f")]
        if mark == "line":
            main = base.mark_line(point=len(data) <= 60, color="#1f77b4").encode(x=x, y=alt.Y(f"{column}:Q", title=None), tooltip=tooltip)
        else:
            main = base.mark_bar(color="#1f77b4", opacity=0.8).encode(x=x, y=alt.Y(f"{column}:Q", title=None), tooltip=tooltip)
        layers = [layer for layer in (_blocks_layer(blocks), _spans_layer(spans)) if layer is not None] + [main]
        charts.append(alt.layer(*layers).properties(height=HEIGHT, title=alt.Title(title, anchor="start", fontSize=13)))
    return charts


def pk_chart(a_rows: Sequence[dict], b_rows: Sequence[dict], a_name: str, b_name: str,
             column: str = "online", title: str = "在线人数（按开播后分钟对齐）") -> alt.Chart:
    """Two shows' curves on one axis of minutes since each one's start (直播PK)."""
    frame = pd.DataFrame([{"minute": r["minute"], "value": r.get(column), "场次": a_name} for r in a_rows]
                         + [{"minute": r["minute"], "value": r.get(column), "场次": b_name} for r in b_rows])
    return alt.Chart(frame).mark_line().encode(
        x=alt.X("minute:Q", title="开播后分钟"), y=alt.Y("value:Q", title=None),
        color=alt.Color("场次:N", legend=alt.Legend(orient="bottom", title=None, labelLimit=300)),
        tooltip=["场次:N", alt.Tooltip("minute:Q", title="分钟"), alt.Tooltip("value:Q", format=",.0f")],
    ).properties(height=HEIGHT + 40, title=alt.Title(title, anchor="start", fontSize=13))


def chart_rows(points: Iterable[Any]) -> list[dict]:
    """Rows of the live console's points (Interval records) in the shape ``show_charts`` reads."""
    points = list(points)
    start = points[0].start if points else None
    return [{"at": p.start, "label": p.start.strftime("%H:%M"), "minute": (p.start - start).total_seconds() / 60,
             "online": p.online, "entries": p.entries, "gmv": p.gmv, "orders": p.orders} for p in points]


def short_number(value: float) -> str:
    """A number short enough for a KPI tile on a phone: 9,876 · 1.2万 · 3.4亿."""
    if abs(value) >= 1e8:
        return f"{value / 1e8:.1f}亿"
    if abs(value) >= 1e4:
        return f"{value / 1e4:.1f}万".replace(".0万", "万")
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:.2f}"
