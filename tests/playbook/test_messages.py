"""Card errors a maintainer can act on: in Chinese, the root cause first, the links it breaks grouped under
it, "N 张卡片有效" counting only cards without errors of their own; `playbook check` keeps
`path:line: message` and exit 2."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from playbook.cli import main
from playbook.errors import CardsInvalidError, problem_lines
from playbook.loader import check_cards, load_cards
from playbook.messages import summary
from tests.support.paths import SHIPPED_CARDS

pytestmark = pytest.mark.pure

CJK = re.compile(r"[\u4e00-\u9fff]")
TARGET = "traffic/warmup-schedule.md"


@pytest.fixture
def handbook(tmp_path: Path) -> Path:
    target = tmp_path / "cards"
    shutil.copytree(SHIPPED_CARDS, target)
    return target


def linking_cards(cards: Path, card_id: str) -> list[Path]:
    return [p for p in sorted(cards.rglob("*.md")) if re.search(rf"^\s*-?\s*\[?.*\b{card_id}\b", _links(p), re.M)]


def _links(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    front = text.split("\n---", 1)[0]
    m = re.search(r"^links:(.*?)(?=^\w|\Z)", front, re.M | re.S)
    return m.group(1) if m else ""


def test_missing_id_is_one_error_with_the_broken_links_under_it(handbook: Path):
    path = handbook / TARGET
    path.write_text(re.sub(r"^id: .*\n", "", path.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")
    linkers = linking_cards(handbook, "warmup-schedule")
    assert len(linkers) >= 3  # the shipped handbook links to this card from several others
    result = check_cards(handbook)
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    root = result.problems[0]
    assert root.path == path and root.line == 2
    assert root.message.startswith("缺少必填字段 `id`") and "`id: warmup-schedule`" in root.message
    assert f"另有 {len(linkers)} 处" in root.message
    assert sorted(c.path for c in root.consequences) == linkers
    assert all("warmup-schedule" in c.message and CJK.search(c.message) for c in root.consequences)
    # the linking cards have no error of their own: they count as valid; only the broken card does not
    total = len(list(handbook.rglob("*.md")))
    assert len(result.cards) == total - 1 and result.files == total
    assert f"{total - 1} 张卡片有效，1 张有错误" in summary(result)
    lines = problem_lines(result.problems)
    assert lines[0].startswith(f"{path}:2: 缺少必填字段 `id`")
    assert all(line.startswith("    ↳ ") for line in lines[1:]) and len(lines) == 1 + len(linkers)


def test_a_card_with_another_error_also_carries_the_links_it_breaks(handbook: Path):
    path = handbook / TARGET
    path.write_text(path.read_text(encoding="utf-8").replace("stage: pre", "stage: before", 1), encoding="utf-8")
    result = check_cards(handbook)
    assert len(result.problems) == 1
    assert "stage 'before'" in result.problems[0].message and result.problems[0].consequences


def test_a_link_to_a_card_that_does_not_exist_is_the_linking_cards_own_error(tmp_path: Path):
    cards = tmp_path / "cards"
    (cards / "a").mkdir(parents=True)
    body = "## 怎么做\n\n1. 第一步。\n"
    (cards / "a" / "one.md").write_text(f"---\nid: one\ntitle: 一\ntopics: [review]\nstage: post\n---\n{body}", encoding="utf-8")
    (cards / "a" / "two.md").write_text(
        f"---\nid: two\ntitle: 二\ntopics: [review]\nstage: post\nlinks:\n  - one\n  - onee\n---\n{body}", encoding="utf-8")
    result = check_cards(cards)
    assert [str(p) for p in result.problems] == [f"{cards / 'a' / 'two.md'}:8: 链接指向不存在的卡片 `onee`：是不是 `one`？"]
    assert [c.id for c in result.cards] == ["one"]


def test_every_message_is_chinese(tmp_path: Path):
    from reliability.corpus import KINDS

    for i, bad in enumerate(KINDS):
        folder = tmp_path / f"k{i}"
        folder.mkdir()
        (folder / "bad.md").write_bytes(bad.content)
        for problem in check_cards(folder).problems:
            if problem.message.startswith("plan"):
                continue  # worded by playbook/plan_material.py (its branch writes them in Chinese)
            assert CJK.search(problem.message), (bad.kind, problem.message)


def test_unknown_topic_suggests_the_close_one(tmp_path: Path):
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "x.md").write_text("---\nid: x\ntitle: 标题\ntopics: [reveiw]\nstage: post\n---\n正文\n", encoding="utf-8")
    [problem] = check_cards(cards).problems
    assert problem.line == 4 and "未知话题 `reveiw`；是不是 `review`？" in problem.message


def test_check_cli_prints_root_first_and_exits_2(handbook: Path, invoke_cli):
    path = handbook / TARGET
    path.write_text(re.sub(r"^id: .*\n", "", path.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")
    proc = invoke_cli(main, "check", str(handbook))
    assert proc.returncode == 2
    lines = proc.stdout.splitlines()
    assert re.match(rf"^{re.escape(str(path))}:2: 缺少必填字段 `id`", lines[0])
    assert all(re.match(r"^    ↳ .+\.md:\d+: 链接 `warmup-schedule` 失效", line) for line in lines[1:])
    assert "1 处问题" in proc.stderr and "张卡片有效，1 张有错误" in proc.stderr


def test_load_cards_error_lists_root_causes_with_their_consequences(handbook: Path):
    path = handbook / TARGET
    path.write_text(re.sub(r"^id: .*\n", "", path.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")
    with pytest.raises(CardsInvalidError) as info:
        load_cards(handbook)
    assert len(info.value.problems) == 1 and "手册卡片有 1 处问题" in str(info.value)


def test_overrides_check_an_edit_with_the_whole_handbook(handbook: Path):
    path = handbook / TARGET
    edited = path.read_text(encoding="utf-8").replace("id: warmup-schedule", "id: warmup-plan", 1)
    result = check_cards(handbook, overrides={path: edited})
    # renaming the id breaks the links of the cards that point at the old one: their own errors now
    assert result.problems and all("warmup-schedule" in p.message for p in result.problems)
    assert path.read_text(encoding="utf-8") != edited  # nothing written
    assert check_cards(handbook, overrides={path: path.read_text(encoding="utf-8")}).ok
