"""The plan as a standalone, printable HTML page (print it or save it as PDF from the browser).

Made from the plan's Markdown with markdown-it (CommonMark, raw HTML off: everything the inputs say is
shown as text, never as markup), with print styles: A4, page numbers by the browser, tables that do
not split a row across pages, headings kept with what follows, and no form or sidebar - only the plan.
"""

from __future__ import annotations

import html
from typing import Mapping

from markdown_it import MarkdownIt
from playbook.models import Card

from assistant.plan.render import plan_markdown
from assistant.types import Plan

STYLE = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       color: #111; line-height: 1.55; font-size: 11pt; max-width: 900px; margin: 0 auto; padding: 16px; }
h1 { font-size: 18pt; margin: 0 0 8px; }
h2 { font-size: 14pt; margin: 18px 0 6px; border-bottom: 1px solid #999; padding-bottom: 2px; break-after: avoid; }
h2 + * { break-before: avoid; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 9.5pt; }
th, td { border: 1px solid #bbb; padding: 3px 5px; vertical-align: top; text-align: left; }
th { background: #f0f0f0; }
tr { break-inside: avoid; }
blockquote { margin: 6px 0; padding: 4px 10px; border-left: 3px solid #c60; background: #fff6ee; }
ul, ol { padding-left: 22px; margin: 4px 0; }
li { margin: 1px 0; }
hr { border: 0; border-top: 1px solid #ccc; }
.noprint { margin: 0 0 12px; font-size: 10pt; color: #555; }
@media print { .noprint { display: none; } body { padding: 0; max-width: none; } }
"""

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").disable(["image", "link", "autolink"])


def markdown_html(text: str) -> str:
    """Markdown as HTML, raw HTML in the text escaped (never rendered)."""
    return _MD.render(text)


def plan_html(plan: Plan, cards: Mapping[str, Card] | None = None) -> str:
    """The whole plan as one printable HTML document."""
    title = f"{plan.inputs.get('streamer', '')} 直播策划方案"
    body = markdown_html(plan_markdown(plan, cards))
    return (
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        "<p class=\"noprint\">打印或另存为 PDF：在浏览器里按 Ctrl+P（手机在分享菜单里选“打印”）。</p>"
        f"{body}</body></html>\n"
    )
