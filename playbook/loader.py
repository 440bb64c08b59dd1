"""Read handbook cards from disk and validate them.

A card is a Markdown file that starts with YAML front-matter between two ``---`` lines. Files that
maintainers really produce are accepted: UTF-8 with a BOM, Windows line endings, traditional
characters. Every problem is reported with the file and line, all of them in one pass.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from playbook.errors import CardsDirMissingError, CardsInvalidError, Problem
from playbook.models import STAGES, Card
from playbook.plan_material import validate_plan_block
from playbook.taxonomy import forces_of, load_topics

ID_PATTERN = re.compile(r"^[a-z0-9-]+$")
REQUIRED_FIELDS = ("id", "title", "topics", "stage")
LIST_FIELDS = ("links", "keywords", "questions")
MAX_CARD_BYTES = 1_000_000


@dataclass(frozen=True)
class CheckResult:
    """The valid cards of a directory and every problem found."""

    cards: tuple[Card, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class _FrontMatter:
    """Parsed front-matter with the file line of every key path."""

    def __init__(self, text: str, first_line: int):
        self.first_line = first_line  # file line of the first front-matter line
        self.node = yaml.compose(text, Loader=yaml.SafeLoader)
        self.data = yaml.safe_load(text)

    def duplicate_keys(self) -> list[tuple[int, str]]:
        """(file line, message) for each top-level field written twice (YAML keeps the last silently)."""
        if not isinstance(self.node, yaml.MappingNode):
            return []
        seen: set[str] = set()
        found = []
        for key_node, _ in self.node.value:
            if key_node.value in seen:
                found.append((self.first_line + key_node.start_mark.line, f"duplicate field `{key_node.value}`; keep one"))
            seen.add(key_node.value)
        return found

    def line_of(self, path: tuple = ()) -> int:
        """File line of the value at ``path`` (keys and list indexes); the nearest parent if absent."""
        node = self.node
        line = node.start_mark.line if node is not None else 0
        for step in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == step:
                        child = value_node
                        line = key_node.start_mark.line
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                child = node.value[step]
                line = child.start_mark.line
            if child is None:
                break
            node = child
        return self.first_line + line


def _decode(raw: bytes, path: Path) -> tuple[str | None, list[Problem]]:
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, [Problem(path, line, "binary data (NUL byte) in a card; a card must be a UTF-8 text file")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            Problem(path, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")
        ]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def _split_front_matter(text: str, path: Path) -> tuple[str, str, int] | Problem:
    """(front-matter text, body, file line of the body's first line) or a Problem."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return Problem(path, 1, "no front-matter: a card must start with a line `---`, then YAML fields, then `---`")
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    return Problem(path, 1, "front-matter opened with `---` on line 1 is never closed; add a `---` line after the fields")


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def read_card(path: Path) -> tuple[Card | None, list[Problem]]:
    """Parse and validate one card file on its own (ids across files are checked by ``check_cards``)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(path, 1, f"cannot read the file: {exc.strerror}")]
    if len(raw) > MAX_CARD_BYTES:
        return None, [Problem(path, 1, f"file is {len(raw)} bytes; a card must be under {MAX_CARD_BYTES} bytes")]
    text, problems = _decode(raw, path)
    if text is None:
        return None, problems
    split = _split_front_matter(text, path)
    if isinstance(split, Problem):
        return None, [split]
    fm_text, body, body_line = split
    try:
        fm = _FrontMatter(fm_text, first_line=2)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + (mark.line if mark else 0)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Problem(path, line, f"front-matter is not valid YAML: {reason}")]
    data = fm.data
    if not isinstance(data, dict):
        return None, [Problem(path, 2, "front-matter must be YAML `key: value` fields (a mapping)")]
    problems.extend(Problem(path, line, message) for line, message in fm.duplicate_keys())

    for key in REQUIRED_FIELDS:
        if key not in data or data[key] in (None, "", []):
            problems.append(Problem(path, fm.line_of(), f"missing required field `{key}`"))

    card_id = data.get("id")
    if "id" in data and data["id"] not in (None, ""):
        if not isinstance(card_id, str) or not ID_PATTERN.match(card_id):
            problems.append(
                Problem(path, fm.line_of(("id",)), f"id {card_id!r} is malformed; use lowercase letters, digits and '-' only")
            )
    title = data.get("title")
    if "title" in data and title not in (None, "") and (not isinstance(title, str) or not title.strip()):
        problems.append(Problem(path, fm.line_of(("title",)), "`title` must be a text"))

    topics = data.get("topics")
    known = load_topics()
    if isinstance(topics, str):
        topics = [topics]
    if "topics" in data and topics not in (None, []):
        if not _str_list(topics):
            problems.append(Problem(path, fm.line_of(("topics",)), "`topics` must be a list of topic ids"))
        else:
            for i, tid in enumerate(topics):
                if tid not in known:
                    problems.append(
                        Problem(path, fm.line_of(("topics", i)), f"unknown topic `{tid}`; see playbook/topics.yaml for the ids")
                    )

    stage = data.get("stage")
    if "stage" in data and stage not in (None, "") and stage not in STAGES:
        problems.append(
            Problem(path, fm.line_of(("stage",)), f"stage {stage!r} is not one of {', '.join(STAGES)}")
        )

    summary = data.get("summary", "")
    if summary is not None and not isinstance(summary, str):
        problems.append(Problem(path, fm.line_of(("summary",)), "`summary` must be a text"))
    for key in ("keywords", "questions"):
        # Maintainers write bare numbers such as 9.9 as keywords; YAML reads them as numbers.
        if isinstance(data.get(key), list):
            data[key] = [str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in data[key]]
    for key in LIST_FIELDS:
        if key in data and not (data[key] is None or _str_list(data[key])):
            problems.append(Problem(path, fm.line_of((key,)), f"`{key}` must be a list of texts"))
    if "links" in data and _str_list(data.get("links") or []):
        for i, link in enumerate(data.get("links") or []):
            if not ID_PATTERN.match(link):
                problems.append(Problem(path, fm.line_of(("links", i)), f"link {link!r} is not a card id"))

    plan = data.get("plan")
    if plan is not None:
        for key_path, message in validate_plan_block(plan):
            problems.append(Problem(path, fm.line_of(("plan",) + key_path), ".".join(("plan",) + tuple(map(str, key_path))) + f": {message}"))

    if not body.strip():
        problems.append(Problem(path, body_line if body_line <= len(text.split("\n")) else body_line - 1, "empty body: write the card's text after the front-matter"))

    if problems:
        return None, problems
    topic_ids = tuple(topics)
    card = Card(
        id=card_id,
        title=title.strip(),
        topics=topic_ids,
        stage=stage,
        body=body.strip("\n"),
        path=path,
        body_line=body_line,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        summary=(summary or "").strip(),
        links=tuple(data.get("links") or ()),
        keywords=tuple(data.get("keywords") or ()),
        questions=tuple(data.get("questions") or ()),
        forces=forces_of(topic_ids),
        plan=MappingProxyType(plan or {}),
    )
    return card, []


def card_files(cards_dir: Path) -> list[Path]:
    """The card files of a directory (``*.md``, recursively), in a stable order."""
    return sorted(p for p in cards_dir.rglob("*.md") if p.is_file() and not p.name.startswith("."))


def check_cards(cards_dir: Path) -> CheckResult:
    """Validate every card of ``cards_dir``; return the valid cards and all problems."""
    cards_dir = Path(cards_dir)
    if not cards_dir.is_dir():
        raise CardsDirMissingError(f"cards directory {cards_dir} does not exist; set PLAYBOOK_CARDS_DIR to a folder of cards")
    cards: list[Card] = []
    problems: list[Problem] = []
    for path in card_files(cards_dir):
        card, found = read_card(path)
        problems.extend(found)
        if card is not None:
            cards.append(card)
    if not cards and not problems:
        problems.append(Problem(cards_dir, 0, "no cards (*.md files) in this directory"))

    first_seen: dict[str, Card] = {}
    for card in cards:
        if card.id in first_seen:
            problems.append(
                Problem(card.path, _key_line(card, "id"), f"duplicate id `{card.id}`, already used by {first_seen[card.id].path}")
            )
        else:
            first_seen[card.id] = card
    for card in cards:
        for link in card.links:
            if link not in first_seen:
                problems.append(Problem(card.path, _key_line(card, "links"), f"link to unknown card id `{link}`"))
    problems.sort(key=lambda p: (str(p.path), p.line))
    invalid = {p.path for p in problems}
    return CheckResult(cards=tuple(c for c in cards if c.path not in invalid), problems=tuple(problems))


def _key_line(card: Card, key: str) -> int:
    for number, line in enumerate(card.path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
        if number >= card.body_line:
            break
    return 1


def load_cards(cards_dir: Path) -> list[Card]:
    """The cards of ``cards_dir``; raises CardsInvalidError listing every problem if any is invalid."""
    result = check_cards(cards_dir)
    if not result.ok:
        raise CardsInvalidError(list(result.problems))
    return list(result.cards)
