"""Chinese number formatting for findings, alerts and the report."""

from __future__ import annotations


def count(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100000:
        return f"{value / 10000:.1f}万".replace(".0万", "万")
    return f"{value:,.0f}"


def yuan(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100000:
        return f"{value / 10000:,.1f}万元".replace(".0万", "万")
    if abs(value) >= 100:
        return f"{value:,.0f} 元"
    return f"{value:.2f} 元"


def pct(value: float | None) -> str:
    if value is None:
        return "—"
    p = value * 100
    return f"{p:.1f}%" if abs(p) < 10 else f"{p:.0f}%"


def signed_pct(value: float | None) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + pct(value)


def by_unit(value: float | None, unit: str) -> str:
    """A value in the benchmark's unit: ratio → %, seconds → 秒, yuan → 元, multiple → plain number."""
    if value is None:
        return "—"
    if unit == "ratio":
        return pct(value)
    if unit == "seconds":
        return f"{value:.0f} 秒"
    if unit == "yuan":
        return f"{value:,.0f} 元" if abs(value) >= 100 else f"{value:.2f} 元"
    return f"{value:.2f}"
