"""(De)serialisation of cards and chunks stored with a generation."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from playbook.models import Card

from index.types import Chunk


def _plain(value: Any) -> Any:
    if isinstance(value, (MappingProxyType, dict)):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def card_to_dict(card: Card) -> dict:
    return {
        "id": card.id,
        "title": card.title,
        "topics": list(card.topics),
        "stage": card.stage,
        "body": card.body,
        "path": str(card.path),
        "body_line": card.body_line,
        "content_hash": card.content_hash,
        "summary": card.summary,
        "links": list(card.links),
        "keywords": list(card.keywords),
        "questions": list(card.questions),
        "forces": list(card.forces),
        "plan": _plain(card.plan),
    }


def card_from_dict(data: dict) -> Card:
    return Card(
        id=data["id"],
        title=data["title"],
        topics=tuple(data.get("topics") or ()),
        stage=data["stage"],
        body=data.get("body", ""),
        path=Path(data.get("path", "")),
        body_line=int(data.get("body_line", 1)),
        content_hash=data.get("content_hash", ""),
        summary=data.get("summary", ""),
        links=tuple(data.get("links") or ()),
        keywords=tuple(data.get("keywords") or ()),
        questions=tuple(data.get("questions") or ()),
        forces=tuple(data.get("forces") or ()),
        plan=MappingProxyType(dict(data.get("plan") or {})),
    )


def chunk_to_dict(chunk: Chunk) -> dict:
    return {
        "chunk_id": chunk.chunk_id,
        "card_id": chunk.card_id,
        "title": chunk.title,
        "section": chunk.section,
        "text": chunk.text,
        "topics": list(chunk.topics),
        "stage": chunk.stage,
        "forces": list(chunk.forces),
        "ordinal": chunk.ordinal,
        "search_text": chunk.search_text,
    }


def chunk_from_dict(data: dict) -> Chunk:
    return Chunk(
        chunk_id=data["chunk_id"],
        card_id=data["card_id"],
        title=data["title"],
        section=data.get("section", ""),
        text=data.get("text", ""),
        topics=tuple(data.get("topics") or ()),
        stage=data.get("stage", ""),
        forces=tuple(data.get("forces") or ()),
        ordinal=int(data.get("ordinal", 0)),
        search_text=data.get("search_text", ""),
    )


def chunk_metadata(chunk: Chunk, card: Card | None = None, with_card: bool = False) -> dict:
    """Chroma metadata of a chunk (arrays only when non-empty: Chroma rejects empty lists)."""
    meta: dict[str, Any] = {
        "card_id": chunk.card_id,
        "title": chunk.title,
        "section": chunk.section,
        "ordinal": chunk.ordinal,
        "stage": chunk.stage,
    }
    if chunk.topics:
        meta["topics"] = list(chunk.topics)
    if chunk.forces:
        meta["forces"] = list(chunk.forces)
    if chunk.search_text:
        meta["search_text"] = chunk.search_text
    if card is not None:
        meta["card_hash"] = card.content_hash
        if with_card:
            meta["card_json"] = json.dumps(card_to_dict(card), ensure_ascii=False)
    return meta


def chunk_from_metadata(chunk_id: str, document: str, meta: dict) -> Chunk:
    return Chunk(
        chunk_id=chunk_id,
        card_id=meta["card_id"],
        title=meta.get("title", ""),
        section=meta.get("section", ""),
        text=document or "",
        topics=tuple(meta.get("topics") or ()),
        stage=meta.get("stage", ""),
        forces=tuple(meta.get("forces") or ()),
        ordinal=int(meta.get("ordinal", 0)),
        search_text=meta.get("search_text", ""),
    )
