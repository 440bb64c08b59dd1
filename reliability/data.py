"""The small real index the experiments run on, and snapshots of what a reader of it sees."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from settings import Settings

from reliability.procs import REPO_ROOT, run_module

SHIPPED_CARDS = REPO_ROOT / "playbook" / "cards"
EVAL_DIR = REPO_ROOT / "eval"
DEV_QUESTIONS = EVAL_DIR / "dev_questions.yaml"
DEV_PLANS = EVAL_DIR / "dev_plans.yaml"

# Ten shipped cards (one or two per force) that the common questions below are answered from.
FIXTURE_CARDS = (
    "traffic/warmup-schedule.md",
    "traffic/warmup-video-types.md",
    "traffic/paid-traffic-basics.md",
    "supply/lineup-structure.md",
    "supply/perk-item-pricing.md",
    "live-ops/viewer-drop-response.md",
    "live-ops/giveaways-fudai.md",
    "live-ops/hold-and-release.md",
    "incubation/cold-start-first-weeks.md",
    "fulfillment/slow-shipping-refund.md",
)
QUERIES = (
    "开播前几天发预热视频？发几条？",
    "直播间在线人数突然掉了一半怎么办",
    "引流款和利润款怎么搭配",
)
QUESTIONS = (
    "开播前几天应该发预热视频？发几条合适？",
    "直播间在线人数突然掉了一半，场控应该怎么办？",
    "货盘里引流款和利润款的比例怎么定？",
    "福袋什么时候发效果最好？",
    "新号刚开始直播，前两周重点做什么？",
    "顾客说发货太慢要退款怎么处理？",
    "憋单怎么做才不招人反感？",
    "投流的钱应该怎么花？",
)
# A card edit that changes the index (two versions, so that a rebuild always has work to do).
EDIT_CARD = "live-ops/giveaways-fudai.md"
_CITE = re.compile(r"\[(\d{1,3})\]")


def settings_for(data_dir: Path | str, cards_dir: Path | str, **fields) -> Settings:
    """Settings of a data dir and a cards dir (absolute), other fields as given or default."""
    return Settings(data_dir=Path(data_dir).resolve(), cards_dir=Path(cards_dir).resolve(), **fields)


def copy_fixture_cards(target: Path, names: tuple[str, ...] = FIXTURE_CARDS) -> Path:
    """Copy a subset of the shipped cards; ``links`` to cards outside the subset are dropped."""
    ids = {}
    for rel in names:
        text = (SHIPPED_CARDS / rel).read_text(encoding="utf-8")
        ids[rel] = re.search(r"^id:\s*(\S+)", text, re.M).group(1)
    keep = set(ids.values())
    for rel in names:
        text = (SHIPPED_CARDS / rel).read_text(encoding="utf-8")

        def fix(m: re.Match) -> str:
            links = [x.strip() for x in m.group(1).split(",") if x.strip() in keep]
            return f"links: [{', '.join(links)}]" if links else "links: []"

        text = re.sub(r"^links:\s*\[(.*?)\]\s*$", fix, text, count=1, flags=re.M)
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return target


def edit_card(cards_dir: Path, version: int) -> None:
    """Append a version line to EDIT_CARD (a real content change: the card is re-embedded)."""
    path = cards_dir / EDIT_CARD
    text = re.sub(r"\n\n<!-- edit \d+ -->\n- 补充第 \d+ 版：.*\n?$", "", path.read_text(encoding="utf-8"))
    path.write_text(text.rstrip("\n") + f"\n\n<!-- edit {version} -->\n- 补充第 {version} 版：福袋开奖前再口播一次规则。\n",
                    encoding="utf-8")


def copy_data(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def tree_digest(root: Path) -> dict[str, str]:
    """Content hash of every file under ``root`` (relative path -> sha256)."""
    out = {}
    for path in sorted(Path(root).rglob("*")):
        if path.is_file():
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def cited_numbers(text: str) -> list[int]:
    """The distinct ``[n]`` numbers an answer cites, in order of first use."""
    return list(dict.fromkeys(int(n) for n in _CITE.findall(text)))


def serving_snapshot(settings, queries: tuple[str, ...] = QUERIES) -> dict:
    """What a reader sees: the status and the results of a few searches, from a fresh Searcher."""
    from index.api import index_status, open_searcher

    status = index_status(settings).to_json()
    searcher = open_searcher(settings)
    try:
        results = {q: [(r.card_id, r.chunk.chunk_id, round(r.score, 6)) for r in searcher.search(q, k=5)] for q in queries}
    finally:
        searcher.close()
    return {"status": status, "search": results}


def cli_snapshot(env: dict, queries: tuple[str, ...] = QUERIES[:1]) -> dict:
    """The same through the contract commands (``status --json``, ``search --json``)."""
    status = run_module("index", ["status", "--json"], env, timeout=60)
    assert status.returncode == 0, status.stderr
    out = {"status": json.loads(status.stdout.strip().splitlines()[-1]), "search": {}}
    for q in queries:
        found = run_module("index", ["search", q, "--k", "5", "--json"], env, timeout=120)
        assert found.returncode == 0, found.stderr
        data = json.loads(found.stdout.strip().splitlines()[-1])
        out["search"][q] = [(r["card_id"], r["score"]) for r in data["results"]]
    return out


def leftovers(settings) -> dict:
    """What a killed rebuild left behind: generations no pointer refers to, temp files."""
    from index.store import EmbeddedLayout

    layout = EmbeddedLayout(settings)
    pointer = layout.read_pointer()
    kept = set(pointer.kept()) if pointer else set()
    extra = [n for n in layout.generation_names() if n not in kept]
    return {
        "orphan_generations": extra,
        "orphan_has_vectors": any((layout.local_dir(n) / "chroma").exists() for n in extra),
        "temp_files": sorted(p.name for p in settings.index_dir.rglob("*") if ".tmp-" in p.name),
    }
