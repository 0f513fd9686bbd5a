"""What only a real browser shows: rendering, the URL as state, downloads, console errors.

Each test drives the system Chromium against ``streamlit run app.py`` on a free
loopback port (see ``harness.py``) and checks values, not just that nothing broke.
The ``new_page`` fixture fails any test whose pages log a console error, throw,
or open a dialog.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import numpy as np
import pytest
from playwright.sync_api import Download, Page, expect

import dynweights

from .conftest import PageLog
from .harness import (
    StreamlitServer,
    assert_plots_match,
    chart_labels,
    link_values,
    plot_traces,
    read_plots,
    wait_for_traces,
)

pytestmark = pytest.mark.browser

TRACES = sum(map(len, chart_labels()))
PARAMS = {p.name: p for s in dynweights.SCHEDULES.values() for p in s.params}


def query_of(url: str) -> dict[str, str]:
    """The URL's query, one value per key (the last, as Streamlit reads it)."""
    return dict(parse_qsl(urlsplit(url).query))


def open_view(page: Page, server: StreamlitServer, query: str = "") -> None:
    page.goto(f"{server.url}?{query}" if query else server.url)
    wait_for_traces(page, TRACES)


def test_default_page_draws_every_schedule_by_its_label(
    page: Page, server: StreamlitServer
) -> None:
    open_view(page, server)

    # The two charts: four loss weights, three learning rates.
    assert plot_traces(page) == [len(labels) for labels in chart_labels()] == [4, 3]
    assert_plots_match(read_plots(page), link_values({}))


def test_slider_rewrites_url_and_the_link_restores_the_view(
    new_page: Callable[[], Page], server: StreamlitServer
) -> None:
    page = new_page()
    open_view(page, server)
    power_factor = PARAMS["power_factor"]
    moved = f"{float(power_factor.default) + 3 * power_factor.step:.1f}"

    thumb = page.locator('input[type=range][aria-label="Power factor"]')
    thumb.focus()
    for _ in range(3):
        thumb.press("ArrowRight")
    expect(thumb).to_have_value(moved)
    page.wait_for_url(re.compile(rf"[?&]power_factor={re.escape(moved)}(&|$)"))
    link = page.url
    assert float(moved) != power_factor.default

    fresh = new_page()
    fresh.goto(link)
    wait_for_traces(fresh, TRACES)
    expect(fresh.locator('input[type=range][aria-label="Power factor"]')).to_have_value(moved)
    assert link_values(query_of(link))["power_factor"] == float(moved)
    assert_plots_match(read_plots(fresh), link_values(query_of(link)))


def test_typing_total_steps_rewrites_url_and_redraws(page: Page, server: StreamlitServer) -> None:
    open_view(page, server)

    box = page.get_by_role("spinbutton", name="Total steps", exact=True)
    box.fill("250")
    box.press("Enter")
    page.wait_for_url(re.compile(r"[?&]total_steps=250(&|$)"))
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).every((el) =>
            el.data.length > 0 && el.data.every((t) => {
                const x = t.x._inputArray || t.x;
                return x[x.length - 1] === 250;
            }))"""
    )
    assert query_of(page.url)["total_steps"] == "250"
    assert_plots_match(read_plots(page), link_values(query_of(page.url)))
    # The share link is the page's last code block.
    expect(page.get_by_test_id("stCode").last).to_contain_text("total_steps=250")


DOWNLOAD_LINK = {
    "total_steps": "250",
    "max_weight": "2.5",
    "power_factor": "3.5",
    "warmup_steps": "20",
    "init_lr": "0.05",
    "warmup_lr": "0.001",
    "min_lr": "0.002",
    "cycle_steps": "40",
    "cycle_mult": "2",
}


def test_download_csv_holds_every_step_exactly(page: Page, server: StreamlitServer) -> None:
    open_view(page, server, "&".join(f"{k}={v}" for k, v in DOWNLOAD_LINK.items()))
    values = link_values(DOWNLOAD_LINK)
    names = [s.name for family in chart_labels() for s in _specs(family)]

    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    download = info.value

    assert download.suggested_filename == "dynweights-T250-all-steps.csv"
    rows = list(csv.reader(io.StringIO(_read(download))))
    assert rows[0] == ["step", *names]
    table = rows[1:]
    steps = np.array([int(row[0]) for row in table])
    np.testing.assert_array_equal(steps, np.arange(values["total_steps"] + 1))
    for column, name in enumerate(names, start=1):
        got = np.array([float(row[column]) for row in table])
        spec = dynweights.SCHEDULES[name]
        kwargs = {p.name: values[p.name] for p in spec.params}
        expected = dynweights.evaluate(name, steps, **kwargs)
        # float(repr(x)) == x, so the file loses nothing: compare bit for bit.
        np.testing.assert_array_equal(got, expected, err_msg=name)


def test_download_json_holds_the_view(page: Page, server: StreamlitServer) -> None:
    open_view(page, server, "&".join(f"{k}={v}" for k, v in DOWNLOAD_LINK.items()))

    with page.expect_download() as info:
        page.get_by_role("button", name="Download JSON").click()
    download = info.value

    assert download.suggested_filename == "dynweights-T250-config.json"
    config = json.loads(_read(download))
    assert config["params"] == link_values(DOWNLOAD_LINK)
    assert list(config["visible"].values()) == [
        [s.name for s in _specs(labels)] for labels in chart_labels()
    ]
    shared = dict(parse_qsl(config["share_query"].removeprefix("?")))
    assert {k: shared[k] for k in DOWNLOAD_LINK} == DOWNLOAD_LINK


HOSTILE = (
    "total_steps=inf&init_lr=abc&max_weight=<img src=x onerror=alert(1)>"
    "&foo=<script>alert(1)</script>"
)


def test_hostile_link_draws_defaults_and_says_what_it_ignored(
    page: Page, page_log: PageLog, server: StreamlitServer
) -> None:
    open_view(page, server, HOSTILE)

    assert_plots_match(read_plots(page), link_values({}))
    notices = page.get_by_test_id("stAlert")
    for key in ("total_steps", "init_lr", "max_weight", "foo"):
        expect(notices.filter(has_text=key)).not_to_have_count(0)
    # The bad values leave the URL, so sharing the page does not share them.
    page.wait_for_url(lambda url: not set(query_of(url)) & {"total_steps", "init_lr", "foo"})
    injected = page.evaluate(
        """() => document.querySelectorAll('img[src="x"]').length
            + Array.from(document.scripts).filter((s) => s.text.includes('alert(1)')).length"""
    )
    assert injected == 0
    assert page_log.dialogs == []


def _specs(labels: list[str]) -> list[dynweights.Schedule]:
    by_label = {s.label: s for s in dynweights.SCHEDULES.values()}
    return [by_label[label] for label in labels]


def _read(download: Download) -> str:
    return Path(download.path()).read_text(encoding="utf-8")


def test_preset_and_pins_round_trip_through_the_share_link(
    new_page: Callable[[], Page], server: StreamlitServer
) -> None:
    pin = "cosine_annealing:total_steps=310;init_lr=0.1;min_lr=0.01"
    page = new_page()
    page.goto(f"{server.url}?preset=sgdr&pin={quote(pin)}")
    # SGDR's one curve, and the pinned cosine annealing beside it.
    wait_for_traces(page, 2)
    link = page.get_by_test_id("stCode").last.inner_text().strip()
    query = dict(parse_qsl(urlsplit(link).query))
    assert query["preset"] == "sgdr"
    assert query["pin"] == pin
    before = read_plots(page)

    fresh = new_page()
    fresh.goto(link)
    wait_for_traces(fresh, 2)
    after = read_plots(fresh)
    assert after == before
    names = [t["name"] for chart in after for t in chart]
    assert names == ["Cosine warm restarts", "📌 Cosine annealing (total_steps=310, min_lr=0.01)"]
    sgdr = dynweights.PRESETS["sgdr"].params
    x, y = (np.asarray(after[1][0][k]) for k in ("x", "y"))
    np.testing.assert_array_equal(y, dynweights.evaluate("cosine_warm_restarts", x, **sgdr))
    x, y = (np.asarray(after[1][1][k]) for k in ("x", "y"))
    np.testing.assert_array_equal(
        y, dynweights.evaluate("cosine_annealing", x, total_steps=310, min_lr=0.01)
    )
