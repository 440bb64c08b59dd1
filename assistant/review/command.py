"""The body of ``python -m assistant review`` (the click command in ``assistant/cli.py`` only parses).

Reads the files (all problems → ShowDataError / PlanFileError, exit 2, nothing stored), reviews the show
against the handbook's lines and the account's own stored shows, prints JSON (the contract) or the
Markdown report, and with ``save`` stores the show under the data dir for the account's later reviews.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.review.benchmarks import MIN_HISTORY
from assistant.review.service import read_input_file
from assistant.review.workflow import Handbook, open_store, review_upload


@dataclass(frozen=True)
class CommandOutput:
    text: str
    notes: tuple[str, ...] = field(default_factory=tuple)   # for stderr
    show_id: str | None = None


def review_command(settings, data: str, products: str | None = None, plan: str | None = None, *, fmt: str = "json",
                   account: str | None = None, break_even: float | None = None, save: bool = False, owner: str = "",
                   title: str = "", check_owner=None) -> CommandOutput:
    """``check_owner()`` (optional) runs once the files are valid, before the store is opened."""
    import json

    data_path = Path(data)
    raw = read_input_file(data_path, "数据文件")
    raw_products = read_input_file(Path(products), "商品文件") if products else None
    raw_plan = read_input_file(Path(plan), "方案文件", plan=True) if plan else None
    handbook = Handbook.from_dir(settings.cards_dir)
    reviewed = review_upload(raw, data_name=data_path.name, products=raw_products,
                             products_name=Path(products).name if products else "商品文件", plan=raw_plan, handbook=handbook,
                             store=lambda: _open(settings, save, check_owner), owner=owner, account=account, break_even=break_even, save=save, title=title)
    result = reviewed.result
    notes: list[str] = []
    history = len(result.history)
    who = f"账号「{reviewed.account}」" if reviewed.account else "默认账号"
    if history >= MIN_HISTORY:
        notes.append(f"note: compared with the median of {history} stored shows of {who}")
    elif history:
        notes.append(f"note: {history} stored show(s) of {who}: its own median counts from {MIN_HISTORY} on; "
                     "judged by the handbook's lines only")
    if reviewed.show_id and reviewed.already_saved:
        notes.append(f"note: this show was stored before (id {reviewed.show_id}); kept one copy")
    elif reviewed.show_id:
        notes.append(f"saved: show {reviewed.show_id} of {who}")
    text = json.dumps(result.to_json(), ensure_ascii=False, indent=2) if fmt == "json" else result.to_markdown(handbook.titles)
    return CommandOutput(text=text, notes=tuple(notes), show_id=reviewed.show_id)


def _open(settings, save: bool, check_owner):
    if save and check_owner is not None:
        check_owner()
    return open_store(settings.data_dir, create=save)
