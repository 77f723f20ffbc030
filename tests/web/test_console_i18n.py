# ruff: noqa: RUF001  (Chinese punctuation is full-width by design)
"""The console speaks English and Simplified Chinese: chosen by the browser, switchable and
remembered, on every console page, form messages included."""

from __future__ import annotations

import re

import pytest

from pintuan.web import i18n
from tests import factories as f
from tests.creators import helpers as c
from tests.flashsale import helpers as fs
from tests.web.conftest import Person, staff

ZH = {"accept-language": "zh-CN,zh;q=0.9,en;q=0.5"}
KEY = re.compile(r"[>\"]c\.[a-z_]+(\.[a-z_]+)*[<\"]")


def _pages(h, m):
    event = fs.event(h, m)
    prog = c.program(h, m)
    c.creator(h, m, prog)
    product = h.client.get("/v1/products", headers=f.auth(m)).json()["data"][0]
    return ["/console", "/console/products", f"/console/products/{product['id']}",
            "/console/deals", "/console/groups", "/console/orders", "/console/keys",
            "/console/webhooks", "/console/team", "/console/flash-sales",
            f"/console/flash-sales/{event['id']}", "/console/programs",
            f"/console/programs/{prog['id']}", f"/console/programs/{prog['id']}/leaderboard",
            "/console/creators", "/console/commissions", "/console/payouts"]


def test_every_console_page_is_in_chinese_when_the_browser_asks(h):
    m = f.merchant(h)
    desk = staff(h, m)
    for url in _pages(h, m):
        page = desk.get(url, headers=ZH)
        assert page.status_code == 200, url
        assert '<html lang="zh-Hans">' in page.text, url
        assert "概览" in page.text, url  # the navigation
        assert KEY.search(page.text) is None, (url, KEY.search(page.text))
    dashboard = desk.get("/console", headers=ZH).text
    assert "活动页浏览: 0; 开团数: 0; 占座: 0; 已付款座位: 0" in dashboard
    assert "Dashboard" not in dashboard


def test_the_console_language_is_switchable_and_remembered(h):
    m = f.merchant(h)
    desk = staff(h, m)
    assert "<h1>概览</h1>" in desk.get("/console", headers=ZH).text
    r = desk.post("/prefs", {"lang": "en", "next": "/console/flash-sales"}, headers=ZH)
    assert (r.status_code, r.headers["location"]) == (303, "/console/flash-sales")
    page = desk.get("/console/flash-sales", headers=ZH).text
    assert '<html lang="en">' in page
    assert "<h1>Flash sales</h1>" in page
    desk.post("/prefs", {"lang": "zh-Hans", "next": "/console"})
    assert "<h1>限时秒杀</h1>" in desk.get("/console/flash-sales").text
    signin = Person(h).get("/console/signin", headers=ZH).text
    assert "<h1>员工登录</h1>" in signin


@pytest.mark.parametrize(("url", "body", "message"), [
    ("/console/flash-sales", {"title": ""}, "请填写标题。"),
    ("/console/programs", {"name": "", "window_days": "0"}, "归因窗口（天）须在1到365之间。"),
    ("/console/creators", {"name": "Lin", "followers": "many"}, "粉丝数须为整数。"),
    ("/console/products", {"title": ""}, "请填写商品名称。"),
])
def test_form_messages_are_in_the_chosen_language(h, url, body, message):
    m = f.merchant(h)
    r = staff(h, m).post(url, body, headers=ZH)
    assert r.status_code == 422
    assert message in r.text
    assert "请修改标出的内容。" in r.text


def test_every_console_message_has_both_languages():
    console = {k: v for k, v in i18n.MESSAGES.items() if k.startswith("c.")}
    assert len(console) > 300
    for key, (en, zh) in console.items():
        assert en.strip(), key
        assert zh.strip(), key
        assert set(re.findall(r"{(\w+)}", en)) == set(re.findall(r"{(\w+)}", zh)), key
