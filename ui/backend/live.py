"""播中看板: live sessions of the signed-in user, the numbers typed in (or an export pasted) every few
minutes, the alerts with the handbook's actions, the plan's current and next block, and the review after.

The series lives in the review store (one row per point, committed before the call returns), so a
reload or a second device shows the same series and, since the alerts are replayed from the series,
the same alerts. Typed numbers may be the dashboard's running totals (``cumulative``): they are turned
into per-interval figures against the sum of the points so far.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.review import LiveInputError, PlanFileError, ReviewError, ShowDataError, StoreError, live_point, live_status, load_plan
from assistant.review.contingency import ContingencyRule, contingency_rules
from assistant.review.live import LiveStatus, as_show
from assistant.review.models import Interval, PlanInfo
from assistant.review.parse import read_show
from assistant.review.plan_file import align_blocks
from assistant.review.store import LiveSession, ReviewStore
from assistant.review.workflow import cards_signature, review_parsed
from settings import Settings
from ui.backend.review import ReviewOutcome, owner, review_handbook

RUNNING = ("entries", "orders", "gmv", "ad_spend")
FIELD_LABELS = {"entries": "进入人数", "orders": "成交单数", "gmv": "成交金额", "ad_spend": "投流消耗"}


@dataclass(frozen=True)
class LiveView:
    session: LiveSession
    points: tuple[Interval, ...]
    status: LiveStatus
    plan: PlanInfo | None = None
    rules: dict[str, tuple[ContingencyRule, ...]] = field(default_factory=dict)
    running: dict[str, float] = field(default_factory=dict)   # sums so far (what a cumulative reading subtracts)
    next_time: str = ""                                        # the suggested time of the next point
    names: dict[str, str] = field(default_factory=dict)        # alert metric → the handbook's name of it

    def blocks(self) -> list[dict[str, Any]]:
        """The plan's blocks on this show's clock (for shading the curves); [] without a plan or points."""
        if self.plan is None or not self.points:
            return []
        return [{"start": a.isoformat(timespec="minutes"), "end": b.isoformat(timespec="minutes"), "segment": block.segment,
                 "products": list(block.products)} for block, a, b in align_blocks(self.plan, self.points[0].start)]

    def alert_spans(self) -> list[dict[str, Any]]:
        """Each alert as a short span at its point (for marking the curves)."""
        length = {p.start: p.minutes for p in self.points}
        return [{"start": a.at, "end": a.at + dt.timedelta(minutes=length.get(a.at, 5.0)), "name": self.names.get(a.metric, a.metric),
                 "severity": a.severity} for a in self.status.alerts]


def _store(settings: Settings) -> ReviewStore:
    return ReviewStore(settings.data_dir)


@functools.lru_cache(maxsize=4)
def _rules(cards_dir: str, signature: tuple) -> dict[str, tuple[ContingencyRule, ...]]:
    from playbook.loader import load_cards

    return contingency_rules(load_cards(Path(cards_dir)))


def handbook_rules(settings: Settings) -> dict[str, tuple[ContingencyRule, ...]]:
    """live metric → the handbook's contingency rules for it (condition → action, card)."""
    return _rules(str(settings.cards_dir), cards_signature(settings.cards_dir))


def live_sessions(settings: Settings) -> list[LiveSession]:
    return _store(settings).list_sessions(owner())


def start_live_session(settings: Settings, title: str = "", account: str = "", plan: bytes | None = None) -> tuple[str | None, str]:
    """(session id, "") or (None, the error: the plan file is unusable)."""
    plan_json = None
    if plan:
        try:
            info = load_plan(plan)
        except PlanFileError as exc:
            return None, str(exc)
        plan_json = dict(info.raw)
        account = account or info.streamer
    session_id = _store(settings).start_session(owner(), account.strip(), title=title.strip(), plan=plan_json)
    return session_id, ""


def _sums(points: list[Interval]) -> dict[str, float]:
    return {k: sum(getattr(p, k) or 0.0 for p in points) for k in RUNNING}


def _next_time(points: list[Interval]) -> str:
    if not points:
        return ""
    step = points[-1].minutes if len(points) > 1 else 5.0
    return (points[-1].start + dt.timedelta(minutes=step)).strftime("%H:%M")


def live_view(settings: Settings, session_id: str) -> LiveView | None:
    """The session as the page shows it; None when it does not exist for the signed-in user."""
    store = _store(settings)
    session = store.get_session(owner(), session_id)
    if session is None:
        return None
    points = store.points(owner(), session_id)
    plan = None
    if session.plan:
        try:
            plan = load_plan(session.plan)
        except PlanFileError:
            plan = None
    benchmarks = review_handbook(settings).benchmarks
    status = live_status(points, benchmarks, plan)
    return LiveView(session=session, points=tuple(points), status=status, plan=plan, rules=handbook_rules(settings),
                    running=_sums(points), next_time=_next_time(points), names={m: b.name for m, b in benchmarks.items.items()})


def add_live_point(settings: Settings, session_id: str, *, clock: Any, online: Any, entries: Any, orders: Any, gmv: Any,
                   avg_stay_seconds: Any = None, ad_spend: Any = None, cumulative: bool = False) -> str:
    """Validate and store one point; "" or the Chinese error (the field named; nothing stored). A point at the
    time of the last one corrects it."""
    store = _store(settings)
    try:
        points = store.points(owner(), session_id)
        clock_text = str(clock or "").strip()
        correcting = bool(points) and clock_text in (points[-1].label, points[-1].start.strftime("%H:%M:%S"))
        before = points[:-1] if correcting else points
        day0 = points[0].start.date() if points else dt.date.today()
        point = live_point(clock_text, online, entries, orders, gmv, avg_stay_seconds, ad_spend,
                           previous=before[-1] if before else None, day0=day0)
        if cumulative:
            sums = _sums(before)
            delta = {}
            for key in RUNNING:
                now = getattr(point, key)
                if now is not None and now < sums[key] - 1e-9:
                    raise LiveInputError(f"「{FIELD_LABELS[key]}」累计数 {now:g} 比之前的合计 {sums[key]:g} 小：是不是填了这几分钟的数？"
                                         "请取消勾选「按累计数填」")
                delta[key] = None if now is None else now - sums[key]
            point = replace(point, **delta)
        store.append_point(owner(), session_id, point)
    except (LiveInputError, StoreError) as exc:
        return str(exc)
    return ""


def paste_live_export(settings: Settings, session_id: str, text: str | bytes) -> tuple[int, str]:
    """Points from an export so far (the review's columns, one row per interval); (points stored, error).
    Rows at the time of stored points replace them; all rows are stored or none."""
    store = _store(settings)
    try:
        points = store.points(owner(), session_id)
        day0 = points[0].start.date() if points else dt.date.today()
        show = read_show(text, source="粘贴的数据", day0=day0)
        store.append_points(owner(), session_id, list(show.intervals))
    except (ShowDataError, StoreError) as exc:
        return 0, str(exc)
    return len(show.intervals), ""


def remove_last_point(settings: Settings, session_id: str) -> bool:
    store = _store(settings)
    points = store.points(owner(), session_id)
    if not points:
        return False
    store.remove_point(owner(), session_id, points[-1].start)
    return True


def delete_live_session(settings: Settings, session_id: str) -> bool:
    return _store(settings).delete_session(owner(), session_id)


def finish_live_session(settings: Settings, session_id: str, save: bool = True) -> ReviewOutcome:
    """The review of the series so far (stored as a show of the session's account when ``save``)."""
    view = live_view(settings, session_id)
    if view is None:
        return ReviewOutcome(error="没有这个播中记录")
    if len(view.points) < 2:
        return ReviewOutcome(error="至少记录两个时间点才能复盘")
    try:
        reviewed = review_parsed(as_show(view.points), (), view.plan, handbook=review_handbook(settings), store=_store(settings),
                                 owner=owner(), account=view.session.account, dated=True, save=save,
                                 title=view.session.title, inputs={"source": "播中看板", "show_dated": True})
    except ReviewError as exc:
        return ReviewOutcome(error=str(exc))
    return ReviewOutcome(reviewed.result, show_id=reviewed.show_id, already_saved=reviewed.already_saved, label=view.session.title)
