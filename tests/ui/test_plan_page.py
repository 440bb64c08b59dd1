"""播前方案 through Streamlit's AppTest: products pasted as lines, form limits, problems in Chinese beside their
field (nothing saved), plans saved per owner and reopened or copied a week on, the print view and the 主播屏."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.ui.test_app import button, new_app, ok, texts

PRODUCTS = "羊绒大衣 399 成本180 库存200 利润款\n打底衫 9.9 成本11 库存2000 引流款\n羽绒服 699 成本330 库存800 主推\n围巾 59 成本22 库存500"


def plan_page(at):
    at.switch_page("views/plan.py")
    return ok(at.run())


def store_of(settings):
    from assistant.plan.store import PlanStore

    return PlanStore(settings.data_dir)


def fill(at, **overrides):
    values = {"plan_streamer": "豆芽", "plan_category": "女装", "plan_followers": 4500000, "plan_duration": 4.0,
              "plan_gmv": 10000000, "plan_budget": 200000, "plan_products_text": PRODUCTS}
    values.update(overrides)
    for key, value in values.items():
        if key == "plan_products_text":
            at.text_area(key=key).input(value)
        elif isinstance(value, str):
            at.text_input(key=key).input(value)
        else:
            at.number_input(key=key).set_value(value)
    at.date_input(key="plan_date").set_value(dt.date(2026, 12, 9))
    at.time_input(key="plan_time").set_value(dt.time(19, 0))
    return at


def test_form_limits_match_the_validator(app_data):
    from assistant.plan.inputs import MAX_BUDGET, MAX_FOLLOWERS, MAX_GMV, MAX_HOURS, MIN_HOURS

    app_data()
    at = plan_page(new_app().run())
    duration = at.number_input(key="plan_duration")
    assert (duration.min, duration.max) == (MIN_HOURS, MAX_HOURS)
    assert at.number_input(key="plan_followers").max == MAX_FOLLOWERS
    assert at.number_input(key="plan_gmv").max == MAX_GMV and at.number_input(key="plan_budget").max == MAX_BUDGET
    labels = [w.label for w in at.text_input] + [w.label for w in at.number_input]
    assert "主播 / 账号" in labels and "直播时长（小时）" in labels and "粉丝数" in labels


def test_problems_are_shown_in_chinese_beside_their_field_and_nothing_is_saved(app_data):
    settings = app_data()
    at = plan_page(new_app().run())
    at.text_area(key="plan_products_text").input("羽绒服 399 成本200\n围巾 abc")
    button(at, "生成方案").click()
    ok(at.run())
    shown = [e.value for e in at.error]
    assert any("计划输入无效" in e and "什么都没有保存" in e for e in shown)
    assert any(e.startswith("缺少必填项：主播 / 账号") for e in shown), shown
    assert any("第2行“围巾 abc”：没有找到价格" in e for e in shown), shown
    assert not any("must" in e or "out of range" in e for e in shown)
    assert not at.get("download_button") and store_of(settings).list("") == []


def test_a_bad_product_value_is_named_by_its_line(app_data):
    settings = app_data()
    at = fill(plan_page(new_app().run()), plan_products_text="羽绒服 399 成本200 库存300 主推\n\n围巾 59 爆款王")
    button(at, "生成方案").click()
    ok(at.run())
    assert any("第3行" in e.value and "看不懂“爆款王”" in e.value for e in at.error), [e.value for e in at.error]
    at = fill(at, plan_products_text="羽绒服 399 成本200 库存300 主推\n\n围巾 59 库存2.5")
    button(at, "生成方案").click()
    ok(at.run())
    assert any("第3行“围巾”的库存（stock）" in e.value and "整数" in e.value for e in at.error), [e.value for e in at.error]
    assert store_of(settings).list("") == []


def test_a_valid_form_drafts_saves_and_offers_exports(app_data):
    from assistant.plan import SECTION_KEYS

    settings = app_data()
    at = plan_page(new_app().run())
    button(at, "填入示例").click()
    ok(at.run())
    assert at.text_input(key="plan_streamer").value == "豆芽" and "羽绒服 699" in at.text_area(key="plan_products_text").value
    button(at, "生成方案").click()
    ok(at.run())
    assert not at.error, [e.value for e in at.error]
    headings = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert len(headings) == len(SECTION_KEYS)
    assert [d.proto.label for d in at.get("download_button")] == ["下载 Markdown", "下载 JSON", "预热日程 .ics", "打印版 HTML"]
    plan = at.session_state["plan_result"].to_json()
    assert [e["role"] for e in plan["lineup"]] == ["profit", "hook", "main", "main"], "given roles kept, 围巾 承接 by price"
    saved = store_of(settings).list("")
    assert len(saved) == 1 and saved[0].id == at.session_state["plan_id"]
    assert "None" not in texts(at)
    button(at, "生成方案").click()   # generating again saves over the same plan
    ok(at.run())
    assert len(store_of(settings).list("")) == 1


def test_last_weeks_plan_is_reopened_and_copied(app_data):
    settings = app_data()
    at = plan_page(new_app().run())
    button(at, "填入示例").click()
    ok(at.run())
    at.date_input(key="plan_date").set_value(dt.date(2026, 12, 9))
    button(at, "生成方案").click()
    ok(at.run())
    first = at.session_state["plan_id"]
    at = plan_page(new_app().run())
    assert any("豆芽 · 2026-12-09 19:00" in m.value for m in at.markdown)
    button_key = next(b for b in at.button if b.key == f"copy_{first}")
    button_key.click()
    ok(at.run())
    assert at.date_input(key="plan_date").value == dt.date(2026, 12, 16)
    assert "羽绒服 699 成本330 库存12000" in at.text_area(key="plan_products_text").value
    button(at, "生成方案").click()
    ok(at.run())
    saved = store_of(settings).list("")
    assert len(saved) == 2 and {s.broadcast_at for s in saved} == {"2026-12-09T19:00", "2026-12-16T19:00"}
    next(b for b in at.button if b.key == f"open_{first}").click()
    ok(at.run())
    assert at.session_state["plan_id"] == first and at.date_input(key="plan_date").value == dt.date(2026, 12, 9)
    assert at.session_state["plan_result"].inputs["broadcast_at"] == "2026-12-09T19:00"


def _saved_plan(settings, shipped_cards, **changes):
    from assistant.plan import build_plan
    from tests.assistant.conftest import DEV_PLANS

    plan = build_plan(dict(DEV_PLANS[0], **changes), shipped_cards)
    return store_of(settings).save("", plan.inputs, plan.to_json()), plan


def test_the_print_view_shows_only_the_plan(app_data, shipped_cards):
    settings = app_data()
    plan_id, _plan = _saved_plan(settings, shipped_cards)
    at = plan_page(new_app({"view": "print", "plan": plan_id}).run())
    page = texts(at)
    assert "1. 目标拆解" in page and "10. 复盘清单" in page and "豆芽 直播策划方案" in page
    assert not at.text_input and not at.get("download_button") and not any(b.label == "生成方案" for b in at.button)
    missing = plan_page(new_app({"view": "print", "plan": "nope-not-a-plan"}).run())
    assert any("没有找到这份方案" in e.value for e in missing.error)


def test_another_owners_plan_cannot_be_opened(app_data, shipped_cards):
    from assistant.plan.store import PlanStore
    from assistant.plan import build_plan
    from tests.assistant.conftest import DEV_PLANS

    settings = app_data()
    plan = build_plan(DEV_PLANS[0], shipped_cards)
    theirs = PlanStore(settings.data_dir).save("someone-else", plan.inputs, plan.to_json())
    at = plan_page(new_app({"view": "cue", "plan": theirs}).run())
    assert any("没有找到这份方案" in e.value for e in at.error)
    at = plan_page(new_app().run())
    assert "我的方案（0）" in texts(at)


@pytest.mark.parametrize("manual", [False, True])
def test_the_cue_screen_shows_now_next_products_and_lines(manual, app_data, shipped_cards):
    settings = app_data()
    now = dt.datetime.now() + dt.timedelta(hours=8)   # any moment: the manual view does not depend on it
    plan_id, plan = _saved_plan(settings, shipped_cards, broadcast_at=now.strftime("%Y-%m-%dT%H:%M"))
    at = plan_page(new_app({"view": "cue", "plan": plan_id}).run())
    if manual:
        at.toggle(key="cue_manual").set_value(True)
        ok(at.run())
        at.number_input(key="cue_index").set_value(2)
        ok(at.run())
        html = "".join(m.value for m in at.markdown)
        block = plan.run_of_show[1]
        assert block.segment in html and block.script[0] in html and "cue-now" in html
        assert plan.run_of_show[2].segment in html, "and what comes next"
    else:
        html = "".join(m.value for m in at.markdown)
        assert "cue-" in html and ("开播" in html or "现在" in html or "已结束" in html)
