"""The live console's engine: the series so far in, the handbook's contingency actions out.

Pure functions. The series is the same Interval records as a review (pasted export so far, or
numbers typed in every few minutes: ``live_point`` validates one, ``from_cumulative`` turns the
dashboard's running totals into per-interval figures). ``live_status`` replays the rules over every
prefix of the series, so the alerts are a function of the stored series alone: a reload or a second
device shows the same alerts, and an alert never repeats while its condition lasts.

Rules, each against this show's own running baseline and the handbook line (benchmarks):
- online_drop: online now vs the median online of the previous ``window_minutes`` (benchmark,
  default 10): fell by ``concern`` or more, from ``MIN_ONLINE`` viewers and by ``MIN_FALL``.
- conversion_rate: the last ``RECENT`` minutes (with ``MIN_RECENT_ENTRIES`` entries) below the
  handbook line, or below half of this show's conversion before them (``MIN_BASE_ENTRIES``).
- avg_stay: the last ``RECENT`` minutes' stay below the line, or below 70 % of the show's so far.
- ad_roi: the last ``RECENT`` minutes' average online ≥30 % under the show's best ``RECENT``-minute
  stretch so far while the spend per minute stays at ≥80 % of that stretch's.
Nothing fires in the first ``WARMUP`` minutes except online_drop. Debounce: an alert fires when its
condition starts to hold, and again only after the condition cleared and ``COOLDOWN`` minutes passed.
"""

from __future__ import annotations

import bisect
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Sequence

from assistant.review.benchmarks import BenchmarkSet
from assistant.review.errors import LiveInputError
from assistant.review.findings import past_far
from assistant.review.fmt import by_unit, count, pct
from assistant.review.metrics import stretch_totals
from assistant.review.models import OPTIONAL_FIELDS, Interval, PlanBlock, PlanInfo, ShowData, hhmm
from assistant.review.parse import NOMINAL_DAY, parse_number, parse_time
from assistant.review.plan_file import blocks_at

RECENT = 15
WARMUP = 10
COOLDOWN = 15
MIN_ONLINE, MIN_FALL = 30, 20
MIN_RECENT_ENTRIES, MIN_BASE_ENTRIES = 150, 300
DEFAULT_STEP = 5.0
FIELD_NAMES = {"time": "时间", "online": "在线人数", "entries": "进入人数", "orders": "成交单数", "gmv": "成交金额",
               "avg_stay_seconds": "平均停留时长", "ad_spend": "投流消耗"}


@dataclass(frozen=True)
class LiveAlert:
    metric: str
    severity: str
    at: datetime
    value: float
    threshold: str
    message: str
    action: str
    sources: tuple[str, ...]

    @property
    def time(self) -> str:
        return hhmm(self.at)

    def to_json(self) -> dict[str, Any]:
        return {"metric": self.metric, "severity": self.severity, "time": self.time, "value": round(self.value, 4),
                "threshold": self.threshold, "message": self.message, "action": self.action, "sources": list(self.sources)}


@dataclass(frozen=True)
class LiveStatus:
    alerts: tuple[LiveAlert, ...]          # every alert fired so far, oldest first
    latest: tuple[LiveAlert, ...]          # fired at the last point
    active: frozenset[str]                 # metrics whose condition holds at the last point
    totals: dict[str, Any]
    current_block: PlanBlock | None = None
    next_block: PlanBlock | None = None


def live_point(clock: Any, online: Any, entries: Any, orders: Any, gmv: Any, avg_stay_seconds: Any = None,
               ad_spend: Any = None, *, previous: Interval | None = None, day0: date | None = None) -> Interval:
    """One typed-in interval, validated (LiveInputError names the field); the time may cross midnight."""
    values: dict[str, float | None] = {}
    raw = {"online": online, "entries": entries, "orders": orders, "gmv": gmv, "avg_stay_seconds": avg_stay_seconds, "ad_spend": ad_spend}
    for key, cell in raw.items():
        try:
            value = parse_number(cell)
        except ValueError as exc:
            raise LiveInputError(f"「{FIELD_NAMES[key]}」{exc}") from None
        if value is None and key in ("online", "entries", "orders", "gmv"):
            raise LiveInputError(f"「{FIELD_NAMES[key]}」没有填")
        if value is not None and value < 0:
            raise LiveInputError(f"「{FIELD_NAMES[key]}」不能是负数")
        values[key] = value
    try:
        moment = parse_time(clock)
    except ValueError as exc:
        raise LiveInputError(f"「时间」{exc}") from None
    if moment is None:
        raise LiveInputError("「时间」没有填")
    if isinstance(moment, time):
        base = previous.start.date() if previous else (day0 or NOMINAL_DAY)
        moment = datetime.combine(base, moment)
        if previous is not None and moment <= previous.start and moment + timedelta(days=1) - previous.start <= timedelta(hours=2):
            moment += timedelta(days=1)
    if previous is not None and moment <= previous.start:
        raise LiveInputError(f"「时间」{hhmm(moment)} 不晚于上一条（{previous.label}）")
    if previous is not None and moment - previous.start > timedelta(minutes=15):
        raise LiveInputError(f"「时间」与上一条（{previous.label}）相隔超过 15 分钟：请补上中间的数，或按累计数填")
    step = (moment - previous.start).total_seconds() / 60 if previous else DEFAULT_STEP
    return Interval(start=moment, minutes=step, **values)


def from_cumulative(readings: Sequence[Interval]) -> list[Interval]:
    """Readings of running totals (entries, orders, gmv, ad_spend since the start) → per-interval figures."""
    out: list[Interval] = []
    for k, r in enumerate(readings):
        prev = readings[k - 1] if k else None
        delta = {}
        for key in ("entries", "orders", "gmv", "ad_spend"):
            now, before = getattr(r, key), (getattr(prev, key) if prev else 0.0) or 0.0
            if now is not None and now < before:
                raise LiveInputError(f"{r.label} 的累计「{FIELD_NAMES[key]}」比上一条小（{now:g} < {before:g}）")
            delta[key] = None if now is None else now - before
        out.append(Interval(start=r.start, minutes=r.minutes, online=r.online, avg_stay_seconds=r.avg_stay_seconds, row=r.row, **delta))
    return out


def as_show(intervals: Sequence[Interval], source: str = "播中记录") -> ShowData:
    """The live series as ShowData (to review it after the show); interval lengths from the times."""
    fixed = []
    for k, i in enumerate(intervals):
        minutes = (intervals[k + 1].start - i.start).total_seconds() / 60 if k + 1 < len(intervals) else i.minutes
        fixed.append(Interval(**{**i.__dict__, "minutes": minutes}))
    columns = frozenset(f for f in OPTIONAL_FIELDS if any(getattr(i, f) is not None for i in intervals))
    return ShowData(intervals=tuple(fixed), columns=columns, source=source)


def _since(starts: list[datetime], moment: datetime) -> int:
    return bisect.bisect_left(starts, moment)


class _Prefix:
    """Running sums of the series so that "the show before the last minutes" costs O(1) per point."""

    def __init__(self, series: Sequence[Interval]):
        self.entries, self.orders, self.stay, self.stay_weight = [0.0], [0.0], [0.0], [0.0]
        for i in series:
            self.entries.append(self.entries[-1] + i.entries)
            self.orders.append(self.orders[-1] + i.orders)
            has = i.avg_stay_seconds is not None
            self.stay.append(self.stay[-1] + (i.avg_stay_seconds * i.entries if has else 0.0))
            self.stay_weight.append(self.stay_weight[-1] + (i.entries if has else 0.0))

    def before(self, cut: int) -> dict[str, float | None]:
        """Entries, conversion and stay of the points before index ``cut``."""
        entries = self.entries[cut]
        return {"entries": entries, "conversion_rate": self.orders[cut] / entries if entries else None,
                "avg_stay_seconds": self.stay[cut] / self.stay_weight[cut] if self.stay_weight[cut] else None}


def _conditions(series: Sequence[Interval], k: int, starts: list[datetime], benchmarks: BenchmarkSet, peak: dict,
                prefix: _Prefix) -> dict[str, tuple]:
    """{metric: (severity, value, threshold, message)} for the conditions holding at point k."""
    now = series[k]
    out: dict[str, tuple] = {}
    begin = series[0].start
    drop = benchmarks.get("online_drop")
    if drop is not None:
        window = [i.online for i in series[_since(starts, now.start - timedelta(minutes=drop.window_minutes or 10)):k]]
        if window:
            base = statistics.median(window)
            fall = (base - now.online) / base if base else 0.0
            if base >= MIN_ONLINE and base - now.online >= MIN_FALL and fall >= drop.concern:
                out["online_drop"] = ("high" if past_far(drop, fall) else "medium", fall, drop.line_text(),
                                      f"在线 {count(now.online)}，比前 {drop.window_minutes or 10} 分钟的 {count(base)} 少了 {pct(fall)}")
    if now.start - begin < timedelta(minutes=WARMUP):
        return out
    cut = _since(starts, now.start - timedelta(minutes=RECENT - 1e-6))
    recent, before = stretch_totals(series[cut:k + 1]), prefix.before(cut)
    conv = benchmarks.get("conversion_rate")
    if conv is not None and recent["entries"] >= MIN_RECENT_ENTRIES and recent["conversion_rate"] is not None:
        value, base = recent["conversion_rate"], before["conversion_rate"] if before["entries"] >= MIN_BASE_ENTRIES else None
        if conv.weak(value) or (base and value < 0.5 * base):
            out["conversion_rate"] = ("medium", value, conv.line_text(), f"近 {RECENT} 分钟看播转化 {pct(value)}" + (f"，本场之前 {pct(base)}" if base else ""))
    stay = benchmarks.get("avg_stay")
    if stay is not None and recent.get("avg_stay_seconds") is not None:
        value, base = recent["avg_stay_seconds"], before["avg_stay_seconds"]
        if stay.weak(value) or (base and value < 0.7 * base):
            out["avg_stay"] = ("medium", value, stay.line_text(), f"近 {RECENT} 分钟平均停留 {by_unit(value, 'seconds')}" + (f"，本场之前 {by_unit(base, 'seconds')}" if base else ""))
    roi = benchmarks.get("ad_roi")
    if roi is not None and recent.get("ad_spend") is not None and recent["minutes"] >= RECENT - 1e-6:
        rate = recent["ad_spend"] / recent["minutes"]
        if rate > 0 and (not peak or recent["avg_online"] > peak["online"]):
            peak.update(online=recent["avg_online"], rate=rate)
        elif peak and recent["avg_online"] <= 0.7 * peak["online"] and rate >= 0.8 * peak["rate"]:
            out["ad_roi"] = ("high", recent.get("ad_roi") or 0.0, "人少时减投，高峰时再加",
                             f"近 {RECENT} 分钟平均在线 {count(recent['avg_online'])}（本场最高 {count(peak['online'])}），投流每分钟 {rate:.0f} 元没减")
    return out


def live_status(series: Sequence[Interval], benchmarks: BenchmarkSet, plan: PlanInfo | None = None,
                now: datetime | None = None) -> LiveStatus:
    """Alerts over the series (debounced, see the module rules), its totals, and the plan's current/next block."""
    series = list(series)
    starts = [i.start for i in series]
    alerts: list[LiveAlert] = []
    last_fired: dict[str, datetime] = {}
    active: set[str] = set()
    latest: list[LiveAlert] = []
    peak: dict = {}
    prefix = _Prefix(series)
    for k in range(len(series)):
        holding = _conditions(series, k, starts, benchmarks, peak, prefix)
        latest = []
        for metric, (severity, value, threshold, message) in holding.items():
            fired = last_fired.get(metric)
            if metric in active or (fired is not None and series[k].start - fired < timedelta(minutes=COOLDOWN)):
                continue
            bench = benchmarks.get(metric)
            alert = LiveAlert(metric=metric, severity=severity, at=series[k].start, value=value, threshold=threshold,
                              message=message, action=bench.action, sources=bench.cards)
            alerts.append(alert)
            latest.append(alert)
            last_fired[metric] = series[k].start
        active = set(holding)
    current = nxt = None
    if plan is not None and (series or now):
        moment = now or series[-1].end
        current, nxt = blocks_at(plan, moment, series[0].start if series else None)
    return LiveStatus(alerts=tuple(alerts), latest=tuple(latest), active=frozenset(active),
                      totals=stretch_totals(series) if series else {}, current_block=current, next_block=nxt)
