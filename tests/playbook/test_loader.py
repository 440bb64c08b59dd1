"""The card loader and validator: valid cards, every rule, odd but valid files."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook.cli import main
from playbook.errors import CardsInvalidError
from playbook.loader import check_cards, load_cards, read_card
from reliability.corpus import BAD_CARDS, DUPLICATE_ID, VALID_FRONT, card_text
from tests.support.paths import SHIPPED_CARDS

pytestmark = pytest.mark.pure


def write(dir_: Path, name: str, content: bytes | str) -> Path:
    path = dir_ / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.fixture
def run_check(invoke_cli):
    """``python -m playbook check ARGS``, in-process (the real subprocess: tests/playbook/test_cli.py)."""
    return lambda *args: invoke_cli(main, "check", *args)


def test_valid_card_is_read_with_all_fields(tmp_path: Path):
    text = card_text(
        "id: good-card\ntitle: 好卡片\ntopics: [review, kpi-goals]\nstage: post\n"
        "summary: 一句话结论\nkeywords: [复盘]\nquestions: [怎么复盘？]\n"
    )
    card, problems = read_card(write(tmp_path, "good.md", text))
    assert problems == []
    assert card.id == "good-card"
    assert card.topics == ("review", "kpi-goals")
    assert card.forces == ("general",)
    assert card.stage == "post" and card.stage_name == "播后"
    assert card.summary == "一句话结论"
    assert card.body.startswith("## 适用场景")
    assert card.body_line == 10


@pytest.mark.parametrize("bad", BAD_CARDS, ids=[b.kind for b in BAD_CARDS])
def test_each_broken_card_is_reported_with_file_and_line(tmp_path: Path, bad):
    path = write(tmp_path, "bad.md", bad.content)
    write(tmp_path, "ok.md", card_text(VALID_FRONT.format(id="ok-card")))
    result = check_cards(tmp_path)
    assert not result.ok
    messages = [str(p) for p in result.problems]
    expected_prefix = f"{path}:{bad.line}: "
    assert any(m.startswith(expected_prefix) and bad.message_part in m for m in messages), messages
    assert [c.id for c in result.cards] == ["ok-card"]


def test_duplicate_ids_are_reported_on_the_second_file(tmp_path: Path):
    write(tmp_path, "a.md", DUPLICATE_ID)
    second = write(tmp_path, "b.md", DUPLICATE_ID)
    result = check_cards(tmp_path)
    assert [str(p) for p in result.problems] == [
        f"{second}:2: id `dup-card` 重复：{tmp_path / 'a.md'} 已经用了它；每张卡片的 id 必须不同，请给这张卡片换一个 id"
    ]


def test_every_problem_is_reported_in_one_run(tmp_path: Path):
    for i, bad in enumerate(BAD_CARDS):
        write(tmp_path, f"bad-{i:02d}.md", bad.content)
    result = check_cards(tmp_path)
    reported_files = {p.path.name for p in result.problems}
    assert len(reported_files) == len(BAD_CARDS)


def test_load_cards_raises_with_every_problem(tmp_path: Path):
    write(tmp_path, "a.md", BAD_CARDS[0].content)
    write(tmp_path, "b.md", BAD_CARDS[3].content)
    with pytest.raises(CardsInvalidError) as info:
        load_cards(tmp_path)
    assert len(info.value.problems) == 2
    assert "python -m playbook check" in str(info.value)


def test_bom_crlf_and_traditional_characters_are_accepted(tmp_path: Path):
    text = card_text(VALID_FRONT.format(id="odd-card"), body="## 適用場景\n\n直播間人氣下降時，場控要怎麼做？\n")
    raw = "\ufeff".encode("utf-8") + text.replace("\n", "\r\n").encode("utf-8")
    write(tmp_path, "odd.md", raw)
    result = check_cards(tmp_path)
    assert result.ok, result.problems
    card = result.cards[0]
    assert "直播間人氣" in card.body and "\r" not in card.body


def test_same_content_gives_same_hash_whatever_the_line_endings(tmp_path: Path):
    text = card_text(VALID_FRONT.format(id="hash-card"))
    a, _ = read_card(write(tmp_path, "a.md", text))
    b, _ = read_card(write(tmp_path, "b.md", "\ufeff" + text.replace("\n", "\r\n")))
    assert a.content_hash == b.content_hash


def test_cli_rejects_a_broken_card_with_path_line_message_and_exit_2(tmp_path: Path, run_check):
    write(tmp_path, "ok.md", card_text(VALID_FRONT.format(id="ok-card")))
    bad = write(tmp_path, "bad.md", card_text("id: wrong-stage\ntitle: 标题\ntopics: [review]\nstage: during\n"))
    proc = run_check(str(tmp_path))
    assert proc.returncode == 2
    assert f"{bad}:5: 阶段 stage 'during' 不是 pre、live、post、anytime 之一" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_cli_missing_dir_is_a_clear_error(tmp_path: Path, run_check):
    proc = run_check(str(tmp_path / "nope"))
    assert proc.returncode == 2
    assert "不存在" in proc.stderr and "PLAYBOOK_CARDS_DIR" in proc.stderr and "Traceback" not in proc.stderr


def test_shipped_handbook_passes_check(run_check):
    proc = run_check(str(SHIPPED_CARDS))
    assert proc.returncode == 0, proc.stdout + proc.stderr
