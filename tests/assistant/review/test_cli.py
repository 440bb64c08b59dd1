"""``python -m assistant review`` (contracts.md "Show data and review"), in-process: encodings, header languages,
midnight, XLSX, the plan, Markdown, every bad-input kind (exit 2 naming row and column, nothing stored), the
account's own history with --save, --break-even and --owner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from tests.support.paths import SHIPPED_CARDS

from .helpers import EXAMPLES, SHIPPED_IDS, healthy_rows, show_csv

pytestmark = pytest.mark.pure

CONTRACT_KEYS = {"metric", "severity", "value", "benchmark", "when", "advice", "sources"}


@pytest.fixture
def run(invoke_cli, tmp_path):
    env = {"PLAYBOOK_DATA_DIR": str(tmp_path / "data"), "PLAYBOOK_CARDS_DIR": str(SHIPPED_CARDS)}
    return lambda *args: invoke_cli(main, "review", *args, env=env)


def ex(name: str) -> str:
    return str(EXAMPLES / name)


def review_json(result) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("name,start,end,minutes,metrics", [
    ("healthy.csv", "19:00", "23:00", 240, set()),                              # UTF-8, English headers
    ("midnight_utf8bom.csv", "22:00", "02:00", 240, set()),                    # UTF-8 BOM, Chinese, crosses midnight
    ("low_stay_gb18030.csv", "19:00", "23:00", 240, {"avg_stay"}),             # GB18030, Chinese, dated
    ("healthy_1min.xlsx", "19:00", "23:00", 240, set()),                       # XLSX, Chinese, title row, 1-minute rows
])
def test_each_format_encoding_and_header_language(run, name, start, end, minutes, metrics):
    out = review_json(run("--data", ex(name)))
    assert out["show"] == {**out["show"], "start": start, "end": end, "minutes": minutes}
    assert {f["metric"] for f in out["findings"]} == metrics
    assert {"gmv", "orders", "entries", "peak_online", "avg_online", "conversion_rate", "aov", "uv_value", "gpm"} <= set(out["totals"])
    assert "segments" not in out


def test_with_products_and_plan_the_contract_json(run):
    out = review_json(run("--data", ex("viewer_drop.csv"), "--products", ex("healthy_products.csv"), "--plan", ex("plan.json"),
                          "--format", "json"))
    assert [f["metric"] for f in out["findings"]] == ["online_drop", "target_gap"]
    for f in out["findings"]:
        assert CONTRACT_KEYS <= set(f) and f["sources"] and set(f["sources"]) <= SHIPPED_IDS
    assert out["findings"][0]["when"] == "20:45-20:50" and out["findings"][0]["severity"] == "high"
    assert [s["segment"] for s in out["segments"]][:4] == ["开场福利", "主推款", "利润款", "循环过款"]
    assert {"start", "end", "segment", "online_change", "gmv", "orders"} <= set(out["segments"][0])


def test_markdown_names_the_cards_by_title(run, shipped_cards):
    result = run("--data", ex("viewer_drop.csv"), "--format", "md")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# 直播复盘") and "## 问题（按严重程度）" in result.stdout
    assert f"《{shipped_cards['viewer-drop-response'].title}》（viewer-drop-response）" in result.stdout


def test_output_file(run, tmp_path):
    target = tmp_path / "review.md"
    result = run("--data", ex("healthy.csv"), "--format", "md", "--output", str(target))
    assert result.returncode == 0 and result.stdout == ""
    assert "没有发现明显问题" in target.read_text(encoding="utf-8")


HEAD = "time,online,entries,orders,gmv\n"
BAD = [  # (file text, what the message must name)
    (HEAD + "19:00,100,50,2,abc\n19:05,100,50,2,10\n", ["第 2 行", "「gmv」", "不是数字"]),
    ("时间,在线人数,进入人数,成交单数,成交金额\n19:00,100,50,2,10\n19:05,100,-5,2,10\n", ["第 3 行", "「进入人数」", "负数"]),
    (HEAD + "19:00,100,50,2,10\n19:10,100,50,2,10\n19:05,100,50,2,10\n", ["第 4 行", "「time」", "顺序"]),
    ("time,online,orders\n19:00,1,1\n", ["第 1 行", "进入人数", "成交金额", "缺少必需的列"]),
    ("", ["空"]),
    (HEAD + "19:00,100,50,2,10\n20:00,100,50,2,10\n", ["第 3 行", "「time」", "1–15 分钟"]),
]


@pytest.mark.parametrize("text,named", BAD, ids=["not-a-number", "negative", "out-of-order", "missing-column", "empty", "gap"])
def test_bad_data_exits_2_naming_row_and_column_and_stores_nothing(run, tmp_path, text, named):
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    result = run("--data", str(bad), "--save")
    assert result.returncode == 2 and result.stdout == ""
    assert all(part in result.stderr for part in named), result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()          # nothing stored, not even an empty store


def test_unreadable_encoding_and_bad_products_and_plan_exit_2(run, tmp_path):
    (tmp_path / "utf16.csv").write_bytes("time,online\n".encode("utf-16-le"))
    assert run("--data", str(tmp_path / "utf16.csv")).returncode == 2
    (tmp_path / "p.csv").write_text("name,clicks,orders,gmv\n卫衣,100,x,10\n", encoding="utf-8")
    result = run("--data", ex("healthy.csv"), "--products", str(tmp_path / "p.csv"), "--save")
    assert result.returncode == 2 and "第 2 行「orders」" in result.stderr
    (tmp_path / "plan.json").write_text('{"run_of_show": [{"start": "25:00", "end": "20:00", "segment": "x"}]}', encoding="utf-8")
    result = run("--data", ex("healthy.csv"), "--plan", str(tmp_path / "plan.json"), "--save")
    assert result.returncode == 2 and "run_of_show[0].start" in result.stderr
    assert run("--data", str(tmp_path / "missing.csv")).returncode == 2
    assert not (tmp_path / "data").exists()
    assert run("--data", ex("healthy.csv"), "--break-even", "0").returncode == 2


def _variant(tmp_path: Path, name: str, stay: float) -> str:
    rows = healthy_rows()
    for r in rows:
        r["avg_stay_seconds"] = stay
    path = tmp_path / name
    path.write_text(show_csv(rows), encoding="utf-8")
    return str(path)


def test_saved_shows_become_the_accounts_own_baseline(run, tmp_path):
    from assistant.review import ReviewStore

    for k, stay in enumerate((150, 160, 170)):
        result = run("--data", _variant(tmp_path, f"s{k}.csv", stay), "--account", "示例女装店", "--save", "--title", f"第{k}场")
        assert result.returncode == 0 and "saved: show" in result.stderr
    again = run("--data", _variant(tmp_path, "s0.csv", 150), "--account", "示例女装店", "--save")
    assert "stored before" in again.stderr                         # the same show twice: one copy
    store = ReviewStore(tmp_path / "data")
    assert [s.title for s in store.list_shows("", "示例女装店")].count("第0场") == 1
    # 90 s is far above the handbook's 45 s line, but 44 % under this account's median of 160 s
    out = review_json(run("--data", _variant(tmp_path, "now.csv", 90), "--account", "示例女装店"))
    (f,) = out["findings"]
    assert f["metric"] == "avg_stay" and "本账号近 3 场中位数 160 秒" in f["benchmark"]
    assert review_json(run("--data", _variant(tmp_path, "now.csv", 90), "--account", "别的账号"))["findings"] == []
    assert len(store.list_shows("")) == 3                          # a review without --save stores nothing


def test_break_even_given_changes_the_roi_line(run):
    plain = review_json(run("--data", ex("healthy.csv")))
    assert plain["findings"] == []
    strict = review_json(run("--data", ex("healthy.csv"), "--break-even", "20"))
    assert [f["metric"] for f in strict["findings"]] == ["ad_roi"] and "回本 ROI 20.00" in strict["findings"][0]["benchmark"]


def test_owner_of_a_stored_show_must_be_a_user_when_accounts_exist(run, tmp_path):
    from argon2 import PasswordHasher

    from assistant.accounts import AccountStore

    assert run("--data", ex("healthy.csv"), "--save", "--owner", "douya").returncode == 2   # no accounts yet
    AccountStore(tmp_path / "data", hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)).add_user(
        "douya", "operator", "correct horse")
    assert run("--data", ex("healthy.csv"), "--save").returncode == 2
    assert run("--data", ex("healthy.csv"), "--save", "--owner", "nobody").returncode == 2
    result = run("--data", ex("healthy.csv"), "--save", "--owner", "douya")
    assert result.returncode == 0, result.stderr
    from assistant.review import ReviewStore

    assert len(ReviewStore(tmp_path / "data").list_shows("douya")) == 1 and ReviewStore(tmp_path / "data").list_shows("") == []


def test_help_lists_the_columns_and_examples(run):
    result = run("--help")
    assert result.returncode == 0
    assert "在线人数" in result.stdout and "--save" in result.stdout and "examples" in result.stdout
