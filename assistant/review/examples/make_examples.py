"""Write the SYNTHETIC example shows of this folder (seeded, deterministic). Not real data.

    python -m assistant.review.examples.make_examples        # rewrites the files beside this script

Every show is a made-up account (示例女装店) selling five made-up products in a 4-hour show. The
healthy show stays inside the handbook's lines; each other show plants one problem (see README.md).
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
EN = ["time", "online", "entries", "orders", "gmv", "exposures", "avg_stay_seconds", "comments", "new_followers", "ad_spend"]
ZH = ["时间", "在线人数", "进入人数", "成交单数", "成交金额(元)", "曝光人数", "平均停留时长（秒）", "评论数", "新增粉丝", "投流消耗(元)"]
PRODUCTS = {  # name: (price, cost, role, click-to-order, refund rate)
    "福利打底袜": (9.9, 8.0, "hook", 0.30, 0.03),
    "加绒卫衣": (129.0, 70.0, "main", 0.12, 0.08),
    "围巾": (59.0, 25.0, "perk", 0.15, 0.05),
    "羽绒服": (399.0, 230.0, "profit", 0.08, 0.10),
    "羊绒大衣": (899.0, 520.0, "image", 0.06, 0.10),
}
BLOCKS = [  # minutes after the start, segment, role, products
    (0, 15, "开场福利", "hook", ["福利打底袜"], ["欢迎新进来的家人，左上角点关注，福利马上开", "打底袜 9.9 元两双，只放 100 单"]),
    (15, 60, "主推款", "main", ["加绒卫衣"], ["加绒卫衣三个卖点：厚、不起球、不掉色", "问尺码的扣身高体重"]),
    (60, 105, "利润款", "profit", ["羽绒服"], ["羽绒服上身对比，讲清含绒量和充绒量", "今天下单送围巾"]),
    (105, 150, "循环过款", "loop", ["加绒卫衣", "围巾"], ["福袋倒计时 5 分钟，评论区扣 1", "卫衣搭围巾一起拍更划算"]),
    (150, 195, "利润款返场", "profit", ["羽绒服", "羊绒大衣"], ["大衣是镇店款，看看做工", "羽绒服最后 50 件"]),
    (195, 240, "收尾", "close", ["加绒卫衣", "福利打底袜"], ["明晚 7 点同一时间，点预约不迷路", "没抢到的家人关注一下，下次先通知"]),
]
START = datetime(2026, 12, 9, 19, 0)
LABEL = "# 合成示例数据，非真实直播 (SYNTHETIC example; see README.md)\n"


def block_at(minute: float) -> tuple:
    return next((b for b in BLOCKS if b[0] <= minute < b[1]), BLOCKS[-1])


def make_show(kind: str = "healthy", step: int = 5, start: datetime = START, hours: float = 4, seed: int = 7):
    """(rows as dicts, per-product totals) of a synthetic show with one planted problem."""
    rng = random.Random(f"{kind}-{step}-{seed}")
    rows, sold = [], {name: [0, 0.0] for name in PRODUCTS}
    for k in range(int(hours * 60 / step)):
        minute = k * step
        t = start + timedelta(minutes=minute)
        online = 300 + 900 * min(1.0, minute / 20) if minute < 20 else 1200 - 150 * (minute - 20) / 220
        stay, conversion, spend_per_min = 80.0, 0.045, 60.0
        if kind == "viewer_drop" and minute >= 110:
            online *= 0.42 if minute < 125 else 0.58
            spend_per_min = 20.0
        if kind == "spend_falling" and minute >= 90:
            online *= max(0.45, 1 - 0.0045 * (minute - 90))
            spend_per_min = 60.0 + 0.4 * (minute - 90)
        if kind == "low_stay":
            stay = 28.0
        if kind == "low_conversion":
            conversion, spend_per_min = 0.007, 8.0
        online *= 1 + rng.gauss(0, 0.03)
        entries = online * 0.3 * step / 5 * (1 + rng.gauss(0, 0.04))
        _, _, _, role, names, _ = block_at(minute)
        if role == "hook":
            conversion *= 2
        name = names[k % len(names)]
        price = PRODUCTS[name][0]
        orders = round(entries * conversion * (1 + rng.gauss(0, 0.08)))
        gmv = round(orders * price * (1 + rng.gauss(0, 0.03)), 2)
        sold[name][0] += orders
        sold[name][1] += gmv
        rows.append({
            "time": t, "online": round(online), "entries": round(entries), "orders": orders, "gmv": gmv,
            "exposures": round(entries / 0.45 * (1 + rng.gauss(0, 0.03))),
            "avg_stay_seconds": round(stay * (1 + rng.gauss(0, 0.08))),
            "comments": round(entries * 0.09 * (1 + rng.gauss(0, 0.1))),
            "new_followers": round(entries * 0.06 * (1 + rng.gauss(0, 0.1))),
            "ad_spend": round(spend_per_min * step * (1 + rng.gauss(0, 0.05)), 2),
        })
    return rows, sold


def product_rows(sold: dict, kind: str = "healthy") -> list[list]:
    out = []
    for name, (orders, gmv) in sold.items():
        _, _, _, ctr, refund = PRODUCTS[name]
        clicks = round(orders / ctr) if orders else 50
        if kind == "product_not_bought" and name == "羽绒服":
            clicks, orders, gmv = 3200, 14, round(14 * 399.0, 2)
        if kind == "high_refunds" and name in ("羽绒服", "羊绒大衣", "加绒卫衣"):
            refund = 0.38
        out.append([name, clicks, orders, round(gmv, 2), round(orders * refund)])
    return out


def csv_text(header: list[str], rows: list[list]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def show_rows(rows: list[dict], dated: bool = False) -> list[list]:
    fmt = "%Y-%m-%d %H:%M" if dated else "%H:%M"
    return [[r["time"].strftime(fmt)] + [r[k] for k in EN[1:]] for r in rows]


def plan_json(target_gmv: float = 180000) -> dict:
    blocks = []
    for a, b, segment, role, names, script in BLOCKS:
        blocks.append({"start": (START + timedelta(minutes=a)).strftime("%H:%M"), "end": (START + timedelta(minutes=b)).strftime("%H:%M"),
                       "segment": segment, "products": names, "role": role, "minutes": b - a, "script": script})
    products = [{"name": n, "price": p, "cost": c, "role": r} for n, (p, c, r, _, _) in PRODUCTS.items()]
    return {
        "_comment": "SYNTHETIC example plan (made-up account and products), shaped like `assistant plan --format json`.",
        "inputs": {"streamer": "示例女装店", "category": "女装", "followers": 52000, "stage": "growth",
                   "broadcast_at": START.strftime("%Y-%m-%dT%H:%M"), "duration_hours": 4, "target_gmv": target_gmv,
                   "ad_budget": 15000, "products": products},
        "sections": [{"key": "goal", "title": "目标拆解", "markdown": "（示例）", "sources": ["gmv-decomposition"]}],
        "lineup": [{"name": n, "price": p, "role": r, "minutes_on_air": 0} for n, (p, _, r, _, _) in PRODUCTS.items()],
        "run_of_show": blocks,
        "warnings": [],
    }


def write_xlsx(path: Path, header: list[str], rows: list[list]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "分时数据"
    sheet.append(["示例女装店 分时数据（合成示例，非真实数据）"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.properties.created = book.properties.modified = datetime(2026, 12, 1)
    buf = io.BytesIO()
    book.save(buf)
    _fixed_zip(buf.getvalue(), path)


def _fixed_zip(data: bytes, path: Path) -> None:
    """Re-zip with fixed entry times so that the same content gives the same bytes."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2026, 12, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            body = src.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-12-01T00:00:00Z", body)
            dst.writestr(info, body)
    path.write_bytes(out.getvalue())


def main(folder: Path = HERE) -> list[Path]:
    written = []

    def put(name: str, text: str, encoding: str = "utf-8") -> None:
        if name.endswith(".csv"):
            text = LABEL + text
        (folder / name).write_bytes(text.encode(encoding))
        written.append(folder / name)

    healthy, sold = make_show("healthy")
    put("healthy.csv", csv_text(EN, show_rows(healthy)))
    put("healthy_products.csv", csv_text(["name", "clicks", "orders", "gmv", "refunds"], product_rows(sold)))
    put("plan.json", json.dumps(plan_json(), ensure_ascii=False, indent=2) + "\n")
    for kind in ("viewer_drop", "low_conversion", "spend_falling"):
        rows, _ = make_show(kind)
        put(f"{kind}.csv", csv_text(EN, show_rows(rows)))
    rows, _ = make_show("low_stay")
    put("low_stay_gb18030.csv", csv_text(ZH, show_rows(rows, dated=True)), "gb18030")
    for kind in ("product_not_bought", "high_refunds"):
        put(f"{kind}_products.csv", csv_text(["商品", "点击人数", "成交单数", "成交金额", "退款单数"], product_rows(sold, kind)))
    rows, _ = make_show("healthy", step=10, start=datetime(2026, 12, 9, 22, 0))
    put("midnight_utf8bom.csv", csv_text(ZH, show_rows(rows)), "utf-8-sig")
    rows, _ = make_show("healthy", step=1)
    write_xlsx(folder / "healthy_1min.xlsx", ZH, show_rows(rows))
    written.append(folder / "healthy_1min.xlsx")
    return written


if __name__ == "__main__":
    for path in main():
        print(path)
