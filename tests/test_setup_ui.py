"""The training setup, the x-axis unit and a pasted Hugging Face config (issue 12), in AppTest.

The worked example of the issue: 50 examples, batch 4, 2 accumulation steps and
3 epochs are 13 batches per epoch, 7 optimizer steps per epoch, 21 steps.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np
import pytest
from app_helpers import (
    download,
    figures,
    link,
    link_notices,
    open_app,
    record_downloads,
    texts,
    type_text,
    unpack,
    view,
)
from streamlit.testing.v1 import AppTest
from worked_example import CONFIG, EXPLAIN, PASTES, WORKED

import dynweights
from explorer import curves as cv
from explorer import links

LR = "Learning-rate schedules"


def set_setup(at: AppTest, **values: Any) -> AppTest:
    for key, value in values.items():
        if isinstance(value, bool):
            at.toggle(key=f"w.setup.{key}").set_value(value)
            at = at.run()
        else:
            at = type_text(at, f"w.setup.{key}", str(value))
    return at


def lr_traces(at: AppTest) -> list[dict[str, Any]]:
    return list(figures(at)[LR]["data"])


def test_panel_is_folded_and_explains_the_default_run() -> None:
    at = open_app()
    (panel,) = [e for e in at.expander if e.label == "Training setup"]
    assert panel.proto.expanded is False
    assert any(
        "100 batches per epoch → 100 optimizer steps per epoch → 100 steps" in t
        for t in texts(at, "markdown")
    )
    assert "num_examples" not in link(at)


def test_worked_example_sets_the_shared_total_steps() -> None:
    at = open_app({"units": "steps", "curve": "cosine_with_linear_warmup:warmup_steps=3"})
    at = set_setup(at, **WORKED)
    assert any(EXPLAIN in t for t in texts(at, "markdown"))
    (use,) = [b for b in at.button if b.key == "w.setup.use"]
    assert use.proto.label == "Use 21 steps as the shared total steps"
    use.click().run()
    assert not at.exception
    assert view(at).shared["total_steps"] == 21
    assert at.text_input(key="w.shared.total_steps").value == "21"
    (trace,) = lr_traces(at)
    steps = unpack(trace["x"])
    assert steps[-1] == 21
    expected = dynweights.schedule("cosine_with_linear_warmup", total_steps=21, warmup_steps=3)
    np.testing.assert_array_equal(unpack(trace["y"]), expected.values(steps))
    # The setup is part of the link, and the link brings it back.
    shared = link(at)
    assert shared["num_examples"] == "50"
    assert shared["batch_size"] == "4"
    assert shared["accumulation"] == "2"
    assert shared["epochs"] == "3"
    assert shared["total_steps"] == "21"
    again = open_app(shared)
    assert link_notices(again) == []
    assert link(again) == shared
    assert {k: view(again).shared[k] for k in WORKED} == WORKED
    assert any(EXPLAIN in t for t in texts(again, "markdown"))


def test_x_unit_shows_epochs_with_the_step_in_hover_and_csv(monkeypatch: Any) -> None:
    recorded = record_downloads(monkeypatch)
    at = open_app(
        {"units": "steps", "total_steps": "21", "curve": "linear_with_warmup:warmup_steps=3"}
    )
    at = set_setup(at, **WORKED)
    radio = at.radio(key="w.shared.x_unit")
    assert list(radio.options) == ["steps", "epochs", "examples"]  # no tokens without a length
    radio.set_value("epochs").run()
    (trace,) = lr_traces(at)
    steps = unpack(trace["customdata"]).astype(np.int64)
    np.testing.assert_array_equal(unpack(trace["x"]), steps / 7)
    assert steps[-1] == 21
    assert "step %{customdata" in trace["hovertemplate"]
    layout = figures(at)[LR]["layout"]
    assert layout["xaxis"]["title"]["text"] == "epochs (7 optimizer steps each)"
    assert link(at)["x_unit"] == "epochs"
    _, text = download(at, "Download CSV", recorded)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["step", "epochs", "Linear with warmup"]
    assert [int(r[0]) for r in rows[1:]] == list(range(22))
    assert [float(r[1]) for r in rows[1:]] == [s / 7 for s in range(22)]
    bound = dynweights.schedule("linear_with_warmup", total_steps=21, warmup_steps=3)
    assert [float(r[2]) for r in rows[1:]] == bound.values(np.arange(22)).tolist()
    # Tokens appear once a sequence length is set.
    at = set_setup(at, sequence_length=128)
    at.radio(key="w.shared.x_unit").set_value("tokens").run()
    (trace,) = lr_traces(at)
    steps = unpack(trace["customdata"]).astype(np.int64)
    np.testing.assert_array_equal(unpack(trace["x"]), steps * (4 * 2 * 128))
    again = open_app(link(at))
    assert view(again).shared["x_unit"] == "tokens"
    assert link_notices(again) == []


@pytest.mark.parametrize("form", list(PASTES))
def test_paste_adds_the_exact_trainer_schedule(form: str) -> None:
    at = open_app({"units": "fraction", "curve": "linear", "num_examples": "50"})
    at.text_area(key="paste.text").set_value(PASTES[form])
    at.button(key="paste.add").click().run()
    assert not at.exception
    assert texts(at, "error") == []
    expected = dynweights.from_hf_trainer(CONFIG, num_examples=50)
    assert expected.total_steps == 21
    assert expected.params["warmup_steps"] == 3
    (trace,) = lr_traces(at)
    assert trace["name"] == "HF cosine_with_min_lr"
    assert view(at).curves[1].title == "HF cosine_with_min_lr"
    np.testing.assert_array_equal(unpack(trace["y"]), expected.values(unpack(trace["x"])))
    assert [c.name for c in view(at).curves] == ["linear", "cosine_with_linear_warmup"]
    shared = view(at).shared
    assert {k: shared[k] for k in WORKED} == WORKED
    assert any(EXPLAIN in t.replace("\\", "") for t in texts(at, "success"))
    (note,) = [t for t in texts(at, "info") if "Ignored" in t]
    assert "output\\_dir" in note
    # The link carries the curve, its label and the setup.
    again = open_app(link(at))
    assert link_notices(again) == []
    assert view(again).curves[1] == view(at).curves[1]
    reopened = cv.bind(view(again).curves[1], view(again).shared)
    assert reopened.to_dict() == expected.to_dict()


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('{"learning_rate": 3e-4,', "not valid JSON"),
        ("learning_rate: [1, 2\nwarmup_steps: 3", "not valid YAML"),
        ('{"num_train_epochs": -1}', "num_train_epochs"),
        ("TrainingArguments(per_device_train_batch_size=0)", "per_device_train_batch_size"),
        ("warmup_steps: 1.5", "warmup_steps"),
        ('{"lr_scheduler_type": "cosine_wobble"}', "lr_scheduler_type"),
        ('{"lr_scheduler_type": "reduce_lr_on_plateau"}', "reduce_lr_on_plateau"),
        ("TrainingArguments(learning_rate=__import__('os').getcwd())", "never evaluated"),
        ("", "empty"),
    ],
)
def test_bad_paste_names_the_field_and_keeps_the_curves(text: str, named: str) -> None:
    at = open_app({"units": "steps", "curve": ["linear", "cosine_annealing"]})
    before = [c.own for c in view(at).curves]
    setup_before = dict(view(at).shared)
    at.text_area(key="paste.text").set_value(text)
    at.button(key="paste.add").click().run()
    assert not at.exception
    (error,) = [e.replace("\\", "") for e in texts(at, "error")]
    assert named in error
    assert error.startswith("Not added, the curves are unchanged:")
    assert [c.own for c in view(at).curves] == before
    assert view(at).shared == setup_before
    assert len(lr_traces(at)) == 1


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"num_examples": "50", "batch_size": "100", "drop_last": "true"}, "batch_size"),
        ({"x_unit": "tokens"}, "`x_unit`"),
    ],
)
def test_link_setup_that_does_not_fit_together_is_reset_with_a_notice(
    query: dict[str, str], named: str
) -> None:
    parsed = links.parse({"units": ["steps"], **{k: [v] for k, v in query.items()}})
    (notice,) = parsed.notices
    assert named in notice
    assert parsed.view.shared["x_unit"] == "steps"
    assert parsed.view.shared["batch_size"] == 8
    at = open_app({"units": "steps", **query})
    assert not at.exception
    assert texts(at, "warning") == [notice]
