"""复盘: review uploaded files, the example shows, the signed-in user's stored shows, and two shows side by side.

Every call works for ``backend.current_owner()`` (the store filters by it). Bad files never raise into the page:
the functions return a :class:`ReviewOutcome` whose ``error`` is the Chinese message naming every row and
column, and nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.review import PlanFileError, ReviewError, ShowDataError, StoreError
from assistant.review.examples import __file__ as _examples_file
from assistant.review.findings import SEVERITY_NAMES
from assistant.review.report import ReviewResult, pk_rows, value_text
from assistant.review.workflow import Handbook, Reviewed, open_store, reopen_show, review_upload
from settings import Settings

def owner() -> str:
    """The signed-in user (``backend.current_owner()``, looked up at call time wherever it is defined)."""
    from ui import backend

    return backend.current_owner()


EXAMPLES_DIR = Path(_examples_file).resolve().parent
# key -> (label, data file, products file, plan file); all SYNTHETIC (assistant/review/examples/README.md)
EXAMPLES: dict[str, tuple[str, str, str | None, str | None]] = {
    "viewer_drop": ("掉人的一场（20:45 在线骤降）", "viewer_drop.csv", "healthy_products.csv", "plan.json"),
    "healthy": ("健康的一场（没有问题）", "healthy.csv", "healthy_products.csv", "plan.json"),
    "low_stay": ("停留太短的一场（GB18030、中文表头）", "low_stay_gb18030.csv", None, None),
    "low_conversion": ("转化太低的一场", "low_conversion.csv", None, None),
    "spend_falling": ("人少了投流没减的一场", "spend_falling.csv", None, None),
    "not_bought": ("有人点没人买的商品", "healthy.csv", "product_not_bought_products.csv", "plan.json"),
    "refunds": ("退款太多的一场", "healthy.csv", "high_refunds_products.csv", None),
    "midnight": ("跨午夜的一场（22:00–02:00）", "midnight_utf8bom.csv", None, None),
}


@dataclass(frozen=True)
class ReviewOutcome:
    """A review for the page, or the error to show (then nothing was stored)."""

    result: ReviewResult | None = None
    error: str = ""
    show_id: str | None = None
    already_saved: bool = False
    label: str = ""

    @property
    def ok(self) -> bool:
        return self.result is not None


def review_handbook(settings: Settings) -> Handbook:
    """The handbook's lines and card titles (read again when a card file changes)."""
    return Handbook.from_dir(settings.cards_dir)


def card_titles(settings: Settings) -> dict[str, str]:
    return dict(review_handbook(settings).titles)


def _outcome(reviewed: Reviewed, label: str = "") -> ReviewOutcome:
    return ReviewOutcome(reviewed.result, show_id=reviewed.show_id, already_saved=reviewed.already_saved, label=label)


def _failed(exc: Exception) -> ReviewOutcome:
    return ReviewOutcome(error=str(exc))


def review_files(settings: Settings, data: bytes, data_name: str, *, products: bytes | None = None,
                 products_name: str = "商品文件", plan: bytes | None = None, account: str = "",
                 break_even: float | None = None, save: bool = False, title: str = "") -> ReviewOutcome:
    """Review uploaded files (CSV in any supported encoding or XLSX; the plan as JSON)."""
    try:
        reviewed = review_upload(data, data_name=data_name, products=products or None, products_name=products_name,
                                 plan=plan or None, handbook=review_handbook(settings),
                                 store=lambda: open_store(settings.data_dir, create=save), owner=owner(),
                                 account=account or None, break_even=break_even, save=save, title=title)
    except (ShowDataError, PlanFileError, StoreError) as exc:
        return _failed(exc)
    return _outcome(reviewed, data_name)


def example_files(key: str) -> dict[str, Any]:
    """The files of an example show: {"data": (name, bytes), "products": ..., "plan": ...} (None when absent)."""
    label, data, products, plan = EXAMPLES[key]
    read = lambda name: (name, (EXAMPLES_DIR / name).read_bytes()) if name else None  # noqa: E731
    return {"label": label, "data": read(data), "products": read(products), "plan": read(plan)}


def review_example(settings: Settings, key: str) -> ReviewOutcome:
    """The review of a synthetic example show (never stored; compared with no history)."""
    if key not in EXAMPLES:
        return ReviewOutcome(error=f"没有这个示例（{key}）")
    files = example_files(key)
    try:
        reviewed = review_upload(files["data"][1], data_name=files["data"][0],
                                 products=files["products"][1] if files["products"] else None,
                                 products_name=files["products"][0] if files["products"] else "商品文件",
                                 plan=files["plan"][1] if files["plan"] else None, handbook=review_handbook(settings))
    except ReviewError as exc:
        return _failed(exc)
    return _outcome(reviewed, f"示例：{files['label']}（合成数据）")


def stored_shows(settings: Settings, account: str | None = None) -> list:
    """The signed-in user's stored shows, newest first (StoredShow records without series)."""
    store = open_store(settings.data_dir, create=False)
    return store.list_shows(owner(), account) if store is not None else []


def open_stored_show(settings: Settings, show_id: str) -> ReviewOutcome:
    """A stored show reviewed again against today's handbook (its own history excluded)."""
    store = open_store(settings.data_dir, create=False)
    if store is None:
        return ReviewOutcome(error="还没有保存过场次")
    try:
        reviewed = reopen_show(store, owner(), show_id, handbook=review_handbook(settings))
    except ReviewError as exc:
        return _failed(exc)
    stored = store.get_show(owner(), show_id)
    return _outcome(reviewed, stored.title if stored else "")


def delete_stored_show(settings: Settings, show_id: str) -> bool:
    store = open_store(settings.data_dir, create=False)
    return bool(store is not None and store.delete_show(owner(), show_id))


def pk_table(a: ReviewResult, b: ReviewResult) -> list[dict[str, Any]]:
    """Two shows side by side (直播PK): one row per KPI both have, with which side did better."""
    return pk_rows(a, b)


def curve_rows(result: ReviewResult) -> list[dict[str, Any]]:
    """One row per interval for the curves: time, minute since the start, online, entries, GMV, orders, rates."""
    start = result.show.start
    rows = []
    for row in result.series_json():
        moment = datetime.strptime(row["time"], "%Y-%m-%d %H:%M")
        rows.append({**row, "at": moment, "minute": (moment - start).total_seconds() / 60, "label": moment.strftime("%H:%M")})
    return rows


def finding_spans(result: ReviewResult) -> list[dict[str, Any]]:
    """The findings that name a time, as absolute spans on the show's clock (for marking the curves)."""
    out = []
    day = result.show.start.date()
    for f in result.findings:
        if not f.when:
            continue
        a, b = f.when.split("-")
        start = datetime.combine(day, datetime.strptime(a, "%H:%M").time())
        while start < result.show.start - timedelta(minutes=1):
            start += timedelta(days=1)
        end = datetime.combine(start.date(), datetime.strptime(b, "%H:%M").time())
        if end <= start:
            end += timedelta(days=1)
        out.append({"start": start, "end": end, "name": f.name or f.metric, "severity": f.severity})
    return out


def finding_value_text(finding) -> str:
    """A finding's value in words, as the report writes it (下跌 60%、28 秒……)."""
    return value_text(finding)


def severity_name(severity: str) -> str:
    return SEVERITY_NAMES.get(severity, severity)


def plan_blocks(result: ReviewResult) -> list[dict[str, Any]]:
    """The plan's blocks on the show's clock (start/end ISO, segment, products) for shading; [] without a plan."""
    return result.blocks_json()
