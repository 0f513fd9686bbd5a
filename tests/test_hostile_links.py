"""Hostile share links (issue 5): broken, out-of-range, conflicting and malicious URLs.

Each case is opened in AppTest as a visitor would open the link. The page must
never raise; a bad value falls back to its default with a notice naming it, a
conflict shows an ``st.error`` naming both parameters and the rest still draws,
and no text from the URL is rendered as HTML or Markdown outside a code span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import numpy as np
import pytest
from app_helpers import (
    bounds,
    elements,
    figures,
    link_notices,
    open_app,
    outside_code_spans,
    proto_strings,
    texts,
    traces,
    view,
)
from streamlit.testing.v1 import AppTest

import dynweights
from dynweights import SCHEDULES
from explorer import curves as cv
from explorer.inputs import quote

DEFAULTS = {p.name: p.default for s in SCHEDULES.values() for p in s.params}
LABEL_TO_NAME = {s.label: s.name for s in SCHEDULES.values()}
HUGE = "9" * 20_000
LONG = "x" * 100_000
# Text that would be live markup if it ever reached HTML or Markdown unquoted.
MARKERS = ("<script", "<img", "<svg", "onerror", "onload", "javascript:", "alert(", "](")


@dataclass(frozen=True)
class Case:
    """A link and what the page must make of it."""

    id: str
    query: str | dict[str, str | list[str]]  # a raw query string, or key -> value(s)
    ignored: tuple[str, ...] = ()  # keys dropped, each with a notice naming it
    repeated: tuple[str, ...] = ()  # keys given several times: a notice, the last wins
    conflicts: tuple[str, ...] = ()  # names that one st.error at least must contain
    params: dict[str, Any] = field(default_factory=dict)  # non-default parameters
    view: dict[str, Any] = field(default_factory=dict)  # non-default view widgets

    def as_query(self) -> dict[str, str | list[str]]:
        if isinstance(self.query, dict):
            return self.query
        parsed = parse_qs(self.query, keep_blank_values=True)
        return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


CASES = [
    # Not numbers at all.
    Case("abc", "total_steps=abc", ignored=("total_steps",)),
    Case("empty", "total_steps=", ignored=("total_steps",)),
    Case("empty-float", "init_lr=", ignored=("init_lr",)),
    Case("hex", "total_steps=0x10", ignored=("total_steps",)),
    Case("underscore", "total_steps=1_000", ignored=("total_steps",)),
    Case("leading-space", "total_steps=%20100", ignored=("total_steps",)),
    Case("trailing-space", "cycle_steps=40+", ignored=("cycle_steps",)),
    Case("fullwidth-digits", "total_steps=%EF%BC%91%EF%BC%90%EF%BC%90", ignored=("total_steps",)),
    # People write 1e3 for 1000: an integer with an exponent is read exactly.
    Case("exponent-for-int", "total_steps=1e3", params={"total_steps": 1000}),
    Case("fraction-for-int", "total_steps=2.5e2", params={"total_steps": 250}),
    Case("not-whole-for-int", "total_steps=1.5", ignored=("total_steps",)),
    Case("nul", "warmup_steps=%00", ignored=("warmup_steps",)),
    # Not finite.
    Case("nan", "init_lr=nan", ignored=("init_lr",)),
    Case("NaN-int", "cycle_steps=NaN", ignored=("cycle_steps",)),
    Case("inf", "max_weight=inf", ignored=("max_weight",)),
    Case("-inf", "min_lr=-inf", ignored=("min_lr",)),
    Case("inf-total", "total_steps=inf", ignored=("total_steps",)),
    Case("-inf-total", "total_steps=-inf", ignored=("total_steps",)),
    # Negative, zero where >= 1 is needed, past the bounds.
    Case("negative-weight", "max_weight=-1", ignored=("max_weight",)),
    Case("negative-warmup", "warmup_steps=-5", ignored=("warmup_steps",)),
    Case("zero-total", "total_steps=0", ignored=("total_steps",)),
    Case("zero-cycle", "cycle_steps=0", ignored=("cycle_steps",)),
    Case("zero-power", "power_factor=0", ignored=("power_factor",)),
    Case("1e30-total", "total_steps=1e30", ignored=("total_steps",)),
    Case("1e30-weight", "max_weight=1e30", ignored=("max_weight",)),
    Case("1e400", "init_lr=1e400", ignored=("init_lr",)),
    Case("past-1e9", "total_steps=1000000001", ignored=("total_steps",)),
    Case("400-digits", {"total_steps": "9" * 400}, ignored=("total_steps",)),
    Case("20000-digits", {"total_steps": HUGE}, ignored=("total_steps",)),
    Case("20000-digits-float", {"init_lr": "0." + HUGE}, ignored=("init_lr",)),
    Case("cycle-mult-0", "cycle_mult=0", ignored=("cycle_mult",)),
    Case("cycle-mult-half", "cycle_mult=0.5", ignored=("cycle_mult",)),
    Case("cycle-mult-11", "cycle_mult=11", ignored=("cycle_mult",)),
    # Parameters that conflict with each other: an error, the rest drawn.
    Case(
        "warmup-equals-total",
        "total_steps=50&warmup_steps=50",
        conflicts=("warmup_steps", "total_steps"),
        params={"total_steps": 50, "warmup_steps": 50},
    ),
    Case(
        "total-below-default-warmup",
        "total_steps=5",
        conflicts=("warmup_steps", "total_steps"),
        params={"total_steps": 5},
    ),
    Case(
        "warmup-at-its-max",
        "warmup_steps=999999999",
        conflicts=("warmup_steps", "total_steps"),
        params={"warmup_steps": 999_999_999},
    ),
    Case(
        "min-above-init",
        "init_lr=0.01&min_lr=0.02",
        conflicts=("min_lr", "init_lr"),
        params={"init_lr": 0.01, "min_lr": 0.02},
    ),
    Case(
        "conflict-and-bad-value",
        "total_steps=5&max_weight=abc",
        ignored=("max_weight",),
        conflicts=("warmup_steps", "total_steps"),
        params={"total_steps": 5},
    ),
    # Valid although unusual: the warmup ramps down.
    Case(
        "warmup-lr-above-init",
        "warmup_lr=0.9&init_lr=0.2",
        params={"warmup_lr": 0.9, "init_lr": 0.2},
    ),
    # Unknown and repeated keys.
    Case("unknown-key", "foo=bar", ignored=("foo",)),
    Case("unknown-ladder-key", "total_steps__ladder=500", ignored=("total_steps__ladder",)),
    Case("empty-key", "=5", ignored=("",)),
    Case("bare-key", "abc", ignored=("abc",)),
    Case(
        "unknown-and-good", "zzz=1&total_steps=700", ignored=("zzz",), params={"total_steps": 700}
    ),
    Case(
        "repeated",
        "total_steps=500&total_steps=700",
        repeated=("total_steps",),
        params={"total_steps": 700},
    ),
    Case("repeated-last-bad", "init_lr=0.5&init_lr=abc", ignored=("init_lr",)),
    Case("repeated-format", "image_format=svg&image_format=png", repeated=("image_format",)),
    Case("repeated-curve", "weights=Linear&weights=Linear", view={"weights": ["linear"]}),
    # Markup and script payloads, in keys, values and curve lists.
    Case("script-value", "total_steps=<script>alert(1)</script>", ignored=("total_steps",)),
    Case("script-key", {"<script>alert(1)</script>": "1"}, ignored=("<script>alert(1)</script>",)),
    Case("img-onerror", {"weights": '"><img src=x onerror=alert(1)>'}, ignored=("weights",)),
    Case("markdown-link", {"image_format": "[x](javascript:alert(1))"}, ignored=("image_format",)),
    Case(
        "markdown-link-key",
        {"[x](javascript:alert(1))": "[x](javascript:alert(1))"},
        ignored=("[x](javascript:alert(1))",),
    ),
    Case(
        "backtick-breakout",
        {"lrs": "`</code><script>alert(1)</script>`", "min_lr": "`<svg onload=alert(1)>`"},
        ignored=("lrs", "min_lr"),
    ),
    Case("svg-format", {"image_format": "<svg onload=alert(1)>"}, ignored=("image_format",)),
    Case("newline-script", {"init_lr": "0.1\n<script>alert(1)</script>"}, ignored=("init_lr",)),
    # Very long values and keys.
    Case("100KB-value", {"max_weight": LONG}, ignored=("max_weight",)),
    Case("100KB-digits", {"cycle_steps": "1" * 100_000}, ignored=("cycle_steps",)),
    Case("100KB-key", {LONG: "1"}, ignored=(LONG,)),
    Case("100KB-curve", {"weights": ["Linear", LONG]}, ignored=("weights",)),
    # Curve lists, toggles and the image format.
    Case("unknown-curve", "weights=Quadratic", ignored=("weights",)),
    Case("curve-by-name", "lrs=cosine_annealing", ignored=("lrs",)),
    Case("curve-known-and-unknown", "weights=Linear&weights=Nope", ignored=("weights",)),
    Case("curve-other-chart", "weights=Cosine+annealing", ignored=("weights",)),
    Case("toggle-maybe", "log_lrs=maybe", ignored=("log_lrs",)),
    Case("toggle-one", "log_weights=1", ignored=("log_weights",)),
    Case("toggle-empty", "log_lrs=", ignored=("log_lrs",)),
    Case("format-gif", "image_format=gif", ignored=("image_format",)),
    Case("format-upper", "image_format=SVG", ignored=("image_format",)),
    # The training setup (issue 12): each field strict, a default kept.
    Case("epochs-negative", "epochs=-1", ignored=("epochs",)),
    Case("epochs-zero", "epochs=0", ignored=("epochs",)),
    Case("epochs-nan", "epochs=nan", ignored=("epochs",)),
    Case("batch-zero", "batch_size=0", ignored=("batch_size",)),
    Case("examples-fraction", "num_examples=1.5", ignored=("num_examples",)),
    Case("max-steps-fraction", "max_steps=1.5", ignored=("max_steps",)),
    Case("devices-huge", {"devices": HUGE}, ignored=("devices",)),
    Case("drop-last-one", "drop_last=1", ignored=("drop_last",)),
    Case("unit-hours", "x_unit=hours", ignored=("x_unit",)),
    Case("unit-script", {"x_unit": "<script>alert(1)</script>"}, ignored=("x_unit",)),
    # Everything at once: only the good values survive.
    Case(
        "mixed",
        "total_steps=2000&warmup_steps=abc&min_lr=nan&zzz=%3Cb%3E&weights=Linear&log_lrs=true",
        ignored=("warmup_steps", "min_lr", "zzz"),
        params={"total_steps": 2000},
        view={"weights": ["linear"], "log_lrs": True},
    ),
]


SWATCH = re.compile(r'<span style="color:#[0-9A-F]{6}">■■■</span> ')


def test_corpus_is_large_and_unique() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


def assert_no_markup_from_the_link(at: AppTest, case: Case) -> None:
    assert at.get("html") == []
    long_texts = [s[:60] for k, v in case.as_query().items() for s in [k, *np.atleast_1d(v)]]
    long_texts = [s for s in long_texts if len(s) > 40]
    for element in elements(at):
        # Markdown, captions and LaTeX: the app allows HTML only for its own colour
        # swatches, and everything else in them is escaped (no tag from the link).
        if getattr(element.proto, "allow_html", False):
            body = str(element.proto.body)
            assert SWATCH.match(body), body
            assert "<" not in SWATCH.sub("", body).replace("<small>", "").replace("</small>", "")
        for text in proto_strings(element.proto):
            rendered = outside_code_spans(text)
            for marker in MARKERS:
                assert marker not in rendered, (element.type, marker)
            for long_text in long_texts:
                assert long_text not in text, element.type


def assert_notices(at: AppTest, case: Case) -> None:
    warnings = link_notices(at)
    named = [*case.ignored, *case.repeated]
    assert len(warnings) == len(named), warnings
    for key in named:
        assert any(quote(key) in warning for warning in warnings), key
    assert all(len(warning) < 300 for warning in warnings)
    for key in case.ignored:
        assert key not in at.query_params  # a re-shared link no longer carries it


def expected_names(case: Case) -> list[str]:
    names = list(cv.OLD_DEFAULT_CURVES)
    if "weights" in case.view:
        names = [*case.view["weights"], *names[4:]]
    return names


def assert_drawn_or_reported(at: AppTest, params: dict[str, Any], case: Case) -> None:
    # A curve that cannot be drawn says why in its row of the list.
    rows = [m.replace("\\", "") for m in texts(at, "markdown")]
    errors = [
        m.split("**", 2)[1] + ": " + m.split("not drawn: ")[1] for m in rows if "not drawn: " in m
    ]
    if not case.conflicts:
        assert errors == []
    else:
        assert any(all(name in e for name in case.conflicts) for e in errors), errors
    assert [c.name for c in view(at).curves] == expected_names(case)
    drawn = {
        k: v
        for title, fig in figures(at).items()
        if title != "Predicted loss"
        for k, v in traces(fig).items()
    }
    for curve, bound in zip(view(at).curves, bounds(at), strict=True):
        spec = SCHEDULES[curve.name]
        kwargs = {p.name: params[p.name] for p in spec.params}
        if bound is None:
            assert case.conflicts
            assert sum(e.startswith(spec.label + ":") for e in errors) == 1
            with pytest.raises(ValueError, match=case.conflicts[0]):
                dynweights.schedule(curve.name, **kwargs)
            assert spec.label not in drawn
            continue
        assert bound == dynweights.schedule(curve.name, **kwargs)
        x, y = drawn[spec.label]
        np.testing.assert_array_equal(x, dynweights.plot_steps(bound))
        np.testing.assert_array_equal(y, bound.values(x))
        assert np.isfinite(y).all()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_hostile_link(case: Case) -> None:
    at = open_app(case.as_query())
    assert not at.exception
    params = {**DEFAULTS, **case.params}
    assert_notices(at, case)
    assert_drawn_or_reported(at, params, case)
    assert_no_markup_from_the_link(at, case)
    for key in ("log_lrs", "log_weights"):
        assert view(at).shared[key] == case.view.get(key, False)
    # The next rerun (any widget move) keeps the sanitized view.
    before = bounds(at)
    at.run()
    assert not at.exception
    assert bounds(at) == before


NEW_CASES = [
    ("unknown-family", {"units": "steps", "curve": "quadratic:x=1"}, "`quadratic`"),
    ("script-family", {"units": "steps", "curve": "<script>alert(1)</script>"}, "`<script>"),
    ("bad-param", {"units": "steps", "curve": "linear:max_weight=nan"}, "`max_weight`"),
    (
        "bad-fraction",
        {"units": "fraction", "curve": "cosine_with_linear_warmup:warmup_steps=1001"},
        "`warmup_steps`",
    ),
    ("long-curve", {"units": "steps", "curve": "phases:" + "x" * 10_000}, "characters"),
    ("bad-phase", {"units": "steps", "curve": "phases:linear,1.5,0,1"}, "phase 1"),
    ("bad-units", {"units": "hours", "curve": "linear"}, "`units`"),
]


@pytest.mark.parametrize(
    ("query", "named"), [c[1:] for c in NEW_CASES], ids=[c[0] for c in NEW_CASES]
)
def test_hostile_curve_link(query: dict[str, str], named: str) -> None:
    at = open_app(query)
    assert not at.exception
    (notice,) = link_notices(at)
    assert named in notice
    assert len(notice) < 300
    assert_no_markup_from_the_link(at, Case("new", query))
    for fig in figures(at).values():
        for trace in fig["data"]:
            assert np.isfinite(traces({"data": [trace]})[trace["name"]][1]).all()


def bare_number_input() -> None:
    import streamlit as st

    st.number_input("Total steps", 1, 10**9, 100, 1, key="total_steps", bind="query-params")


@pytest.mark.parametrize("raw", ["inf", "9" * 400])
def test_streamlit_binding_alone_overflows(raw: str) -> None:
    """Why app.py sanitizes the link first: Streamlit 1.67's own parsing crashes.

    If this starts failing, Streamlit fixed it; the sanitizing can stay.
    """
    at = AppTest.from_function(bare_number_input, default_timeout=60)
    at.query_params["total_steps"] = raw
    at.run()
    assert at.exception


@pytest.mark.parametrize("raw", ["inf", "-inf", "9" * 400], ids=["inf", "-inf", "400-digits"])
def test_app_survives_overflowing_total_steps(raw: str) -> None:
    at = open_app({"total_steps": raw})
    assert not at.exception
    assert at.text_input(key="w.shared.total_steps").value == str(DEFAULTS["total_steps"])
    (notice,) = link_notices(at)
    assert "`total_steps`" in notice
    assert "Using `100`" in notice
    assert len(at.get("plotly_chart")) == 2
    assert "total_steps" not in at.query_params


def test_warmup_lr_above_init_lr_draws_the_exact_ramp_down() -> None:
    at = open_app(
        {"total_steps": "1000", "warmup_steps": "100", "warmup_lr": "0.9", "init_lr": "0.2"}
    )
    assert texts(at, "error") == []
    assert link_notices(at) == []
    x, y = traces(figures(at)["Learning-rate schedules"])["Cosine with linear warmup"]
    params = {"total_steps": 1000, "warmup_steps": 100, "warmup_lr": 0.9, "init_lr": 0.2}
    np.testing.assert_array_equal(y, dynweights.evaluate("cosine_with_linear_warmup", x, **params))
    assert (x[0], y[0]) == (0, 0.9)
    assert y[100] == 0.2
    assert np.all(np.diff(y[:101]) < 0)
