"""Command line of the handbook: ``python -m playbook check [DIR]`` and ``python -m playbook stats``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from common.cli import print_json, run

from playbook.loader import check_cards
from playbook.stats import handbook_stats

EXAMPLES = """\b
examples:
  python -m playbook check                 # the cards in PLAYBOOK_CARDS_DIR (default playbook/cards)
  python -m playbook check path/to/cards   # another folder
  python -m playbook stats --json          # counts: cards, characters, cards per topic
"""


def _cards_dir(arg: str | None) -> Path:
    if arg:
        return Path(arg)
    from settings import load_settings

    return load_settings().cards_dir


@click.group(help="Validate and inspect the handbook cards.", epilog=EXAMPLES,
             context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    pass


@cli.command(help="Validate the cards; problems are printed as path:line: message (root causes first; the "
                  "links a broken card breaks are indented under it).")
@click.argument("dir", required=False, metavar="[dir]")
def check(dir: str | None) -> int:
    from playbook.errors import problem_lines
    from playbook.messages import summary

    result = check_cards(_cards_dir(dir))
    for line in problem_lines(result.problems):
        click.echo(line)
    if result.problems:
        click.echo(summary(result), err=True)
        return 2
    click.echo(f"ok: {summary(result)}")
    return 0


@cli.command(help="Count cards, characters and topic coverage.")
@click.argument("dir", required=False, metavar="[dir]")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(dir: str | None, as_json: bool) -> int:
    result = check_cards(_cards_dir(dir))
    numbers = handbook_stats(result.cards)
    if as_json:
        print_json(numbers)
    else:
        for key, value in numbers.items():
            click.echo(f"{key}: {value}")
    return 0 if result.ok else 2


def main(argv: Sequence[str] | None = None) -> int:
    return run(cli, argv, prog_name="python -m playbook")


if __name__ == "__main__":
    sys.exit(main())
