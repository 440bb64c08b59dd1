"""Frozen records passed between the review's stages (parse → metrics → findings → report)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Mapping

# Show data columns: field id -> Chinese header of the contract. Required first.
REQUIRED_FIELDS = ("time", "online", "entries", "orders", "gmv")
OPTIONAL_FIELDS = ("exposures", "avg_stay_seconds", "comments", "new_followers", "ad_spend")
SHOW_HEADERS = {
    "time": "时间",
    "online": "在线人数",
    "entries": "进入人数",
    "orders": "成交单数",
    "gmv": "成交金额",
    "exposures": "曝光人数",
    "avg_stay_seconds": "平均停留时长",
    "comments": "评论数",
    "new_followers": "新增粉丝",
    "ad_spend": "投流消耗",
}
PRODUCT_REQUIRED = ("name", "clicks", "orders", "gmv")
PRODUCT_OPTIONAL = ("refunds",)
PRODUCT_HEADERS = {"name": "商品", "clicks": "点击人数", "orders": "成交单数", "gmv": "成交金额", "refunds": "退款单数"}


def hhmm(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def span(start: datetime, end: datetime) -> str:
    """The contract's ``when``: "HH:MM-HH:MM"."""
    return f"{hhmm(start)}-{hhmm(end)}"


@dataclass(frozen=True)
class Interval:
    """One row of the show data: what happened from ``start`` for ``minutes`` minutes."""

    start: datetime
    minutes: float
    online: float
    entries: float
    orders: float
    gmv: float
    exposures: float | None = None
    avg_stay_seconds: float | None = None
    comments: float | None = None
    new_followers: float | None = None
    ad_spend: float | None = None
    row: int = 0                   # row in the file (header = 1); 0 when typed in by hand

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    @property
    def label(self) -> str:
        return hhmm(self.start)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"time": self.start.strftime("%Y-%m-%d %H:%M"), "minutes": self.minutes}
        for name in ("online", "entries", "orders", "gmv") + OPTIONAL_FIELDS:
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        return data


@dataclass(frozen=True)
class ShowData:
    """A parsed show: intervals in time order, which optional columns it has, notes for the user."""

    intervals: tuple[Interval, ...]
    columns: frozenset[str] = frozenset()   # optional fields present in the file
    dated: bool = False                     # True when the file gave dates (else day 0 is nominal)
    source: str = ""
    notes: tuple[str, ...] = ()

    @property
    def start(self) -> datetime:
        return self.intervals[0].start

    @property
    def end(self) -> datetime:
        return self.intervals[-1].end

    @property
    def minutes(self) -> int:
        return round((self.end - self.start).total_seconds() / 60)

    def has(self, column: str) -> bool:
        return column in self.columns


@dataclass(frozen=True)
class ProductRow:
    """One product of the per-product file."""

    name: str
    clicks: float
    orders: float
    gmv: float
    refunds: float | None = None
    row: int = 0


@dataclass(frozen=True)
class PlanBlock:
    """One run-of-show block of a plan; ``offset`` is minutes after 00:00 of the plan's first day."""

    start: str
    end: str
    segment: str
    offset: int
    minutes: int
    products: tuple[str, ...] = ()
    role: str = ""
    script: tuple[str, ...] = ()

    @property
    def end_offset(self) -> int:
        return self.offset + self.minutes


@dataclass(frozen=True)
class PlanProduct:
    name: str
    price: float | None = None
    cost: float | None = None
    role: str = ""


@dataclass(frozen=True)
class PlanInfo:
    """What the review uses of a plan's JSON output."""

    blocks: tuple[PlanBlock, ...]
    target_gmv: float | None = None
    streamer: str = ""
    broadcast_at: datetime | None = None
    ad_budget: float | None = None
    products: tuple[PlanProduct, ...] = ()
    goal_sources: tuple[str, ...] = ()      # the plan's goal-section card ids (target_gap cites them)
    raw: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def role_of(self, product: str) -> str:
        return next((p.role for p in self.products if p.name == product and p.role), "")
