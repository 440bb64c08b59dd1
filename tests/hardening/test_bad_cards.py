"""Every kind of broken card is refused by `playbook check` AND `index rebuild` with `path:line:
message` and exit 2, and the serving index is unchanged in behaviour (byte-identical files, the same
`status --json`, the same search results). Odd but valid files are accepted by both."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.hardening import harness
from tests.playbook.bad_cards import BAD_CARDS, VALID_FRONT, BadCard, card_text

# Kinds beyond tests/playbook/bad_cards.py (same shape: content, line, message fragment).
EXTRA_BAD_CARDS: tuple[BadCard, ...] = (
    BadCard("empty file", b"", 1, "no front-matter"),
    BadCard("missing title", card_text("id: no-title\ntopics: [review]\nstage: post\n").encode(), 2, "missing required field `title`"),
    BadCard("missing stage", card_text("id: no-stage\ntitle: 标题\ntopics: [review]\n").encode(), 2, "missing required field `stage`"),
    BadCard("empty topics", card_text("id: empty-topics\ntitle: 标题\ntopics: []\nstage: post\n").encode(), 2, "missing required field `topics`"),
    BadCard("title is a list", card_text("id: title-list\ntitle: [一, 二]\ntopics: [review]\nstage: post\n").encode(), 3, "`title` must be a text"),
    BadCard("id is a number", card_text("id: 12345\ntitle: 标题\ntopics: [review]\nstage: post\n").encode(), 2, "malformed"),
    BadCard("stage is a number", card_text("id: stage-num\ntitle: 标题\ntopics: [review]\nstage: 3\n").encode(), 5, "is not one of"),
    BadCard("summary is a list", card_text("id: summary-list\ntitle: 标题\ntopics: [review]\nstage: post\nsummary: [a]\n").encode(), 6, "`summary` must be a text"),
    BadCard("tab-indented yaml", card_text("id: tab-yaml\n\ttitle: 标题\ntopics: [review]\nstage: post\n").encode(), 3, "not valid YAML"),
    BadCard("python yaml tag", card_text("id: py-tag\ntitle: !!python/object/apply:os.system [echo hi]\ntopics: [review]\nstage: post\n").encode(), 3, "not valid YAML"),
    BadCard("link is not an id", card_text("id: link-not-id\ntitle: 标题\ntopics: [review]\nstage: post\nlinks: [\"Bad Link!\"]\n").encode(), 6, "is not a card id"),
    BadCard("plan is not a mapping", card_text("id: plan-scalar\ntitle: 标题\ntopics: [review]\nstage: post\nplan: 5\n").encode(), 6, "must be a mapping"),
    BadCard("utf-16 (Notepad 'Unicode')", card_text(VALID_FRONT.format(id="utf16-card")).encode("utf-16"), 1, "binary"),
    BadCard("latin-1 byte", card_text(VALID_FRONT.format(id="latin-card"), body="## 说明\n\nCAFE\n").encode().replace(b"CAFE", b"caf\xe9"), 9, "not UTF-8"),
    BadCard("over 1 MB", card_text(VALID_FRONT.format(id="huge-card"), body="## 大\n\n" + "很长的正文。" * 60000).encode(), 1, "a card must be under"),
)
DUPLICATE_KIND = "duplicate id (copy of a shipped card)"
KINDS = tuple(BAD_CARDS) + EXTRA_BAD_CARDS
# A broken card the validator lets through today: duplicate YAML keys (the last one wins).
DUPLICATE_KEY = BadCard("duplicate front-matter key", card_text("id: dup-key\ntitle: 标题一\ntitle: 标题二\ntopics: [review]\nstage: post\n").encode(), 4, "title")


@dataclass
class Serving:
    settings: object
    env: dict
    status_stdout: str
    snapshot: dict
    cli_search: dict


@pytest.fixture(scope="module")
def serving(hx_index, tmp_path_factory) -> Serving:
    """One data dir shared by the module (only rejected rebuilds touch it), with its baseline."""
    root = tmp_path_factory.mktemp("bad-cards")
    data = harness.copy_data(hx_index.data_dir, root / "data")
    settings = harness.settings_for(data, hx_index.cards_dir)
    env = harness.cli_env(data, hx_index.cards_dir)
    status = harness.run_module("index", ["status", "--json"], env)
    assert status.returncode == 0, status.stderr
    return Serving(settings, env, status.stdout, harness.serving_snapshot(settings),
                   harness.cli_snapshot(env)["search"])


def broken_cards_dir(base: Path, target: Path, files: dict[str, bytes]) -> Path:
    shutil.copytree(base, target)
    for rel, content in files.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_bytes(content)
    return target


def assert_refused(serving: Serving, cards: Path, expected: list[tuple[Path, int, str]]) -> None:
    """Both commands exit 2 and print each expected `path:line: message`; nothing changes."""
    check = harness.run_module("playbook", ["check", str(cards)], serving.env, timeout=60)
    assert check.returncode == 2, (check.returncode, check.stdout, check.stderr)
    env = dict(serving.env, PLAYBOOK_CARDS_DIR=str(cards))
    before = harness.tree_digest(serving.settings.data_dir)
    rebuild = harness.run_module("index", ["rebuild", "--json"], env, timeout=120)
    # not a byte of the data dir was written (readers may touch Chroma's files, so compare here)
    assert harness.tree_digest(serving.settings.data_dir) == before
    assert rebuild.returncode == 2, (rebuild.returncode, rebuild.stdout, rebuild.stderr)
    for proc, stream in ((check, check.stdout), (rebuild, rebuild.stderr)):
        lines = stream.splitlines()
        for path, line, part in expected:
            prefix = f"{path}:{line}: "
            assert any(l.startswith(prefix) and part in l for l in lines), (prefix, part, stream)
        assert harness.no_traceback(proc.stdout, proc.stderr)
    assert "cards_added" not in rebuild.stdout  # no summary: nothing was built
    assert "index was not changed" in rebuild.stderr
    # The serving index: the same status, the same answers to searches.
    status = harness.run_module("index", ["status", "--json"], serving.env)
    assert status.returncode == 0 and status.stdout == serving.status_stdout
    assert harness.serving_snapshot(serving.settings) == serving.snapshot


@pytest.mark.parametrize("bad", KINDS, ids=[b.kind for b in KINDS])
def test_broken_card_is_refused_by_check_and_rebuild(serving, tmp_path, bad: BadCard):
    rel = "traffic/zz-broken.md"
    cards = broken_cards_dir(serving.settings.cards_dir, tmp_path / "cards", {rel: bad.content})
    assert_refused(serving, cards, [(cards / rel, bad.line, bad.message_part)])


def test_duplicate_id_is_refused(serving, tmp_path):
    original = serving.settings.cards_dir / "traffic" / "warmup-schedule.md"
    cards = broken_cards_dir(serving.settings.cards_dir, tmp_path / "cards",
                             {"traffic/zz-warmup-copy.md": original.read_bytes()})
    id_line = next(n for n, l in enumerate(original.read_text(encoding="utf-8").splitlines(), 1) if l.startswith("id:"))
    assert_refused(serving, cards, [(cards / "traffic/zz-warmup-copy.md", id_line, "duplicate id `warmup-schedule`")])


def test_every_kind_at_once_is_listed_in_one_run(serving, tmp_path):
    files = {f"bad/{i:02d}.md": bad.content for i, bad in enumerate(KINDS)}
    cards = broken_cards_dir(serving.settings.cards_dir, tmp_path / "cards", files)
    assert_refused(serving, cards, [(cards / f"bad/{i:02d}.md", b.line, b.message_part) for i, b in enumerate(KINDS)])
    # the contract commands still give the same answers
    assert harness.cli_snapshot(serving.env)["search"] == serving.cli_search


def test_a_card_deleted_is_not_a_problem_but_a_card_becoming_invalid_is(serving, tmp_path):
    """Editing a good, indexed card into a broken one: refused, and the old version keeps serving."""
    rel = "live-ops/giveaways-fudai.md"
    text = (serving.settings.cards_dir / rel).read_text(encoding="utf-8").replace("stage: live", "stage: during", 1)
    cards = broken_cards_dir(serving.settings.cards_dir, tmp_path / "cards", {rel: text.encode()})
    line = next(n for n, l in enumerate(text.splitlines(), 1) if l.startswith("stage:"))
    assert_refused(serving, cards, [(cards / rel, line, "stage 'during'")])


def test_duplicate_front_matter_key_is_refused(serving, tmp_path):
    """`title:` written twice: YAML keeps the last one silently; the maintainer never learns which title
    is indexed. BUG today (playbook/loader.py): the card is accepted."""
    rel = "traffic/zz-dup-key.md"
    cards = broken_cards_dir(serving.settings.cards_dir, tmp_path / "cards", {rel: DUPLICATE_KEY.content})
    check = harness.run_module("playbook", ["check", str(cards)], serving.env, timeout=60)
    assert check.returncode == 2, check.stdout
    assert f"{cards / rel}:{DUPLICATE_KEY.line}: " in check.stdout


# --- odd but valid ----------------------------------------------------------------------------

TRADITIONAL_BODY = "## 適用場景\n\n直播間人氣下降時，場控要怎麼做？先穩住留存，再補福袋。\n\n## 怎麼做\n\n1. 先看流量來源。\n2. 再調整話術。\n"
ODD_VALID = {
    "bom": "\ufeff".encode() + card_text(VALID_FRONT.format(id="odd-bom")).encode(),
    "crlf": card_text(VALID_FRONT.format(id="odd-crlf")).replace("\n", "\r\n").encode(),
    "cr-only (old Mac)": card_text(VALID_FRONT.format(id="odd-cr")).replace("\n", "\r").encode(),
    "traditional characters": card_text(VALID_FRONT.format(id="odd-traditional").replace("测试卡片", "繁體卡片"), body=TRADITIONAL_BODY).encode(),
    "bom + crlf + traditional": "\ufeff".encode() + card_text(VALID_FRONT.format(id="odd-all"), body=TRADITIONAL_BODY).replace("\n", "\r\n").encode(),
    "front-matter closed by ...": card_text(VALID_FRONT.format(id="odd-dots")).replace("\n---\n", "\n...\n", 1).encode(),
    "full-width spaces and emoji": card_text(VALID_FRONT.format(id="odd-emoji"), body="## 说明\n\n\u3000\u3000开场先发福袋🎁，留人👍。\n").encode(),
}


@pytest.mark.parametrize("kind", list(ODD_VALID), ids=list(ODD_VALID))
def test_odd_but_valid_card_passes_check(serving, tmp_path, kind):
    cards = broken_cards_dir(serving.settings.cards_dir, tmp_path / "cards", {"general/odd.md": ODD_VALID[kind]})
    check = harness.run_module("playbook", ["check", str(cards)], serving.env, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "11 cards valid" in check.stdout


def test_odd_but_valid_cards_are_indexed_and_found(isolated):
    (isolated.cards_dir / "odd").mkdir()
    for i, (kind, content) in enumerate(ODD_VALID.items()):
        (isolated.cards_dir / "odd" / f"odd-{i}.md").write_bytes(content)
    env = harness.cli_env(isolated.data_dir, isolated.cards_dir)
    proc = harness.run_module("index", ["rebuild", "--json"], env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["cards_added"] == len(ODD_VALID) and summary["cards_unchanged"] == 10
    from index.api import open_searcher

    searcher = open_searcher(isolated)
    try:
        hits = [r.card_id for r in searcher.search("直播間人氣下降時場控要怎麼做", k=5)]
        assert {"odd-traditional", "odd-all"} & set(hits), hits
        card = searcher.card("odd-all")
        assert "\r" not in card.body and "直播間人氣" in card.body
    finally:
        searcher.close()
