"""The funnel and the handbook's metrics, per interval and for any stretch of the show.

Definitions (rates are fractions; a rate whose denominator is 0 is None):

- ``entries``: sum of the intervals' entries (场观; a viewer who comes back twice counts twice).
- ``peak_online``: the highest online count; ``avg_online``: the time-weighted mean of online.
- ``entry_rate`` = entries ÷ exposures (曝光进入率), over the rows that have exposures.
- ``avg_stay_seconds``: the entries-weighted mean of the rows' average stay.
- ``interaction_rate`` = comments ÷ entries. The exports give comments, not commenters, so this is an
  upper bound of the handbook's "interacting viewers ÷ viewers" (one viewer may comment many times).
- ``follow_rate`` = new_followers ÷ entries (转粉率).
- ``conversion_rate`` = orders ÷ entries (看播转化; orders stand in for buyers, which the data lacks).
- ``aov`` = gmv ÷ orders (客单价); ``uv_value`` = gmv ÷ entries (UV价值); ``gpm`` = gmv × 1000 ÷ entries.
- ``ad_roi`` = gmv ÷ ad_spend: the whole room's GMV over the spend (organic sales included, so it is
  an upper bound of the paid traffic's own ROI).
- products: ``click_to_order`` = orders ÷ clicks; ``refund_rate`` = refunds ÷ orders; the refunded
  value of a product is refunds × its own average order value; ``net_gmv`` = gmv − refunded value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from assistant.review.models import Interval, ProductRow


def ratio(numerator: float | None, denominator: float | None, scale: float = 1.0) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator * scale / denominator


def _paired(intervals: Sequence[Interval], name: str) -> tuple[float, float] | None:
    """(sum of column ``name``, sum of entries over the same rows), or None when no row has the column."""
    rows = [(getattr(i, name), i.entries) for i in intervals if getattr(i, name) is not None]
    if not rows:
        return None
    return sum(v for v, _ in rows), sum(e for _, e in rows)


def stretch_totals(intervals: Sequence[Interval]) -> dict[str, float | None]:
    """The metrics of a run of intervals (the whole show, a plan block or a stretch a finding names)."""
    if not intervals:
        return {}
    minutes = sum(i.minutes for i in intervals)
    gmv = sum(i.gmv for i in intervals)
    orders = sum(i.orders for i in intervals)
    entries = sum(i.entries for i in intervals)
    out: dict[str, float | None] = {
        "gmv": gmv,
        "orders": orders,
        "entries": entries,
        "peak_online": max(i.online for i in intervals),
        "avg_online": sum(i.online * i.minutes for i in intervals) / minutes if minutes else None,
        "conversion_rate": ratio(orders, entries),
        "aov": ratio(gmv, orders),
        "uv_value": ratio(gmv, entries),
        "gpm": ratio(gmv, entries, 1000.0),
        "minutes": minutes,
        "orders_per_minute": ratio(orders, minutes),
    }
    exposed = [(i.exposures, i.entries) for i in intervals if i.exposures is not None]
    if exposed:
        out["exposures"] = sum(x for x, _ in exposed)
        out["entry_rate"] = ratio(sum(e for _, e in exposed), out["exposures"])
    stays = [(i.avg_stay_seconds, i.entries) for i in intervals if i.avg_stay_seconds is not None]
    if stays:
        weight = sum(e for _, e in stays)
        out["avg_stay_seconds"] = (sum(s * e for s, e in stays) / weight) if weight else sum(s for s, _ in stays) / len(stays)
    for column, total_key, rate_key in (("comments", "comments", "interaction_rate"), ("new_followers", "new_followers", "follow_rate")):
        pair = _paired(intervals, column)
        if pair:
            out[total_key] = pair[0]
            out[rate_key] = ratio(pair[0], pair[1])
    spends = [i.ad_spend for i in intervals if i.ad_spend is not None]
    if spends:
        out["ad_spend"] = sum(spends)
        out["ad_roi"] = ratio(gmv, out["ad_spend"])
    return out


@dataclass(frozen=True)
class IntervalMetrics:
    """One interval with its rates (for the curves and the live console)."""

    interval: Interval
    conversion_rate: float | None
    uv_value: float | None
    aov: float | None
    entry_rate: float | None
    interaction_rate: float | None
    follow_rate: float | None
    ad_roi: float | None

    def to_json(self) -> dict:
        data = self.interval.to_json()
        for key in ("conversion_rate", "uv_value", "aov", "entry_rate", "interaction_rate", "follow_rate", "ad_roi"):
            value = getattr(self, key)
            if value is not None:
                data[key] = round(value, 4)
        return data


def interval_metrics(intervals: Iterable[Interval]) -> tuple[IntervalMetrics, ...]:
    return tuple(
        IntervalMetrics(
            interval=i,
            conversion_rate=ratio(i.orders, i.entries),
            uv_value=ratio(i.gmv, i.entries),
            aov=ratio(i.gmv, i.orders),
            entry_rate=ratio(i.entries, i.exposures),
            interaction_rate=ratio(i.comments, i.entries),
            follow_rate=ratio(i.new_followers, i.entries),
            ad_roi=ratio(i.gmv, i.ad_spend),
        )
        for i in intervals
    )


@dataclass(frozen=True)
class ProductMetrics:
    name: str
    clicks: float
    orders: float
    gmv: float
    refunds: float | None
    click_to_order: float | None
    refund_rate: float | None
    refunded_gmv: float | None
    click_share: float | None

    def to_json(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items() if v is not None}


def product_metrics(products: Sequence[ProductRow]) -> tuple[ProductMetrics, ...]:
    total_clicks = sum(p.clicks for p in products)
    out = []
    for p in products:
        refunded = p.refunds * p.gmv / p.orders if p.refunds is not None and p.orders else (0.0 if p.refunds is not None else None)
        out.append(ProductMetrics(
            name=p.name, clicks=p.clicks, orders=p.orders, gmv=p.gmv, refunds=p.refunds,
            click_to_order=ratio(p.orders, p.clicks), refund_rate=ratio(p.refunds, p.orders),
            refunded_gmv=refunded, click_share=ratio(p.clicks, total_clicks),
        ))
    return tuple(out)


def show_totals(intervals: Sequence[Interval], products: Sequence[ProductMetrics] = ()) -> dict[str, float | None]:
    """The contract's ``totals``: the whole show, plus refund figures when the products file has refunds."""
    out = stretch_totals(intervals)
    with_refunds = [p for p in products if p.refunds is not None]
    if with_refunds:
        refunds = sum(p.refunds for p in with_refunds)
        out["refunds"] = refunds
        out["refund_rate"] = ratio(refunds, sum(p.orders for p in with_refunds))
        out["net_gmv"] = out["gmv"] - sum(p.refunded_gmv or 0.0 for p in with_refunds)
    return out
