"""Answers to questions: the one entry point shared by the CLI, the app and the API.

``stream_answer`` yields text deltas (``str``) and finally the complete :class:`Answer`;
``answer_question`` returns only the Answer; ``AnswerStream`` wraps a stream for ``st.write_stream``.
Without a language model (the default) the answer is composed offline from the retrieved cards; with
one, the model writes it from the same numbered cards, and any failure (error, timeout, empty or uncited
reply) falls back to the offline answer with a visible notice. Citations are checked while streaming:
a ``[n]`` that is not a retrieved source never reaches the user.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Sequence

from langchain_core.language_models.chat_models import BaseChatModel

from settings import Settings

from assistant.answer import offline, prompts, suggest
from assistant.answer.citations import CitationFilter, tidy
from assistant.answer.history import normalise_history
from assistant.answer.llm import LLMError, build_chat_model, complete, stream_text
from assistant.answer.retrieve import OVERVIEW_SECTION, Retrieval, SearcherLike, refers_back, retrieve, retrieve_parts
from assistant.errors import AssistantError
from assistant.text import card_weights, clean_question, clean_text
from assistant.types import Answer, Source, Turn

log = logging.getLogger(__name__)

LLM_CARDS = 4                 # numbered cards given to the model
REWRITE_SHARE = 0.4           # share of the LLM time budget the question rewrite may use
MAX_REWRITE_CHARS = 120
EXCERPT_CHARS = 600


def _two_parts(q: str, retrieval: Retrieval, searcher: SearcherLike) -> tuple[Retrieval, ...]:
    """The separate retrievals of a two-part question, when both parts are answerable and differ."""
    if retrieval.plan.followup:
        return ()
    parts = retrieve_parts(q, searcher)
    if len(parts) != 2 or not all(p.in_scope and p.results for p in parts):
        return ()
    if parts[0].results[0].card_id == parts[1].results[0].card_id:
        return ()
    return parts


def _scope(retrieval: Retrieval, parts: Sequence[Retrieval]) -> dict:
    data = retrieval.evidence.to_json()
    if parts:
        data["parts"] = [p.plan.question for p in parts]
    return data


def _offline_answer(retrieval: Retrieval, notice: str = "", parts: Sequence[Retrieval] = ()) -> Answer:
    composed = offline.compose(retrieval, parts) if retrieval.in_scope else None
    if composed is None or not composed.text:
        refusal = offline.decline(retrieval.cards)
        scope = _scope(retrieval, parts)
        scope["grade"] = "out"
        return Answer(refusal.text, "offline", False, (), notice=notice, rewritten_question=retrieval.query,
                      scope=scope, suggestions=refusal.suggestions)
    return Answer(composed.text, "offline", True, composed.sources, notice=notice, rewritten_question=retrieval.query,
                  scope=_scope(retrieval, parts), suggestions=composed.suggestions)


def _llm_sources(retrieval: Retrieval, parts: Sequence[Retrieval] = ()) -> tuple[list[Source], list[str]]:
    sources, blocks = [], []
    results = list(retrieval.results[:LLM_CARDS])
    if parts:  # the best cards of each part first
        results = [p.results[0] for p in parts] + [r for r in results if r.card_id not in {p.results[0].card_id for p in parts}]
    seen: set[str] = set()
    for result in results:
        card = retrieval.cards.get(result.card_id)
        if card is None or card.id in seen or len(sources) >= LLM_CARDS:
            continue
        seen.add(card.id)
        n = len(sources) + 1
        passage = result.chunk.text if result.chunk.section not in ("", OVERVIEW_SECTION) else (card.summary or result.chunk.text)
        sources.append(Source(n=n, card_id=card.id, title=card.title, topics=tuple(card.topics),
                              excerpt=passage[:EXCERPT_CHARS], stage=card.stage, section=result.chunk.section))
        blocks.append(prompts.context_block(n, card.id, card.title, card.summary, card.body))
    return sources, blocks


def _rewrite(model: BaseChatModel, question: str, history: Sequence[Turn], budget: float) -> str:
    """The model's standalone version of a follow-up, or "" when it fails or returns junk."""
    try:
        text = complete(model, prompts.rewrite_messages(question, history), budget)
    except LLMError as exc:
        log.info("question rewrite failed: %s", exc)
        return ""
    text = clean_text(text).strip("“”\"' ")
    if not text or len(text) > MAX_REWRITE_CHARS:
        return ""
    return text


def stream_answer(
    question: str,
    history: Iterable[Turn | dict] = (),
    *,
    settings: Settings,
    searcher: SearcherLike,
    chat_model: BaseChatModel | None = None,
) -> Iterator[str | Answer]:
    """Yield the answer as text deltas, then the final :class:`Answer` (always last).

    Raises InvalidQuestionError (empty / too long question) or HistoryError at once, when called:
    before the searcher is touched and before anything is yielded. After a fallback from the model to
    the offline answer, a separator and the offline text are yielded; the final Answer holds only the
    offline text, so render from it once it arrives.
    """
    q = clean_question(question, settings.max_question_chars)
    turns = normalise_history(history)
    return _stream(q, turns, settings, searcher, chat_model)


def _stream(q: str, turns: list[Turn], settings: Settings, searcher: SearcherLike,
            chat_model: BaseChatModel | None) -> Iterator[str | Answer]:
    model = chat_model
    notice = ""
    if model is None and settings.llm_enabled:
        try:
            model = build_chat_model(settings)
        except Exception as exc:  # noqa: BLE001 - misconfiguration must not break answering
            log.warning("cannot build the chat model: %s", type(exc).__name__)
            notice = "大模型配置不可用，已改用离线回答"
    started = time.monotonic()
    budget = settings.llm_timeout

    rewritten = ""
    if model is not None and turns and refers_back(q):
        rewritten = _rewrite(model, q, turns, budget * REWRITE_SHARE)
    retrieval = retrieve(q, turns, searcher, query=rewritten or None)
    parts = _two_parts(q, retrieval, searcher) if retrieval.in_scope else ()

    if model is None or not retrieval.in_scope:
        answer = _offline_answer(retrieval, notice, parts)
        yield answer.answer
        yield answer
        return

    sources, blocks = _llm_sources(retrieval, parts)
    weights = card_weights(retrieval.cards)
    lead = retrieval.cards.get(sources[0].card_id) if sources else None
    note = offline.coverage_note(retrieval, lead, weights) if lead is not None and not parts else ""
    messages = prompts.answer_messages(q, retrieval.query, blocks, note=note,
                                       parts=[p.plan.question for p in parts])
    filt = CitationFilter(range(1, len(sources) + 1))
    shown: list[str] = []
    failure = ""
    try:
        deadline = started + budget
        for delta in stream_text(model, messages, budget, deadline=max(deadline, time.monotonic() + budget * 0.5)):
            safe = filt.feed(delta)
            if safe:
                if not shown and note:  # the same honest first line as the offline answer
                    shown.append(note + "\n")
                    yield note + "\n"
                shown.append(safe)
                yield safe
        tail = filt.flush()
        if tail:
            shown.append(tail)
            yield tail
    except LLMError as exc:
        failure = f"{exc}，已改用离线回答"
    text = tidy("".join(shown))
    if not failure:
        if not text or text == note.strip():
            failure = "大模型没有返回内容，已改用离线回答"
        elif not filt.used:
            failure = "大模型的回答没有引用手册来源，已改用离线回答"
    if failure:
        fallback = _offline_answer(retrieval, failure, parts)
        if shown:
            yield f"\n\n---\n（{failure}）\n\n"
        yield fallback.answer
        yield fallback
        return
    used = set(filt.used)  # never empty here: an uncited reply fell back above
    cited_sources = tuple(s for s in sources if s.n in used)
    cited_cards = [retrieval.cards[s.card_id] for s in cited_sources if s.card_id in retrieval.cards]
    if retrieval.evidence.grade == "grey":
        suggestions = offline.grey_choices(retrieval, weights)
    else:
        suggestions = suggest.follow_ups(retrieval.plan.own, cited_cards, weights)
    notes = []
    if filt.removed:
        notes.append("已删除回答里不存在的引用 " + "".join(f"[{n}]" for n in filt.removed))
    yield Answer(
        answer=text,
        mode="llm",
        in_scope=True,
        sources=cited_sources,
        notice="；".join(notes),
        rewritten_question=retrieval.query,
        scope=_scope(retrieval, parts),
        removed_citations=tuple(filt.removed),
        suggestions=suggestions,
    )


def answer_question(
    question: str,
    history: Iterable[Turn | dict] = (),
    *,
    settings: Settings,
    searcher: SearcherLike,
    chat_model: BaseChatModel | None = None,
) -> Answer:
    """The complete answer (see :func:`stream_answer`)."""
    stream = AnswerStream(stream_answer(question, history, settings=settings, searcher=searcher, chat_model=chat_model))
    for _ in stream:
        pass
    return stream.answer


class AnswerStream:
    """Iterate for the answer's text pieces (``st.write_stream``); afterwards ``.answer`` holds the Answer.

    After an LLM fallback the final Answer holds only the offline text: render from it."""

    def __init__(self, stream: Iterator[str | Answer]):
        self._stream = stream
        self._answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        for item in self._stream:
            if isinstance(item, Answer):
                self._answer = item
            elif item:
                yield item
        if self._answer is None:
            raise AssistantError("回答中断了：没有得到完整的回答")

    @property
    def answer(self) -> Answer:
        """The final Answer (once the stream has been read to its end)."""
        if self._answer is None:
            raise AssistantError("回答还没有结束")
        return self._answer
