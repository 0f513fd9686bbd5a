"""The training setup in a real Chromium (issue 12): a pasted config and the x-axis unit."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from playwright.sync_api import Page, expect
from worked_example import EXPLAIN, PASTES

import dynweights

from .harness import StreamlitServer, User, wait_for_traces

pytestmark = pytest.mark.browser


def lr_traces(page: Page) -> list[dict[str, Any]]:
    """The learning-rate chart's traces, with the steps kept in ``customdata``."""
    (traces,) = page.evaluate(
        """() => {
            const values = (a) => a ? Array.from(a._inputArray ? a._inputArray : a) : null;
            return Array.from(document.querySelectorAll('.js-plotly-plot'))
                .filter((el) => el.querySelector('.gtitle')?.textContent
                    === 'Learning-rate schedules')
                .map((el) => el.data.map((t) => ({name: t.name, x: values(t.x),
                    y: values(t.y), customdata: values(t.customdata)})));
        }"""
    )
    return list(traces)


def test_pasting_a_yaml_config_adds_the_trainer_schedule(
    page: Page, server: StreamlitServer
) -> None:
    page.goto(f"{server.url}?units=steps&curve=linear&num_examples=50")
    wait_for_traces(page, 1)
    user = User(page)
    label = "Hugging Face config, PyTorch scheduler code or timm arguments"
    area = page.get_by_role("textbox", name=label)
    user.click(
        page.get_by_text("Paste a config or scheduler code"),
        until=lambda: expect(area).to_be_visible(),
    )
    area.fill(PASTES["yaml"])
    user.click(page.get_by_role("button", name="Add its schedule"))
    wait_for_traces(page, 2)
    # The panel stays open, with what it did.
    expect(page.get_by_text(f"Added HF cosine_with_min_lr: {EXPLAIN}.")).to_be_visible()
    expect(page.get_by_test_id("stAlertContentInfo").get_by_text("output_dir")).to_be_visible()
    (trace,) = lr_traces(page)
    assert trace["name"] == "HF cosine_with_min_lr"
    config = {
        "learning_rate": 3e-4,
        "lr_scheduler_type": "cosine_with_min_lr",
        "lr_scheduler_kwargs": {"min_lr": 3e-5},
        "warmup_steps": 0.1,
        "num_train_epochs": 3,
        "per_device_train_batch_size": 4,
        "gradient_accumulation_steps": 2,
    }
    expected = dynweights.from_hf_trainer(config, num_examples=50)
    assert expected.total_steps == 21
    x = np.asarray(trace["x"], dtype=np.int64)
    # Drawn over the page's one span, the weight curve's 100 steps, holding after its 21.
    assert x[-1] == 100
    assert 21 in x
    y = np.asarray(trace["y"])
    np.testing.assert_array_equal(y, expected.values(x))
    assert set(y[x >= 21]) == {3e-5}
    page.wait_for_function("() => location.search.includes('batch_size=4')")
    query = parse_qs(urlsplit(page.url).query)
    assert query["accumulation"] == ["2"]
    assert query["epochs"] == ["3"]
    # A bad paste names the field and keeps the curves.
    area.fill("num_train_epochs: -1")
    refused = page.get_by_text("Not added, the curves are unchanged")
    user.click(
        page.get_by_role("button", name="Add its schedule"),
        until=lambda: expect(refused).to_be_visible(),
    )
    expect(refused).to_contain_text("num_train_epochs")
    assert len(lr_traces(page)) == 1


def test_unit_selector_draws_epochs_and_keeps_the_step(page: Page, server: StreamlitServer) -> None:
    setup = "num_examples=50&batch_size=4&accumulation=2&epochs=3"
    page.goto(f"{server.url}?units=steps&total_steps=21&{setup}&curve=linear_with_warmup")
    wait_for_traces(page, 1)
    x_axis = page.get_by_role("radiogroup", name="X axis in")
    User(page).click(x_axis.get_by_text("epochs", exact=True))
    assert parse_qs(urlsplit(page.url).query)["x_unit"] == ["epochs"]
    (trace,) = lr_traces(page)
    steps = np.asarray(trace["customdata"], dtype=np.int64)
    assert steps[-1] == 21
    np.testing.assert_array_equal(np.asarray(trace["x"]), steps / 7)
    expected = dynweights.schedule("linear_with_warmup", total_steps=21)
    np.testing.assert_array_equal(np.asarray(trace["y"]), expected.values(steps))
    expect(page.locator(".xtitle", has_text="epochs (7 optimizer steps each)")).to_be_visible()
    # Tokens are offered only once a sequence length is set.
    expect(x_axis.get_by_role("radio")).to_have_count(3)
    assert x_axis.get_by_role("radio", name="tokens").count() == 0
