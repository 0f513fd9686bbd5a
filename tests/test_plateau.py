"""reduce_on_plateau against PyTorch's ReduceLROnPlateau (tests/golden/plateau.json).

``golden/plateau.py`` stepped torch 2.13's scheduler over a seeded grid of
arguments and metric sequences; this test needs no torch.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from dynweights import reduce_on_plateau

GOLDEN = json.loads((Path(__file__).parent / "golden" / "plateau.json").read_text())
CASES = GOLDEN["cases"]


def _metrics(case):
    return [math.nan if m is None else m for m in case["metrics"]]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_matches_torch_exactly(case):
    got = reduce_on_plateau(_metrics(case), lr=case["lr"], **case["args"])
    assert got.dtype == np.float64
    assert got.tolist() == case["lrs"]


def test_the_grid_covers_every_branch():
    args = [c["args"] for c in CASES]
    assert {a.get("mode") for a in args} >= {"min", "max"}
    assert {a.get("threshold_mode") for a in args} >= {"rel", "abs"}
    assert any(a.get("cooldown", 0) > 0 for a in args)
    assert any(a.get("patience") == 0 for a in args)
    assert any(c["args"].get("eps") == 1e-3 and len(set(c["lrs"])) > 1 for c in CASES)
    # Reaching the floor, and NaN metrics, happen in the recorded runs.
    floors = [c["args"].get("min_lr", 0.0) for c in CASES]
    assert any(f > 0 and min(c["lrs"]) == f for f, c in zip(floors, CASES, strict=True))
    assert any(m is None for c in CASES for m in c["metrics"])
    assert sum(len(set(c["lrs"])) - 1 for c in CASES) > 100


def test_hand_computed():
    # patience 1: the third evaluation without improvement cuts (bad = 2 > 1).
    got = reduce_on_plateau([3.0, 2.0, 2.0, 2.0, 2.0, 2.0], lr=1.0, patience=1, factor=0.5)
    assert got.tolist() == [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.25]
    # A NaN never improves; the cut is skipped when it would change the rate by <= eps.
    got = reduce_on_plateau([1.0, math.nan], lr=1e-9, patience=0)
    assert got.tolist() == [1e-9, 1e-9, 1e-9]
    # cooldown: the evaluation after a cut counts as no bad one.
    got = reduce_on_plateau([1.0, 1.0, 1.0, 1.0], lr=1.0, patience=0, cooldown=1, factor=0.5)
    assert got.tolist() == [1.0, 1.0, 0.5, 0.5, 0.25]
    assert reduce_on_plateau([], lr=0.1).tolist() == [0.1]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"lr": -1.0}, "lr"),
        ({"lr": 0.1, "mode": "minimum"}, "mode"),
        ({"lr": 0.1, "factor": 1.0}, "factor"),
        ({"lr": 0.1, "factor": -0.1}, "factor"),
        ({"lr": 0.1, "patience": -1}, "patience"),
        ({"lr": 0.1, "patience": 1.5}, "patience"),
        ({"lr": 0.1, "threshold": -1e-4}, "threshold"),
        ({"lr": 0.1, "threshold_mode": "relative"}, "threshold_mode"),
        ({"lr": 0.1, "cooldown": -1}, "cooldown"),
        ({"lr": 0.1, "min_lr": math.nan}, "min_lr"),
        ({"lr": 0.1, "eps": -1.0}, "eps"),
    ],
)
def test_bad_arguments_are_named(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name} must be"):
        reduce_on_plateau([1.0, 2.0], **kwargs)


@pytest.mark.parametrize(
    ("metrics", "name"),
    [
        ("1, 2", r"metrics must be"),
        ([[1.0, 2.0]], r"metrics must be"),
        ([1.0, "2"], r"metrics must be"),
        ([1.0, math.inf], r"metrics\[1\] must be finite, or NaN"),
        (np.array([-math.inf]), r"metrics\[0\] must be finite"),
    ],
)
def test_bad_metrics_are_named(metrics, name):
    with pytest.raises(ValueError, match=name):
        reduce_on_plateau(metrics, lr=0.1)
