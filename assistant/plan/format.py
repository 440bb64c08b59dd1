"""How plan numbers and tables read: 1000万元, 3.5万元, 9.9元, 12.5%, 3月15日（周日，T-2）."""

from __future__ import annotations

import datetime as dt

WEEKDAYS = "一二三四五六日"


def yuan(x: float) -> str:
    """Money in a form operators read: 1000万元, 3.5万元, 399元, 9.9元."""
    if abs(x) >= 10_000:
        text = f"{x / 10_000:,.2f}".rstrip("0").rstrip(".")
        return f"{text}万元"
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{text}元"


def rough_yuan(x: float) -> str:
    """Money rounded to two significant figures, for estimates: 520万元, 6.1万元, 1,600元."""
    if x <= 0:
        return yuan(0)
    digits = len(str(int(x))) - 2
    return yuan(round(x, -digits) if digits > 0 else round(x, 1))


def count(x: float) -> str:
    return f"{round(x):,}"


def people(x: float) -> str:
    """A head count, rounded to what matters: 5.8万, 3,200."""
    if x >= 100_000_000:
        return f"{x / 100_000_000:.1f}".rstrip("0").rstrip(".") + "亿"
    if x >= 10_000:
        return f"{x / 10_000:.1f}".rstrip("0").rstrip(".") + "万"
    return count(x)


def pct(x: float) -> str:
    return f"{x * 100:.1f}".rstrip("0").rstrip(".") + "%"


def share_words(x: float) -> str:
    """A fraction as people say it: 约三成, 约一成半, 约5%."""
    words = {0.1: "一成", 0.15: "一成半", 0.2: "两成", 0.25: "两成半", 0.3: "三成", 0.4: "四成", 0.5: "五成"}
    for value, word in words.items():
        if abs(x - value) < 1e-9:
            return f"约{word}"
    return f"约{pct(x)}"


def minutes(x: float) -> str:
    return f"{round(x)}分钟"


def day_label(day: dt.date, show_day: dt.date) -> str:
    diff = (show_day - day).days
    tag = "开播当天" if diff == 0 else f"T-{diff}"
    return f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}，{tag}）"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    def cell(text: str) -> str:
        return str(text).replace("|", "／").replace("\n", " ")

    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return out
