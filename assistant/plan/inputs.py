"""Plan inputs: reading a YAML/JSON file and validating it.

Every problem is collected (not only the first) and reported as ``(field key, message)``: the key names
the field (``duration_hours``, ``products[2].cost``), the message says in Chinese, under the field's
own name, what the rule is and what was given (a product by its position and name). The CLI exits 2
with them; the app shows each beside its field. Limits keep absurd inputs out: at most MAX_PRODUCTS
products, names of at most MAX_NAME_CHARS characters, numbers within the bounds below (the form uses
the same bounds). ``products`` may also be pasted lines (see ``assistant.plan.paste``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from playbook.plan_material import PLAN_STAGES as STAGES

from assistant.errors import PlanInputError
from assistant.plan.fields import FIELD_LABELS, PRODUCT_LABELS, flag, number, show, text
from assistant.plan.paste import parse_product_lines
from assistant.plan.roles import ROLE_HELP, parse_role
from assistant.text import clean_text

STAGE_NAMES = {"cold-start": "冷启动（起号期）", "growth": "成长期", "plateau": "瓶颈期（平台期）", "big-event": "大场/活动节点"}
REQUIRED = ("streamer", "category", "followers", "stage", "broadcast_at", "duration_hours", "target_gmv")
OPTIONAL = ("ad_budget", "products", "streams_daily")
MAX_PRODUCTS = 200
MAX_NAME_CHARS = 60
MAX_FOLLOWERS = 2_000_000_000
MAX_GMV = 100_000_000_000          # 1000亿元: beyond any single broadcast
MAX_BUDGET = 10_000_000_000
MAX_PRICE = 10_000_000
MAX_STOCK = 100_000_000
MIN_HOURS, MAX_HOURS = 0.5, 12
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_FILE_BYTES = 1_000_000
_DATETIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?$")


@dataclass(frozen=True)
class Product:
    name: str
    price: float
    cost: float | None = None
    stock: int | None = None
    role: str | None = None        # hook | perk | main | profit | image, as given by the operator
    sub: str | None = None         # main only: "bridge" when given as 承接款

    def to_json(self) -> dict:
        data: dict[str, Any] = {"name": self.name, "price": _num(self.price)}
        if self.cost is not None:
            data["cost"] = _num(self.cost)
        if self.stock is not None:
            data["stock"] = self.stock
        if self.role:
            data["role"] = self.role
        return data


@dataclass(frozen=True)
class PlanInputs:
    streamer: str
    category: str
    followers: int
    stage: str
    broadcast_at: dt.datetime       # local, naive, minute precision
    duration_hours: float
    target_gmv: float
    ad_budget: float | None = None
    products: tuple[Product, ...] = ()
    streams_daily: bool | None = None   # None: daily for every stage but big-event
    ignored_fields: tuple[str, ...] = ()

    @property
    def minutes(self) -> int:
        return round(self.duration_hours * 60)

    @property
    def end_at(self) -> dt.datetime:
        return self.broadcast_at + dt.timedelta(minutes=self.minutes)

    @property
    def stage_name(self) -> str:
        return STAGE_NAMES[self.stage]

    @property
    def daily(self) -> bool:
        return self.stage != "big-event" and self.streams_daily is not False

    def to_json(self) -> dict:
        data: dict[str, Any] = {
            "streamer": self.streamer,
            "category": self.category,
            "followers": self.followers,
            "stage": self.stage,
            "broadcast_at": self.broadcast_at.strftime("%Y-%m-%dT%H:%M"),
            "duration_hours": _num(self.duration_hours),
            "target_gmv": _num(self.target_gmv),
        }
        if self.ad_budget is not None:
            data["ad_budget"] = _num(self.ad_budget)
        if self.streams_daily is not None:
            data["streams_daily"] = self.streams_daily
        if self.products:
            data["products"] = [p.to_json() for p in self.products]
        return data


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _datetime(value: Any, problems: list) -> dt.datetime | None:
    key, label = "broadcast_at", FIELD_LABELS["broadcast_at"]
    rule = "写成 年-月-日T时:分，例如 2026-12-09T19:00"
    parsed: dt.datetime | None = None
    if isinstance(value, dt.datetime):
        parsed = value.replace(tzinfo=None)
    elif isinstance(value, dt.date):
        problems.append((key, f"{label}只给了日期，缺少几点开播：{rule}"))
        return None
    elif isinstance(value, str):
        match = _DATETIME.match(value.strip())
        if not match and re.match(r"^\d{4}-\d{1,2}-\d{1,2}$", value.strip()):
            problems.append((key, f"{label}只给了日期，缺少几点开播：{rule}"))
            return None
        if not match:
            problems.append((key, f"{label}看不懂：{rule}（YYYY-MM-DDTHH:MM），现在是 {show(value)}"))
            return None
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
        try:
            parsed = dt.datetime(y, mo, d, h, mi, s)
        except ValueError:
            problems.append((key, f"{label}不是有效的日期时间（没有这一天或这个钟点），现在是 {show(value)}"))
            return None
    else:
        problems.append((key, f"{label}必须{rule}（YYYY-MM-DDTHH:MM），现在是 {show(value)}"))
        return None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        problems.append((key, f"{label}的年份必须在 {MIN_YEAR} 到 {MAX_YEAR} 之间，现在是 {parsed.year}"))
        return None
    return parsed.replace(second=0, microsecond=0)


def _product(i: int, item: Any, problems: list) -> Product | None:
    where = f"products[{i}]"
    name_hint = item.get("name") if isinstance(item, dict) and isinstance(item.get("name"), str) else ""
    who = f"第{i + 1}款商品" + (f"“{clean_text(name_hint)[:20]}”" if clean_text(name_hint) else "")
    if not isinstance(item, dict):
        problems.append((where, f"{who}必须写成 {{name: 名称, price: 价格}}（可加 cost 成本、stock 库存、role 角色），现在是 {show(item)}"))
        return None
    sub: list = []
    for key in ("name", "price"):
        if item.get(key) is None:
            sub.append((f"{where}.{key}", f"{who}缺少{PRODUCT_LABELS[key]}（{key}）"))
    label = lambda key: f"{who}的{PRODUCT_LABELS[key]}（{key}）"  # noqa: E731
    name = text(item, "name", label("name"), sub, MAX_NAME_CHARS, f"{where}.name") if item.get("name") is not None else ""
    price = (number(item, "price", label("price"), sub, low=0, high=MAX_PRICE, low_open=True, unit="元", where=f"{where}.price")
             if item.get("price") is not None else None)
    cost = (number(item, "cost", label("cost"), sub, low=0, high=MAX_PRICE, unit="元",
                   hint="；可以高于价格，比如亏本放的钩子款", where=f"{where}.cost")
            if item.get("cost") is not None else None)
    stock = (number(item, "stock", label("stock"), sub, low=0, high=MAX_STOCK, integer=True, unit="件", where=f"{where}.stock")
             if item.get("stock") is not None else None)
    role = sub_role = None
    if item.get("role") is not None:
        raw = item["role"]
        parsed = parse_role(raw) if isinstance(raw, str) else None
        if parsed is None:
            sub.append((f"{where}.role", f"{label('role')}不认识：{show(raw)}；可以写 {ROLE_HELP}，或者不写，由方案按毛利和价格定"))
        else:
            role, sub_role = parsed
    for extra in sorted(set(item) - set(PRODUCT_LABELS), key=str):
        sub.append((f"{where}.{extra}", f"{who}有不认识的字段“{str(extra)[:20]}”；每款商品可以写 "
                    + "、".join(f"{v} {k}" for k, v in PRODUCT_LABELS.items())))
    problems.extend(sub)
    if sub:
        return None
    return Product(name, float(price), None if cost is None else float(cost), None if stock is None else int(stock),
                   role, sub_role if role == "main" else None)


def _products(value: Any, problems: list) -> tuple[Product, ...]:
    if value is None:
        return ()
    label = FIELD_LABELS["products"]
    if isinstance(value, str):
        value, line_problems = parse_product_lines(value)
        problems.extend(("products", m) for m in line_problems)
        if line_problems:
            return ()
    if not isinstance(value, list):
        problems.append(("products", f"{label}必须是商品列表，每项 {{name: 名称, price: 价格}}，现在是 {show(value)}"))
        return ()
    if len(value) > MAX_PRODUCTS:
        problems.append(("products", f"{label}商品太多：最多 {MAX_PRODUCTS} 款，现在有 {len(value)} 款；请只列本场要上的货"))
        return ()
    products: list[Product] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        product = _product(i, item, problems)
        if product is None:
            continue
        if product.name in seen:
            problems.append((f"products[{i}].name", f"第{i + 1}款商品和第{seen[product.name] + 1}款都叫“{product.name}”：商品名不能重复（重复）"))
            continue
        seen[product.name] = i
        products.append(product)
    return tuple(products)


def parse_plan_inputs(data: Any) -> PlanInputs:
    """Validated plan inputs from a mapping (as read from YAML/JSON). Raises PlanInputError."""
    if not isinstance(data, dict):
        raise PlanInputError([("(file)", "计划输入必须是字段映射（YAML 的 key: value 或 JSON 对象），例如 streamer: 豆芽")])
    problems: list[tuple[str, str]] = []
    for key in REQUIRED:
        if key not in data or data[key] is None:
            problems.append((key, f"缺少必填项：{FIELD_LABELS[key]}（{key}）"))
    present = lambda k: k in data and data[k] is not None  # noqa: E731
    L = FIELD_LABELS
    streamer = text(data, "streamer", L["streamer"], problems, MAX_NAME_CHARS) if present("streamer") else ""
    category = text(data, "category", L["category"], problems, 30) if present("category") else ""
    followers = (number(data, "followers", L["followers"], problems, low=0, high=MAX_FOLLOWERS, integer=True)
                 if present("followers") else None)
    stage = data.get("stage")
    if present("stage") and stage not in STAGES:
        names = "、".join(f"{k}（{v}）" for k, v in STAGE_NAMES.items())
        problems.append(("stage", f"{L['stage']}不认识：{show(stage)}；只能是 {names}，即 {' | '.join(STAGES)}"))
    when = _datetime(data["broadcast_at"], problems) if present("broadcast_at") else None
    hours = (number(data, "duration_hours", L["duration_hours"], problems, low=MIN_HOURS, high=MAX_HOURS, unit=" 小时")
             if present("duration_hours") else None)
    gmv = (number(data, "target_gmv", L["target_gmv"], problems, low=0, high=MAX_GMV, low_open=True, unit="元")
           if present("target_gmv") else None)
    budget = (number(data, "ad_budget", L["ad_budget"], problems, low=0, high=MAX_BUDGET, unit="元", hint="；不投流可以不填或填 0")
              if present("ad_budget") else None)
    daily = flag(data, "streams_daily", L["streams_daily"], problems)
    products = _products(data.get("products"), problems)
    if problems:
        raise PlanInputError(problems)
    ignored = tuple(sorted(str(k) for k in data if k not in REQUIRED + OPTIONAL))
    return PlanInputs(
        streamer=streamer,
        category=category,
        followers=int(followers),
        stage=stage,
        broadcast_at=when,
        duration_hours=float(hours),
        target_gmv=float(gmv),
        ad_budget=budget,
        products=products,
        streams_daily=daily,
        ignored_fields=ignored,
    )


def read_plan_file(path: Path | str, pick: int | None = None) -> Any:
    """The raw data of a YAML or JSON plan-input file. Raises PlanInputError on unreadable files."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PlanInputError([("--input", f"文件不存在 (file not found)：{path}")]) from None
    except OSError as exc:
        raise PlanInputError([("--input", f"读不了文件 {path}：{exc.strerror}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise PlanInputError([("--input", f"文件太大：最多 {MAX_FILE_BYTES} 字节，当前 {len(raw)} 字节")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanInputError([("--input", "文件不是 UTF-8 文本，请另存为 UTF-8")]) from None
    try:
        data = json.loads(text) if text.lstrip().startswith(("{", "[")) else yaml.safe_load(text)
    except RecursionError:
        raise PlanInputError([("--input", "嵌套层数太深，不是计划输入的格式")]) from None
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行：" if mark else (f"第 {exc.lineno} 行：" if isinstance(exc, json.JSONDecodeError) else "")
        reason = getattr(exc, "problem", None) or getattr(exc, "msg", None) or str(exc).splitlines()[0]
        raise PlanInputError([("--input", f"不是有效的 YAML/JSON（{where}{reason}）")]) from None
    if isinstance(data, dict) and isinstance(data.get("plans"), list) and not set(data) & set(REQUIRED):
        plans = data["plans"]
        if pick is None:
            raise PlanInputError([("plans", f"文件里有 {len(plans)} 份计划输入；用 --pick N（从 1 开始）选一份")])
        if not 1 <= pick <= len(plans):
            raise PlanInputError([("--pick", f"必须在 1 到 {len(plans)} 之间，当前为 {pick}")])
        return plans[pick - 1]
    return data


def load_plan_inputs(path: Path | str, pick: int | None = None) -> PlanInputs:
    return parse_plan_inputs(read_plan_file(path, pick))
