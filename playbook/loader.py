"""Read handbook cards from disk and validate them.

A card is a Markdown file that starts with YAML front-matter between two ``---`` lines. Files that
maintainers really produce are accepted: UTF-8 with a BOM, Windows line endings, traditional
characters. Every problem is reported with the file and line, all of them in one pass, in Chinese
(:mod:`playbook.messages`), the root cause first: a card that cannot be part of the handbook (its
``id`` missing or malformed, or any other error of its own) is one problem, and the links of other
cards that break only because of it are its ``consequences``, listed under it. Those linking cards
have no error of their own: they count as valid (``CheckResult.cards``).

``check_cards(dir, overrides={path: text})`` validates the folder as if some files held other text
(a card edited on the 维护 page is checked with the whole handbook before it is saved).
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from playbook import messages as msg
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
    """The valid cards of a directory and every problem found.

    ``cards``: the cards without an error of their own (a card whose links break only because another
    card is broken is valid). ``problems``: the root problems, each with its ``consequences``."""

    cards: tuple[Card, ...]
    problems: tuple[Problem, ...]
    files: int = 0                      # card files read

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def broken_files(self) -> int:
        """Card files with an error of their own."""
        return len({p.path for p in self.problems})


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
                found.append((self.first_line + key_node.start_mark.line, msg.duplicate_field(key_node.value)))
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


@dataclass
class _Parsed:
    """One file read: the card (None if it has problems of its own), its problems, what it claims to be."""

    path: Path
    card: Card | None
    problems: list[Problem]
    intended_id: str = ""            # the id it declares, or (missing/malformed) the one its file name suggests
    root: Problem | None = None      # the problem other cards' broken links are grouped under
    id_line: int = 1
    link_lines: dict[str, int] = field(default_factory=dict)


def _decode(raw: bytes, path: Path) -> tuple[str | None, list[Problem]]:
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, [Problem(path, line, msg.BINARY)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(path, line, msg.not_utf8(raw[exc.start]))]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def _split_front_matter(text: str, path: Path) -> tuple[str, str, int] | Problem:
    """(front-matter text, body, file line of the body's first line) or a Problem."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return Problem(path, 1, msg.NO_FRONT_MATTER)
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    return Problem(path, 1, msg.UNCLOSED_FRONT_MATTER)


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _stem_id(path: Path) -> str:
    return path.stem if ID_PATTERN.match(path.stem) else ""


def read_card(path: Path) -> tuple[Card | None, list[Problem]]:
    """Parse and validate one card file on its own (ids across files are checked by ``check_cards``)."""
    parsed = _read(path)
    return parsed.card, parsed.problems


def _read(path: Path, raw: bytes | None = None) -> _Parsed:
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            return _Parsed(path, None, [Problem(path, 1, msg.unreadable(exc.strerror or str(exc)))], _stem_id(path))
    if len(raw) > MAX_CARD_BYTES:
        return _Parsed(path, None, [Problem(path, 1, msg.too_big(len(raw), MAX_CARD_BYTES))], _stem_id(path))
    text, problems = _decode(raw, path)
    if text is None:
        return _Parsed(path, None, problems, _stem_id(path))
    split = _split_front_matter(text, path)
    if isinstance(split, Problem):
        return _Parsed(path, None, [split], _stem_id(path))
    fm_text, body, body_line = split
    try:
        fm = _FrontMatter(fm_text, first_line=2)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + (mark.line if mark else 0)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return _Parsed(path, None, [Problem(path, line, msg.invalid_yaml(str(reason)))], _stem_id(path))
    data = fm.data
    if not isinstance(data, dict):
        return _Parsed(path, None, [Problem(path, 2, msg.NOT_A_MAPPING)], _stem_id(path))
    return _validate(path, text, fm, data, body, body_line, problems)


def _validate(path: Path, text: str, fm: _FrontMatter, data: dict, body: str, body_line: int,
              problems: list[Problem]) -> _Parsed:
    problems.extend(Problem(path, line, message) for line, message in fm.duplicate_keys())
    for key in REQUIRED_FIELDS:
        if key not in data or data[key] in (None, "", []):
            problems.append(Problem(path, fm.line_of(), msg.missing_field(key, _stem_id(path) if key == "id" else "")))

    card_id = data.get("id")
    id_ok = isinstance(card_id, str) and bool(ID_PATTERN.match(card_id))
    if "id" in data and card_id not in (None, "") and not id_ok:
        problems.append(Problem(path, fm.line_of(("id",)), msg.malformed_id(card_id, _stem_id(path))))
    id_problem = next((p for p in problems if p.message.startswith(msg.ID_PROBLEM_PREFIXES)), None)
    title = data.get("title")
    if "title" in data and title not in (None, "") and (not isinstance(title, str) or not title.strip()):
        problems.append(Problem(path, fm.line_of(("title",)), msg.field_not_text("title")))

    topics = data.get("topics")
    known = load_topics()
    if isinstance(topics, str):
        topics = [topics]
    if "topics" in data and topics not in (None, []):
        if not _str_list(topics):
            problems.append(Problem(path, fm.line_of(("topics",)), msg.TOPICS_NOT_LIST))
        else:
            for i, tid in enumerate(topics):
                if tid not in known:
                    problems.append(Problem(path, fm.line_of(("topics", i)), msg.unknown_topic(tid, _close(tid, known))))

    stage = data.get("stage")
    if "stage" in data and stage not in (None, "") and stage not in STAGES:
        problems.append(Problem(path, fm.line_of(("stage",)), msg.bad_stage(stage, STAGES)))

    summary = data.get("summary", "")
    if summary is not None and not isinstance(summary, str):
        problems.append(Problem(path, fm.line_of(("summary",)), msg.field_not_text("summary")))
    for key in ("keywords", "questions"):
        # Maintainers write bare numbers such as 9.9 as keywords; YAML reads them as numbers.
        if isinstance(data.get(key), list):
            data[key] = [str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for v in data[key]]
    for key in LIST_FIELDS:
        if key in data and not (data[key] is None or _str_list(data[key])):
            problems.append(Problem(path, fm.line_of((key,)), msg.field_not_list(key)))
    link_lines: dict[str, int] = {}
    if "links" in data and _str_list(data.get("links") or []):
        for i, link in enumerate(data.get("links") or []):
            link_lines.setdefault(link, fm.line_of(("links", i)))
            if not ID_PATTERN.match(link):
                problems.append(Problem(path, fm.line_of(("links", i)), msg.link_not_an_id(link)))

    plan = data.get("plan")
    if plan is not None:
        for key_path, message in validate_plan_block(plan):
            where = ".".join(("plan",) + tuple(map(str, key_path)))
            problems.append(Problem(path, fm.line_of(("plan",) + key_path), msg.plan_material(where, message)))

    if not body.strip():
        line = body_line if body_line <= len(text.split("\n")) else body_line - 1
        problems.append(Problem(path, line, msg.EMPTY_BODY))

    intended = card_id if id_ok else _stem_id(path)
    id_line = fm.line_of(("id",))
    if problems:
        return _Parsed(path, None, problems, intended, id_problem or min(problems, key=lambda p: p.line), id_line, link_lines)
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
    return _Parsed(path, card, [], intended, None, id_line, link_lines)


def _close(word: str, choices) -> str:
    found = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return found[0] if found else ""


def card_files(cards_dir: Path) -> list[Path]:
    """The card files of a directory (``*.md``, recursively), in a stable order."""
    return sorted(p for p in cards_dir.rglob("*.md") if p.is_file() and not p.name.startswith("."))


def check_cards(cards_dir: Path, overrides: Mapping[Path, str | bytes] | None = None) -> CheckResult:
    """Validate every card of ``cards_dir``; return the valid cards and all problems (root causes first).

    ``overrides``: files to read as if they held this text (a path that does not exist yet adds a card)."""
    cards_dir = Path(cards_dir)
    if not cards_dir.is_dir():
        raise CardsDirMissingError(msg.cards_dir_missing(cards_dir))
    given = {Path(p).resolve(): (t.encode("utf-8") if isinstance(t, str) else t) for p, t in (overrides or {}).items()}
    paths = card_files(cards_dir)
    known_paths = {p.resolve() for p in paths}
    paths += sorted(p for p in given if p not in known_paths)
    parsed = [_read(p, given.get(p.resolve())) for p in paths]
    if not parsed:
        return CheckResult((), (Problem(cards_dir, 0, msg.NO_CARDS),), 0)

    first_seen: dict[str, _Parsed] = {}
    for item in parsed:
        if item.card is None:
            continue
        if item.card.id in first_seen:
            other = first_seen[item.card.id].path
            item.problems.append(Problem(item.path, item.id_line, msg.duplicate_id(item.card.id, other)))
            item.card = None
        else:
            first_seen[item.card.id] = item
    valid = {cid: p for cid, p in first_seen.items() if p.card is not None}
    # Cards left out because of their own errors: the links to them break because of that.
    absent: dict[str, _Parsed] = {}
    for item in parsed:
        if item.card is None and item.intended_id and item.intended_id not in valid:
            absent.setdefault(item.intended_id, item)
    caused: dict[int, list[Problem]] = {}
    all_ids = sorted(valid)
    for item in parsed:
        if item.card is None:
            continue
        for link in item.card.links:
            if link in valid:
                continue
            line = item.link_lines.get(link, item.id_line)
            cause = absent.get(link)
            if cause is not None:
                caused.setdefault(id(cause), []).append(Problem(item.path, line, msg.link_broken_by(link, cause.path)))
            else:
                item.problems.append(Problem(item.path, line, msg.link_unknown(link, _close(link, all_ids))))
                item.card = None
    problems: list[Problem] = []
    for item in parsed:
        if not item.problems:
            continue
        ordered = sorted(item.problems, key=lambda p: p.line)
        consequences = sorted(caused.get(id(item), []), key=lambda p: (str(p.path), p.line))
        if consequences:
            root = item.root if item.root in ordered else ordered[0]
            root_with = Problem(root.path, root.line, msg.with_consequences(root.message, len(consequences), item.intended_id),
                                tuple(consequences))
            ordered = [root_with] + [p for p in ordered if p is not root]
        problems.extend(ordered)
    problems.sort(key=lambda p: (str(p.path), p.line))
    return CheckResult(cards=tuple(p.card for p in parsed if p.card is not None and not p.problems),
                       problems=tuple(problems), files=len(parsed))


def load_cards(cards_dir: Path) -> list[Card]:
    """The cards of ``cards_dir``; raises CardsInvalidError listing every problem if any is invalid."""
    result = check_cards(cards_dir)
    if not result.ok:
        raise CardsInvalidError(list(result.problems))
    return list(result.cards)
