"""The tab the browser tests take turns in (tests/conftest.py, Tab) comes back without what a test left."""

import pytest

from tests.conftest import VIEWPORT, Tab

pytestmark = pytest.mark.browser


def test_a_tab_given_back_keeps_nothing_of_the_last_test(browser, live_server):
    tab = Tab(browser)
    page = tab.take()
    page.goto(live_server.url + "/about")
    page.context.add_cookies([{"name": "left", "value": "behind", "url": live_server.url}])
    page.route("**/about", lambda route: route.fulfill(body="routed"))
    page.context.set_offline(True)
    page.set_viewport_size({"width": 375, "height": 700})
    page.set_default_timeout(1)
    tab.give_back()

    again = tab.take()
    assert again is page  # the same renderer, so scripts stay compiled
    assert again.url == "about:blank"
    assert again.context.cookies() == []
    assert again.viewport_size == VIEWPORT
    response = again.goto(live_server.url + "/about")  # online, not routed, and not given 1 ms
    assert response.status == 200 and "routed" not in again.content()
    tab.give_back()
    again.context.close()


def test_a_tab_closed_by_a_test_is_replaced(browser):
    tab = Tab(browser)
    first = tab.take()
    first.close()
    tab.give_back()
    second = tab.take()
    assert second is not first and not second.is_closed()
    tab.give_back()
    second.context.close()
