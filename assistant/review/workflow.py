"""A review as the CLI and the 复盘 page run it: files in, the account's own history read, the result stored
on request; and a stored show reviewed again.

``review_upload`` reads everything first (show data, products, plan: every problem raised before anything
is written), compares the show with the account's earlier stored shows (the median of up to 10, at least
``MIN_HISTORY`` of them, never the show itself), and stores it when ``save`` is set. A file with clock
times only (``HH:MM``) is dated by the plan's broadcast day, else by ``today`` (the stored show needs a
day to sort the account's history); the report still shows no date it was not given. Saving the same show
twice keeps one copy.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterable, Mapping

from assistant.review.benchmarks import BenchmarkSet
from assistant.review.errors import StoreError
from assistant.review.metrics import product_metrics, show_totals
from assistant.review.models import PlanInfo, ProductRow, ShowData
from assistant.review.parse import read_products, read_show
from assistant.review.plan_file import load_plan
from assistant.review.report import ReviewResult
from assistant.review.service import handbook_benchmarks, review_show
from assistant.review.store import DB_NAME, ReviewStore

HISTORY_SHOWS = 10


@dataclass(frozen=True)
class Handbook:
    """What a review reads of the handbook: the lines, the goal cards, every card id (and title)."""

    benchmarks: BenchmarkSet
    goal_cards: tuple[str, ...]
    card_ids: frozenset[str]
    titles: Mapping[str, str]

    @classmethod
    def from_dir(cls, cards_dir) -> "Handbook":
        """The handbook of a cards folder, read again only when a card file changes (kept per process)."""
        return _handbook_of(str(cards_dir), cards_signature(cards_dir))

    @classmethod
    def from_cards(cls, cards: Iterable[Any] | None = None) -> "Handbook":
        if cards is None:
            from playbook.loader import load_cards
            from settings import load_settings

            cards = load_cards(load_settings().cards_dir)
        cards = list(cards)
        benchmarks, goal_cards, ids = handbook_benchmarks(cards)
        return cls(benchmarks, goal_cards, ids, {c.id: c.title for c in cards})


def cards_signature(cards_dir) -> tuple:
    """(path, mtime) of every card file: what decides whether the handbook must be read again."""
    from pathlib import Path

    return tuple((str(f), f.stat().st_mtime_ns) for f in sorted(Path(cards_dir).rglob("*.md")))


@functools.lru_cache(maxsize=4)
def _handbook_of(cards_dir: str, signature: tuple) -> Handbook:
    from playbook.loader import load_cards

    return Handbook.from_cards(load_cards(cards_dir))


@dataclass(frozen=True)
class Reviewed:
    result: ReviewResult
    show_id: str | None = None      # the stored show (None when not saved)
    already_saved: bool = False     # the same show was stored before; that copy is kept
    account: str = ""


def _plan(plan: Any) -> PlanInfo | None:
    if plan is None or isinstance(plan, PlanInfo):
        return plan
    return load_plan(plan)


def _known_goal_sources(plan: PlanInfo | None, handbook: Handbook) -> PlanInfo | None:
    if plan is None or not plan.goal_sources:
        return plan
    return replace(plan, goal_sources=tuple(s for s in plan.goal_sources if s in handbook.card_ids))


def account_of(account: str | None, plan: PlanInfo | None) -> str:
    """The account the show belongs to: the one given, else the plan's streamer, else '' (the default)."""
    if account is not None and account.strip():
        return account.strip()
    return plan.streamer.strip() if plan is not None and plan.streamer else ""


def open_store(data_dir, *, create: bool) -> ReviewStore | None:
    """The store under ``data_dir``; None when there is none yet and ``create`` is False (a review
    that stores nothing leaves no file behind)."""
    from pathlib import Path

    if not create and not (Path(data_dir) / DB_NAME).exists():
        return None
    return ReviewStore(data_dir)


def _history(store: ReviewStore | None, owner: str, account: str, show: ShowData, dated: bool,
             exclude: str | None) -> list[dict]:
    if store is None:
        return []
    before = show.start.isoformat(timespec="minutes") if dated else None
    return store.previous_totals(owner, account, before=before, limit=HISTORY_SHOWS, exclude=exclude)


def review_parsed(show: ShowData, products: tuple[ProductRow, ...], plan: PlanInfo | None, *, handbook: Handbook,
                  store: ReviewStore | None = None, owner: str = "", account: str | None = None, dated: bool | None = None,
                  break_even: float | None = None, save: bool = False, title: str = "", inputs: dict | None = None,
                  exclude: str | None = None) -> Reviewed:
    """Review parsed data with the account's history; store it when ``save`` (``store`` required then)."""
    plan = _known_goal_sources(plan, handbook)
    name = account_of(account, plan)
    if dated is None:
        dated = show.dated or bool(plan and plan.broadcast_at)
    started = show.start.isoformat(timespec="minutes")
    same = None
    if store is not None:
        same = store.find_same(owner, name, started, show_totals(show.intervals, product_metrics(products)))
    history = _history(store, owner, name, show, dated, exclude or same)
    result = review_show(show, products=products, plan=plan, benchmarks=handbook.benchmarks, history=history,
                         break_even=break_even, goal_sources=handbook.goal_cards, account=name)
    if not save:
        return Reviewed(result, account=name)
    if store is None:
        raise StoreError("没有可用的场次存储（数据目录）")
    if same is not None:
        return Reviewed(result, same, already_saved=True, account=name)
    record = dict(inputs or {})
    record.setdefault("dated", dated)
    record.setdefault("products", [p.__dict__ for p in products])
    if plan is not None:
        record.setdefault("plan", dict(plan.raw))
    if break_even is not None:
        record.setdefault("break_even", break_even)
    show_id = store.save_show(owner, name, result, title=title or default_title(result), inputs=record)
    return Reviewed(result, show_id, account=name)


def default_title(result: ReviewResult) -> str:
    who = result.account or (result.plan.streamer if result.plan else "")
    return f"{who + ' ' if who else ''}{result.show.start:%m-%d %H:%M} 起 {result.show.minutes} 分钟"


def review_upload(data: bytes | str, *, data_name: str = "数据文件", products: bytes | str | None = None,
                  products_name: str = "商品文件", plan: bytes | str | Mapping[str, Any] | None = None,
                  handbook: Handbook, store: ReviewStore | Callable[[], ReviewStore | None] | None = None, owner: str = "",
                  account: str | None = None, break_even: float | None = None, save: bool = False, title: str = "",
                  today: dt.date | None = None) -> Reviewed:
    """Files (bytes or CSV text) → a review; ShowDataError / PlanFileError (every problem, row and
    column) before anything is stored. ``store`` may be a function that opens it (called after parsing)."""
    plan_info = _plan(plan)
    day0 = plan_info.broadcast_at.date() if plan_info and plan_info.broadcast_at else (today or dt.date.today())
    show = read_show(data, source=data_name, day0=day0)
    rows = read_products(products, source=products_name) if products else ()
    dated = show.dated or bool(plan_info and plan_info.broadcast_at)
    if callable(store):  # opened only once the files are known to be valid (nothing is created before)
        store = store()
    return review_parsed(show, rows, plan_info, handbook=handbook, store=store, owner=owner, account=account, dated=dated,
                         break_even=break_even, save=save, title=title, inputs={"source": data_name, "show_dated": show.dated})


def reopen_show(store: ReviewStore, owner: str, show_id: str, *, handbook: Handbook) -> Reviewed:
    """A stored show reviewed again (its series, products and plan) against today's handbook."""
    stored = store.get_show(owner, show_id)
    if stored is None:
        raise StoreError(f"没有这场已保存的直播（{show_id}）")
    inputs = stored.inputs or {}
    intervals = stored.intervals()
    columns = frozenset(k for k in ("exposures", "avg_stay_seconds", "comments", "new_followers", "ad_spend")
                        if any(getattr(i, k) is not None for i in intervals))
    show = ShowData(intervals=tuple(intervals), columns=columns, dated=bool(inputs.get("show_dated")),
                    source=str(inputs.get("source") or stored.title))
    products = tuple(ProductRow(**p) for p in inputs.get("products") or ())
    plan = load_plan(inputs["plan"]) if inputs.get("plan") else None
    reviewed = review_parsed(show, products, plan, handbook=handbook, store=store, owner=owner, account=stored.account,
                             dated=bool(inputs.get("dated")), break_even=inputs.get("break_even"), exclude=show_id)
    return Reviewed(reviewed.result, show_id, already_saved=True, account=stored.account)
