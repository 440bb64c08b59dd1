"""The 维护 page through AppTest, on a private copy of the real index: progress that reaches its totals, the
history and a rollback with a confirmation (a card added and then rolled away), editing a card (checked
with the whole handbook, nothing saved when invalid, saved and re-indexed when valid, undone by a
rollback), the gaps beside the 👎 feedback with the answers given; and the handbook search's
"没有找到相关卡片"."""

from __future__ import annotations

import re
import textwrap

from tests.ui.test_app import PASSWORD, button, login, maintain_page, new_app, ok, store_of, texts

NEW_CARD = textwrap.dedent("""\
    ---
    id: zz-live-clips-test
    title: 直播切片二次剪辑测试卡
    topics: [clips]
    stage: post
    ---
    ## 怎么做

    1. 把成交高峰的片段剪成三十秒的切片，配上字幕再发一遍。
    """)
EDITED = "traffic/warmup-schedule.md"


def logged_in(app_data, cards_dir):
    settings = app_data(cards_dir, PLAYBOOK_ADMIN_PASSWORD=PASSWORD)
    at = maintain_page(ok(new_app().run()))
    login(at, PASSWORD)
    return settings, at


def serving(settings) -> str:
    from index.api import serving_state

    return serving_state(settings)["serving_generation"]


def test_rebuild_progress_history_and_rollback_with_confirmation(app_data, cards_dir):
    settings, at = logged_in(app_data, cards_dir)
    page = texts(at)
    assert "本页时间均为北京时间" in page and "版本历史" in page and "正在使用版本 gen-000001" in page
    first = serving(settings)

    (cards_dir / "traffic" / "zz-live-clips-test.md").write_text(NEW_CARD, encoding="utf-8")
    at.run()
    assert "卡片目录和正在使用的索引不一致：新增 1 张（zz-live-clips-test）" in texts(at)
    button(at, "重建索引").click()
    ok(at.run())
    page = texts(at)
    assert "新增 1" in page and serving(settings) == "gen-000002"
    steps = next(c.value for c in at.caption if c.value.startswith("各步骤："))
    pairs = re.findall(r"(\d+)/(\d+)", steps)
    assert len(pairs) == 6 and all(done == total for done, total in pairs), steps  # every stage reached its total
    assert "改动 1 张卡片（相对 gen-000001）：新增 1：zz-live-clips-test" in page

    # roll back: first a confirmation, then the switch (and the card file goes, backed up)
    at.button(key="rollback_gen-000001").click()
    ok(at.run())
    assert "确认回滚到 gen-000001" in texts(at) and serving(settings) == "gen-000002"
    button(at, "取消").click()
    ok(at.run())
    assert "确认回滚" not in texts(at)
    at.button(key="rollback_gen-000001").click()
    ok(at.run())
    assert at.checkbox(key="rollback_restore").value is True
    button(at, "确认回滚").click()
    ok(at.run())
    page = texts(at)
    assert "已回滚到 gen-000001（原来是 gen-000002）；恢复了 1 个卡片文件" in page, page
    assert serving(settings) == first and not (cards_dir / "traffic" / "zz-live-clips-test.md").exists()
    assert "不一致" not in page

    # the chat answers from the generation rolled back to
    from index.api import open_searcher

    searcher = open_searcher(settings)
    try:
        assert "zz-live-clips-test" not in {r.card_id for r in searcher.search("直播切片二次剪辑", k=5)}
    finally:
        searcher.close()


def test_edit_a_card_invalid_is_not_saved_valid_is_saved_reindexed_and_undone_by_rollback(app_data, cards_dir):
    settings, at = logged_in(app_data, cards_dir)
    path = cards_dir / EDITED
    original = path.read_text(encoding="utf-8")
    at.selectbox(key="edit_file").set_value(EDITED)
    ok(at.run())
    assert at.text_area(key="edit_text").value == original

    broken = re.sub(r"^id: .*\n", "", original, count=1, flags=re.M)
    at.text_area(key="edit_text").set_value(broken)
    button(at, "保存并重建索引").click()
    ok(at.run())
    problems = "\n".join(c.value for c in at.code)
    assert "没有保存" in texts(at)
    assert re.search(r"traffic/warmup-schedule\.md:2: 缺少必填字段 `id`", problems), problems
    assert "    ↳ " in problems  # the links it would break, under it
    assert path.read_text(encoding="utf-8") == original and serving(settings) == "gen-000001"

    edited = original.rstrip("\n") + "\n\n- 补充：预热视频发布后一小时内回复评论。\n"
    at.text_area(key="edit_text").set_value(edited)
    button(at, "检查").click()
    ok(at.run())
    assert "检查通过" in texts(at)
    button(at, "保存并重建索引").click()
    ok(at.run())
    assert f"已保存 {EDITED}，索引已重建" in texts(at)
    assert path.read_text(encoding="utf-8") == edited and serving(settings) == "gen-000002"
    assert "修改 1：warmup-schedule" in texts(at)

    at.button(key="rollback_gen-000001").click()
    ok(at.run())
    button(at, "确认回滚").click()
    ok(at.run())
    assert path.read_text(encoding="utf-8") == original  # the edit history is the generations
    assert serving(settings) == "gen-000001"


def test_gaps_beside_thumbs_down_with_the_answers_given(app_data, cards_dir):
    settings = app_data(cards_dir, PLAYBOOK_ADMIN_PASSWORD=PASSWORD)
    store = store_of(settings)
    for question in ("火锅底料怎么炒才香", "火锅底料怎么炒"):
        cid = store.create()
        store.add_message(cid, "user", question)
        store.add_message(cid, "assistant", "抱歉，这个问题不在操盘手册的范围里。", in_scope=False, scope={"grade": "out"})
    cid = store.create()
    store.add_message(cid, "user", "福袋多久发一次")
    mid = store.add_message(cid, "assistant", "福袋按十五到二十分钟一次打底 [1]", in_scope=True, scope={"grade": "in"})
    store.set_feedback(mid, "down", "没说大场和小场的区别")
    at = maintain_page(ok(new_app().run()))
    login(at, PASSWORD)
    page = texts(at)
    assert "待补写的问题" in page
    assert "**火锅底料怎么炒才香** · 2 次" in page or "**火锅底料怎么炒** · 2 次" in page, page
    assert "没有回答（超出手册范围） 2" in page
    expanders = {e.label: e for e in at.expander}
    downs = [e for label, e in expanders.items() if "没说大场和小场的区别" in label]
    assert downs and any("十五到二十分钟" in m.value for e in downs for m in e.markdown)
    assert cid not in page  # aggregates only: no conversation ids


def test_handbook_search_says_nothing_relevant_for_nonsense(app_data):
    app_data()
    at = new_app().run()
    at.switch_page("views/handbook.py")
    ok(at.run())
    for nonsense in ("火锅底料配方", "asdfgh"):
        at.text_input(key="hb_query").input(nonsense)
        ok(at.run())
        assert "没有找到相关卡片" in texts(at), nonsense
        assert not [b for b in at.button if b.label == "阅读"]
    at.text_input(key="hb_query").input("憋单")
    ok(at.run())
    assert "搜索结果" in texts(at) and [b for b in at.button if b.label == "阅读"]
