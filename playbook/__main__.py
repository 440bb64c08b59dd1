"""Command line of the handbook: ``python -m playbook check [DIR]`` and ``python -m playbook stats``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from playbook.errors import PlaybookError
from playbook.loader import check_cards
from playbook.stats import handbook_stats

EXAMPLES = """examples:
  python -m playbook check                 # the cards in PLAYBOOK_CARDS_DIR (default playbook/cards)
  python -m playbook check path/to/cards   # another folder
  python -m playbook stats --json          # counts: cards, characters, cards per topic
"""


def _cards_dir(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    from settings import load_settings

    return load_settings().cards_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m playbook",
        description="Validate and inspect the handbook cards.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate the cards; problems are printed as path:line: message")
    check.add_argument("dir", nargs="?", help="cards folder (default: PLAYBOOK_CARDS_DIR)")
    stats = sub.add_parser("stats", help="count cards, characters and topic coverage")
    stats.add_argument("dir", nargs="?", help="cards folder (default: PLAYBOOK_CARDS_DIR)")
    stats.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)

    try:
        result = check_cards(_cards_dir(args.dir))
    except (PlaybookError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "check":
        for problem in result.problems:
            print(problem)
        if result.problems:
            print(f"{len(result.problems)} problem(s); {len(result.cards)} valid card(s)", file=sys.stderr)
            return 2
        print(f"ok: {len(result.cards)} cards valid")
        return 0
    numbers = handbook_stats(result.cards)
    if args.json:
        print(json.dumps(numbers, ensure_ascii=False))
    else:
        for key, value in numbers.items():
            print(f"{key}: {value}")
    return 0 if result.ok else 2


if __name__ == "__main__":
    sys.exit(main())
