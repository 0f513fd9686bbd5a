"""The page at phone width (390 px) in a real Chromium: charts first and full width,
the modebar clear of the chart titles, the curve list below, a formula folded in its
curve's editor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .harness import StreamlitServer, User, chart_labels, wait_for_traces

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 2400}


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.fixture
def phone(browser: Browser) -> Any:
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def _box(page: Page, selector: str, index: int = 0) -> dict[str, float]:
    box = page.locator(selector).nth(index).bounding_box()
    assert box is not None, selector
    return box  # type: ignore[return-value]


def test_phone_layout(phone: Page, server: StreamlitServer) -> None:
    phone.goto(f"{server.url}?units=fraction&init_lr=3e-4")
    wait_for_traces(phone, sum(map(len, chart_labels())))
    charts = [_box(phone, ".js-plotly-plot", i) for i in range(2)]
    for chart in charts:
        assert chart["width"] >= PHONE["width"] - 60  # full width, less the page's padding
    # Stacked, charts first: the curve list and its cards come after both charts.
    assert charts[0]["y"] + charts[0]["height"] <= charts[1]["y"]
    curves = _box(phone, "h3:has-text('Curves')")
    assert curves["y"] >= charts[1]["y"] + charts[1]["height"]
    for i in range(2):
        title = _box(phone, ".js-plotly-plot .gtitle", i)
        bar = _box(phone, ".js-plotly-plot .modebar", i)
        assert not _overlap(title, bar), (title, bar)
        assert title["x"] + title["width"] <= charts[i]["x"] + charts[i]["width"]
    # Legends and captions fit inside their charts, not clipped.
    for i in range(2):
        legend = _box(phone, ".js-plotly-plot .legend", i)
        assert legend["y"] + legend["height"] <= charts[i]["y"] + charts[i]["height"] + 1
        caption = _box(phone, f".js-plotly-plot >> nth={i} >> .annotation-text-g")
        assert caption["x"] + caption["width"] <= charts[i]["x"] + charts[i]["width"], caption
    # A formula is folded in its curve's editor, and a folded one is not even sent;
    # opening it reruns and draws it.
    user = User(phone)
    formula = phone.locator("details:has(summary:has-text('Formula'))")
    user.click(
        phone.get_by_role("button", name="Edit").first,
        until=lambda: expect(formula).to_have_count(1),
    )
    assert formula.get_attribute("open") is None
    assert phone.locator(".katex").count() == 0
    user.click(
        formula.locator("summary"),
        until=lambda: expect(formula.locator(".katex").first).to_be_visible(),
    )
    # Nothing sticks out sideways.
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_notice_dismissed_in_the_browser(
    new_page: Callable[[], Page], server: StreamlitServer
) -> None:
    page = new_page()
    page.goto(f"{server.url}?units=fraction&total_steps=abc")
    notice = page.get_by_text("Ignored `total_steps`", exact=False)
    page.get_by_text("Ignored", exact=False).first.wait_for()
    assert notice.count() == 1 or page.get_by_text("Ignored").count() == 1
    page.get_by_role("button", name="Dismiss").click()
    page.get_by_text("Ignored", exact=False).first.wait_for(state="detached")
    assert page.get_by_text("Ignored", exact=False).count() == 0
