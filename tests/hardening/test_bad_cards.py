"""Every kind of broken card is refused by `playbook check` AND `index rebuild` with `path:line:
message` and exit 2, and the serving index is unchanged in behaviour (byte-identical files, the same
`status --json`, the same search results). Odd but valid files are accepted by both.

Each kind runs the two command lines in-process (``invoke_cli``: the same parsing, checks and exit-code
mapping, without starting a Python per command); all kinds at once, and the odd cards' rebuild, run as
real subprocesses (``python -m playbook`` / ``python -m index``), as the reliability report does."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from reliability.data import cli_snapshot, copy_data, serving_snapshot, settings_for, tree_digest
from reliability.procs import cli_env, no_traceback, run_module
from reliability.corpus import DUPLICATE_KEY, KINDS, ODD_VALID, BadCard


@pytest.fixture
def in_process(invoke_cli):
    """Like ``run_module(module, args, env)``, in this process (the PLAYBOOK_* variables of ``env``)."""
    from index.cli import main as index_main
    from playbook.cli import main as playbook_main

    mains = {"playbook": playbook_main, "index": index_main}

    def run(module: str, args: list[str], env: dict, timeout: float | None = None):
        return invoke_cli(mains[module], *args, env={k: v for k, v in env.items() if k.startswith("PLAYBOOK_")})

    return run


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
    data = copy_data(hx_index.data_dir, root / "data")
    settings = settings_for(data, hx_index.cards_dir)
    env = cli_env(data, hx_index.cards_dir)
    status = run_module("index", ["status", "--json"], env)
    assert status.returncode == 0, status.stderr
    return Serving(settings, env, status.stdout, serving_snapshot(settings),
                   cli_snapshot(env)["search"])


def broken_cards_dir(base: Path, target: Path, files: dict[str, bytes]) -> Path:
    shutil.copytree(base, target)
    for rel, content in files.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_bytes(content)
    return target


def assert_refused(serving: Serving, cards: Path, expected: list[tuple[Path, int, str]], run=run_module) -> None:
    """Both commands exit 2 and print each expected `path:line: message`; nothing changes.

    ``run``: ``run_module`` (real subprocesses) or the ``in_process`` fixture."""
    check = run("playbook", ["check", str(cards)], serving.env, timeout=60)
    assert check.returncode == 2, (check.returncode, check.stdout, check.stderr)
    env = dict(serving.env, PLAYBOOK_CARDS_DIR=str(cards))
    before = tree_digest(serving.settings.data_dir)
    rebuild = run("index", ["rebuild", "--json"], env, timeout=120)
    # not a byte of the data dir was written (readers may touch Chroma's files, so compare here)
    assert tree_digest(serving.settings.data_dir) == before
    assert rebuild.returncode == 2, (rebuild.returncode, rebuild.stdout, rebuild.stderr)
    for proc, stream in ((check, check.stdout), (rebuild, rebuild.stderr)):
        lines = stream.splitlines()
        for path, line, part in expected:
            prefix = f"{path}:{line}: "
            assert any(text.startswith(prefix) and part in text for text in lines), (prefix, part, stream)
        assert no_traceback(proc.stdout, proc.stderr)
    assert "cards_added" not in rebuild.stdout  # no summary: nothing was built
    assert "索引没有改动" in rebuild.stderr
    # The serving index: the same status, the same answers to searches.
    status = run("index", ["status", "--json"], serving.env)
    assert status.returncode == 0 and status.stdout == serving.status_stdout
    assert serving_snapshot(serving.settings) == serving.snapshot


@pytest.mark.parametrize("bad", KINDS, ids=[b.kind for b in KINDS])
def test_broken_card_is_refused_by_check_and_rebuild(serving, tmp_path, bad: BadCard, in_process):
    rel = "traffic/zz-broken.md"
    cards = broken_cards_dir(serving.settings.cards_dir, tmp_path / "cards", {rel: bad.content})
    assert_refused(serving, cards, [(cards / rel, bad.line, bad.message_part)], run=in_process)


def test_duplicate_id_is_refused(serving, tmp_path, in_process):
    original = serving.settings.cards_dir / "traffic" / "warmup-schedule.md"
    cards = broken_cards_dir(serving.settings.cards_dir, tmp_path / "cards",
                             {"traffic/zz-warmup-copy.md": original.read_bytes()})
    id_line = next(n for n, text in enumerate(original.read_text(encoding="utf-8").splitlines(), 1) if text.startswith("id:"))
    assert_refused(serving, cards, [(cards / "traffic/zz-warmup-copy.md", id_line, "id `warmup-schedule` 重复")],
                   run=in_process)


def test_every_kind_at_once_is_listed_in_one_run(serving, tmp_path):
    files = {f"bad/{i:02d}.md": bad.content for i, bad in enumerate(KINDS)}
    cards = broken_cards_dir(serving.settings.cards_dir, tmp_path / "cards", files)
    assert_refused(serving, cards, [(cards / f"bad/{i:02d}.md", b.line, b.message_part) for i, b in enumerate(KINDS)])
    # the contract commands still give the same answers
    assert cli_snapshot(serving.env)["search"] == serving.cli_search


def test_a_card_deleted_is_not_a_problem_but_a_card_becoming_invalid_is(serving, tmp_path, in_process):
    """Editing a good, indexed card into a broken one: refused, and the old version keeps serving."""
    rel = "live-ops/giveaways-fudai.md"
    text = (serving.settings.cards_dir / rel).read_text(encoding="utf-8").replace("stage: live", "stage: during", 1)
    cards = broken_cards_dir(serving.settings.cards_dir, tmp_path / "cards", {rel: text.encode()})
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("stage:"))
    assert_refused(serving, cards, [(cards / rel, line, "stage 'during'")], run=in_process)


def test_duplicate_front_matter_key_is_refused(serving, tmp_path, in_process):
    """`title:` written twice: YAML keeps the last one silently; the maintainer never learns which title
    is indexed. BUG today (playbook/loader.py): the card is accepted."""
    rel = "traffic/zz-dup-key.md"
    cards = broken_cards_dir(serving.settings.cards_dir, tmp_path / "cards", {rel: DUPLICATE_KEY.content})
    check = in_process("playbook", ["check", str(cards)], serving.env)
    assert check.returncode == 2, check.stdout
    assert f"{cards / rel}:{DUPLICATE_KEY.line}: " in check.stdout


# --- odd but valid ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(ODD_VALID), ids=list(ODD_VALID))
def test_odd_but_valid_card_passes_check(serving, tmp_path, kind, in_process):
    cards = broken_cards_dir(serving.settings.cards_dir, tmp_path / "cards", {"general/odd.md": ODD_VALID[kind]})
    check = in_process("playbook", ["check", str(cards)], serving.env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "全部 11 张卡片有效" in check.stdout


def test_odd_but_valid_cards_are_indexed_and_found(isolated):
    (isolated.cards_dir / "odd").mkdir()
    for i, content in enumerate(ODD_VALID.values()):
        (isolated.cards_dir / "odd" / f"odd-{i}.md").write_bytes(content)
    env = cli_env(isolated.data_dir, isolated.cards_dir)
    proc = run_module("index", ["rebuild", "--json"], env, timeout=300)
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
