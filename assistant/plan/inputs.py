"""Plan inputs: reading a YAML/JSON file and validating it.

Every problem is collected (not only the first) and reported as ``field: rule (got ...)``; the CLI
exits 2 with that message. Limits keep absurd inputs out: at most MAX_PRODUCTS products, names of at
most MAX_NAME_CHARS characters, numbers within the bounds below.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import reprlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

from playbook.plan_material import PLAN_STAGES as STAGES

from assistant.errors import PlanInputError
from assistant.text import clean_text

STAGE_NAMES = {"cold-start": "冷启动（起号期）", "growth": "成长期", "plateau": "瓶颈期（平台期）", "big-event": "大场/活动节点"}
REQUIRED = ("streamer", "category", "followers", "stage", "broadcast_at", "duration_hours", "target_gmv")
OPTIONAL = ("ad_budget", "products")
MAX_PRODUCTS = 200
MAX_NAME_CHARS = 60
MAX_FOLLOWERS = 2_000_000_000
MAX_GMV = 100_000_000_000          # 1000亿元: beyond any single broadcast
MAX_BUDGET = 10_000_000_000
MAX_PRICE = 10_000_000
MIN_HOURS, MAX_HOURS = 0.5, 12
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_FILE_BYTES = 1_000_000
_DATETIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2}))?$")


@dataclass(frozen=True)
class Product:
    name: str
    price: float


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
        if self.products:
            data["products"] = [{"name": p.name, "price": _num(p.price)} for p in self.products]
        return data


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring, _REPR.maxother = 2, 3, 3, 40, 40


def _show(value: Any) -> str:
    """A short, bounded rendering of a value for a message (never expands a huge structure)."""
    text = _REPR.repr(value) if not isinstance(value, str) else f"“{value[:60]}”"
    return text if len(text) <= 40 else text[:39] + "…"


def _text(data: Mapping, key: str, problems: list, limit: int) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        problems.append((key, f"必须是文字 (must be a text)，当前为 {_show(value)}"))
        return ""
    cleaned = clean_text(value)
    if not cleaned:
        problems.append((key, "不能为空 (must not be empty)"))
    elif len(cleaned) > limit:
        problems.append((key, f"最多 {limit} 个字 (at most {limit} characters)，当前 {len(cleaned)} 个"))
    return cleaned


def _number(data: Mapping, key: str, problems: list, *, low: float, high: float, low_open: bool = False,
            integer: bool = False) -> float | None:
    value = data.get(key)
    kind = "整数 (an integer)" if integer else "数字 (a number)"
    if not _is_number(value) or (integer and not float(value).is_integer()):
        problems.append((key, f"必须是{kind}，当前为 {_show(value)}"))
        return None
    rule = f"{'>' if low_open else '>='} {_num(low)} 且 <= {_num(high)}"
    if (value <= low if low_open else value < low) or value > high:
        problems.append((key, f"超出范围：必须 {rule} (out of range)，当前为 {_show(value)}"))
        return None
    return int(value) if integer else float(value)


def _datetime(value: Any, problems: list) -> dt.datetime | None:
    key = "broadcast_at"
    rule = "必须是开播的本地日期时间，格式 YYYY-MM-DDTHH:MM，例如 2026-12-09T19:00"
    parsed: dt.datetime | None = None
    if isinstance(value, dt.datetime):
        parsed = value.replace(tzinfo=None)
    elif isinstance(value, dt.date):
        problems.append((key, f"{rule}（只给了日期，缺少开播时间）"))
        return None
    elif isinstance(value, str):
        match = _DATETIME.match(value.strip())
        if not match:
            problems.append((key, f"{rule}，当前为 {_show(value)}"))
            return None
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
        try:
            parsed = dt.datetime(y, mo, d, h, mi, s)
        except ValueError as exc:
            problems.append((key, f"不是有效的日期时间（{exc}），当前为 {_show(value)}"))
            return None
    else:
        problems.append((key, f"{rule}，当前为 {_show(value)}"))
        return None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        problems.append((key, f"年份必须在 {MIN_YEAR} 到 {MAX_YEAR} 之间，当前为 {parsed.year}"))
        return None
    return parsed.replace(second=0, microsecond=0)


def _products(value: Any, problems: list) -> tuple[Product, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(("products", f"必须是商品列表，每项 {{name: 名称, price: 价格}}，当前为 {_show(value)}"))
        return ()
    if len(value) > MAX_PRODUCTS:
        problems.append(("products", f"商品太多：最多 {MAX_PRODUCTS} 款 (at most {MAX_PRODUCTS})，当前 {len(value)} 款；请只列本场要上的货"))
        return ()
    products: list[Product] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        where = f"products[{i}]"
        if not isinstance(item, dict):
            problems.append((where, f"必须是 {{name: 名称, price: 价格}}，当前为 {_show(item)}"))
            continue
        sub: list = []
        for key in ("name", "price"):
            if item.get(key) is None:
                sub.append((key, "缺少必填字段 (required field is missing)"))
        name = _text(item, "name", sub, MAX_NAME_CHARS) if item.get("name") is not None else ""
        price = _number(item, "price", sub, low=0, high=MAX_PRICE, low_open=True) if item.get("price") is not None else None
        for field, message in sub:
            problems.append((f"{where}.{field}", message))
        for extra in sorted(set(item) - {"name", "price"}):
            problems.append((f"{where}.{extra}", "未知字段 (unknown field)；每个商品只需要 name 和 price"))
        if sub:
            continue
        if name in seen:
            problems.append((f"{where}.name", f"商品名重复：和 products[{seen[name]}] 都叫“{name}” (duplicate name)"))
            continue
        seen[name] = i
        products.append(Product(name, float(price)))
    return tuple(products)


def parse_plan_inputs(data: Any) -> PlanInputs:
    """Validated plan inputs from a mapping (as read from YAML/JSON). Raises PlanInputError."""
    if not isinstance(data, dict):
        raise PlanInputError([("(file)", "计划输入必须是字段映射（YAML 的 key: value 或 JSON 对象），例如 streamer: 豆芽")])
    problems: list[tuple[str, str]] = []
    for key in REQUIRED:
        if key not in data or data[key] is None:
            problems.append((key, "缺少必填字段 (required field is missing)"))
    present = lambda k: k in data and data[k] is not None  # noqa: E731
    streamer = _text(data, "streamer", problems, MAX_NAME_CHARS) if present("streamer") else ""
    category = _text(data, "category", problems, 30) if present("category") else ""
    followers = _number(data, "followers", problems, low=0, high=MAX_FOLLOWERS, integer=True) if present("followers") else None
    stage = data.get("stage")
    if present("stage") and stage not in STAGES:
        problems.append(("stage", f"未知阶段 (unknown stage) {_show(stage)}；只能是 {' | '.join(STAGES)}"))
    when = _datetime(data["broadcast_at"], problems) if present("broadcast_at") else None
    hours = _number(data, "duration_hours", problems, low=MIN_HOURS, high=MAX_HOURS) if present("duration_hours") else None
    gmv = _number(data, "target_gmv", problems, low=0, high=MAX_GMV, low_open=True) if present("target_gmv") else None
    budget = _number(data, "ad_budget", problems, low=0, high=MAX_BUDGET) if present("ad_budget") else None
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
