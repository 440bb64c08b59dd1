"""Product roles: the names operators write, and the role each product takes in this show.

A role the operator gave is kept. The others are chosen in this order (the thresholds are the
handbook's, from ``lineup_roles``): with a cost, a product sold below cost is a hook and one near cost
(gross margin under ``perk.max_margin``) a perk; the dearest product becomes the image item only when it
is ``image.price_gap`` times dearer than the next; the main item (主推) is the one with the most
``price × stock`` (or the dearest left); among the rest the top ``profit.margin_top_share`` by margin are
profit items (without costs: those whose price position is nearer the profit band); the others are main
items too - 承接 (bridge) when cheaper than half the main item, otherwise a second 主推.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

ROLE_IDS = ("hook", "perk", "main", "profit", "image")
ROLE_NAMES = {"hook": "引流款", "perk": "福利款", "main": "主推款", "profit": "利润款", "image": "形象款"}
SUB_NAMES = {"lead": "主推款", "second": "主推款", "bridge": "承接款"}
# Names people write for each role (matched without spaces, case-insensitively); 承接 is main's bridge part.
ROLE_ALIASES: dict[str, tuple[str, str | None]] = {}
for _role, _names in {
    "hook": ("hook", "引流款", "引流", "钩子款", "钩子", "秒杀款", "秒杀", "引流品"),
    "perk": ("perk", "福利款", "福利", "福利品", "宠粉款"),
    "main": ("main", "主推款", "主推", "主打款", "主打", "爆款"),
    "profit": ("profit", "利润款", "利润", "搭配款", "连带款", "凑单款"),
    "image": ("image", "形象款", "形象", "镇店款", "锚点款"),
}.items():
    for _name in _names:
        ROLE_ALIASES[_name] = (_role, "lead" if _role == "main" else None)
for _name in ("承接款", "承接", "bridge"):
    ROLE_ALIASES[_name] = ("main", "bridge")
ROLE_HELP = "hook/引流款/钩子款、perk/福利款、main/主推款/承接款、profit/利润款、image/形象款"


def parse_role(value: str) -> tuple[str, str | None] | None:
    """(role id, main sub-role or None) for a role as written, None when it is not a role name."""
    key = "".join(value.split()).lower()
    return ROLE_ALIASES.get(key)


@dataclass(frozen=True)
class RoleChoice:
    role: str                 # hook | perk | main | profit | image
    reason: str               # given | margin | gap | price | gmv
    sub: str | None = None    # main only: lead | second | bridge

    @property
    def name(self) -> str:
        return SUB_NAMES[self.sub] if self.role == "main" and self.sub else ROLE_NAMES[self.role]


def margin(price: float, cost: float | None) -> float | None:
    return None if cost is None or price <= 0 else (price - cost) / price


def price_positions(prices: Sequence[float]) -> list[float]:
    """Each price's position 0..1 in the show's range: the mean of its rank position and its linear position."""
    ordered = sorted(prices)
    lo, hi, n = ordered[0], ordered[-1], len(ordered)
    out = []
    for price in prices:
        if n == 1 or hi == lo:
            out.append(0.5)
            continue
        below = sum(1 for x in ordered if x < price)
        same = sum(1 for x in ordered if x == price)
        rank = (below + (same - 1) / 2) / (n - 1)
        out.append((rank + (price - lo) / (hi - lo)) / 2)
    return out


def _band_distance(pos: float, band: Sequence[float]) -> float:
    lo, hi = band
    return 0.0 if lo <= pos <= hi else min(abs(pos - lo), abs(pos - hi))


def assign_roles(products: Sequence, role_defs: Iterable) -> dict[str, RoleChoice]:
    """The role of every product (by name); ``role_defs`` are the ``lineup_roles`` records."""
    defs = {r.key: r for r in role_defs}
    if not products:
        return {}
    pos = dict(zip((p.name for p in products), price_positions([p.price for p in products])))
    out: dict[str, RoleChoice] = {}
    for p in products:
        if p.role:
            sub = p.sub if p.role == "main" else None
            out[p.name] = RoleChoice(p.role, "given", sub or ("lead" if p.role == "main" else None))
    hook_max = _limit(defs.get("hook"), "max_margin", 0.0)
    perk_max = _limit(defs.get("perk"), "max_margin", 0.1)
    for p in products:
        m = margin(p.price, p.cost)
        if p.name in out or m is None:
            continue
        if m < hook_max and "hook" in defs:
            out[p.name] = RoleChoice("hook", "margin")
        elif m < perk_max and "perk" in defs:
            out[p.name] = RoleChoice("perk", "margin")

    def rest() -> list:
        return [p for p in products if p.name not in out]

    _image(products, defs, out)
    if len(products) >= 3:
        for p in rest():
            if p.cost is not None:
                continue
            if "hook" in defs and pos[p.name] <= defs["hook"].price_band[1]:
                out[p.name] = RoleChoice("hook", "price")
            elif "perk" in defs and pos[p.name] <= defs["perk"].price_band[1]:
                out[p.name] = RoleChoice("perk", "price")
    if not any(c.role == "main" for c in out.values()) and rest():
        left = rest()
        by_gmv = all(p.stock is not None for p in left)
        lead = max(left, key=lambda p: ((p.price * p.stock) if by_gmv else p.price, p.price))
        out[lead.name] = RoleChoice("main", "gmv" if by_gmv else "price", "lead")
    _profit(rest(), defs, out, pos)
    leads = [p.price for p in products if out.get(p.name, RoleChoice("x", "")).sub == "lead"]
    top = max(leads) if leads else max(p.price for p in products)
    for p in rest():
        out[p.name] = RoleChoice("main", "price", "bridge" if p.price < 0.5 * top else "second")
    return out


def _limit(role, field: str, default: float) -> float:
    value = getattr(role, field, None) if role is not None else None
    return default if value is None else float(value)


def _image(products: Sequence, defs: dict, out: dict[str, RoleChoice]) -> None:
    """The dearest product is the image item when it is far dearer than the next (and none is given)."""
    role = defs.get("image")
    if role is None or len(products) < 3 or any(c.role == "image" for c in out.values()):
        return
    ordered = sorted(products, key=lambda p: -p.price)
    dearest, second = ordered[0], ordered[1]
    if dearest.name in out or second.price <= 0 or dearest.price == second.price:
        return
    if dearest.price >= (role.price_gap or 2.5) * second.price:
        out[dearest.name] = RoleChoice("image", "gap")


def _profit(left: list, defs: dict, out: dict[str, RoleChoice], pos: dict[str, float]) -> None:
    role = defs.get("profit")
    if role is None or not left:
        return
    costed = [p for p in left if p.cost is not None]
    if costed:
        share = role.margin_top_share if role.margin_top_share is not None else 0.3
        k = round(share * len(costed))
        if k == 0 and len(costed) >= 2 and not any(c.role == "profit" for c in out.values()):
            k = 1
        for p in sorted(costed, key=lambda p: -(margin(p.price, p.cost) or 0))[:k]:
            out[p.name] = RoleChoice("profit", "margin")
    main_band = defs["main"].price_band if "main" in defs else (0.25, 0.6)
    for p in left:
        if p.cost is None and p.name not in out and len(pos) >= 3:
            if _band_distance(pos[p.name], role.price_band) < _band_distance(pos[p.name], main_band) or (
                    role.price_band[0] <= pos[p.name] <= role.price_band[1]
                    and abs(pos[p.name] - sum(role.price_band) / 2) < abs(pos[p.name] - sum(main_band) / 2)):
                out[p.name] = RoleChoice("profit", "price")
