"""from_timm against timm 1.0.31 driven as its train.py drives it (tests/golden/timm.json).

``golden/timm_train.py`` built each scheduler with ``create_scheduler_v2`` and
ran train.py's loop over a seeded random grid of arguments; this test needs
neither timm nor torch.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest

import dynweights
from dynweights import from_json, from_timm

GOLDEN = json.loads((Path(__file__).parent / "golden" / "timm.json").read_text())
CASES = GOLDEN["cases"]
IDS = [c["id"] for c in CASES]


def _bound(case):
    return from_timm(case["args"], updates_per_epoch=case["updates_per_epoch"])


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_matches_what_timm_did(case):
    s = _bound(case)
    assert s.total_steps == case["total_steps"]
    want = np.array(case["values"])
    got = s(np.array(case["steps"]))
    # numpy's tanh is not libm's: 1 - tanh(x) magnifies an ulp near the end of a cycle.
    rtol = 3e-14 if case["args"].get("sched") == "tanh" else 2e-15
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-16 * want.max())
    scalars = [s(k) for k in case["steps"]]
    np.testing.assert_allclose(scalars, want, rtol=rtol, atol=1e-16 * want.max())


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_reads_back_equal_and_names_what_it_ignored(case):
    s = _bound(case)
    assert from_json(s.to_json()) == s
    assert s.source == f"timm: {case['args'].get('sched', 'cosine')}"
    assert set(s.ignored) <= set(case["args"])
    assert set(s.ignored).isdisjoint(s.params)


@pytest.mark.parametrize("refused", GOLDEN["refused"], ids=lambda r: r["error"][:40])
def test_what_timm_refuses_is_refused(refused):
    with pytest.raises(ValueError, match=r"^(decay_epochs|lr_stable_timescale) must be"):
        from_timm(refused["args"], updates_per_epoch=refused["updates_per_epoch"])


def test_the_grid_covers_the_contract():
    args = [c["args"] for c in CASES]
    scheds = {a.get("sched", "cosine") for a in args}
    assert scheds == set(dynweights.timm.SCHEDS)
    assert len(CASES) >= 50
    for key in ("warmup_prefix", "sched_on_updates"):
        assert {a.get(key, False) for a in args} == {True, False}
    cycled = [a for a in args if a.get("sched", "cosine") in ("cosine", "tanh", "poly")]
    assert any(a.get("lr_cycle_limit", 1) > 1 and a.get("lr_cycle_mul", 1.0) > 1 for a in cycled)
    assert any(a.get("lr_cycle_limit", 1) > 1 and a.get("lr_cycle_mul", 1.0) == 1 for a in cycled)
    assert any(a.get("cooldown_epochs", 0) > 0 for a in cycled)
    assert any(a.get("lr_k_decay", 1.0) != 1.0 for a in cycled)
    assert {a.get("lr_decay_fn") for a in args} >= {None, *dynweights.timm.DECAY_FNS}
    assert any(c["total_steps"] > 10_000 for c in CASES)


def test_hand_computed():
    # Per epoch: the warmup lr for the whole first epoch, then warmup_lr + e (lr - warmup_lr) / W.
    s = from_timm({"lr": 0.1, "epochs": 10, "warmup_epochs": 2}, updates_per_epoch=5)
    assert s.total_steps == 50
    assert s(0) == s(4) == 1e-5
    assert s(5) == 1e-5 + 1 * ((0.1 - 1e-5) / 2)
    assert s(10) == 0.5 * 0.1 * (1 + math.cos(math.pi * 2 / 10))
    assert s(49) == 0.5 * 0.1 * (1 + math.cos(math.pi * 9 / 10))
    assert s(50) == 0.0
    assert s.breakpoints.tolist() == list(range(5, 51, 5))
    # cycle_limit: after its last cycle timm holds min_lr, through the cooldown.
    s = from_timm(
        {"lr": 1.0, "epochs": 4, "warmup_epochs": 0, "lr_cycle_limit": 2, "min_lr": 0.01,
         "cooldown_epochs": 3, "lr_cycle_decay": 0.5, "sched_on_updates": True},
        updates_per_epoch=1,
    )  # fmt: skip
    assert s.total_steps == 4 * 2 + 3
    assert s(4) == 0.01 + 0.5 * (0.5 - 0.01) * 2
    assert s(7) > 0.01
    assert s([8, 9, 10, 11]).tolist() == [0.01] * 4
    assert s.breakpoints.tolist() == [4, 8]


def test_an_imported_schedule_exports_code_that_computes_it():
    s = _bound(next(c for c in CASES if c["id"] == "cosine-restart-misplaced-by-log"))
    namespace: dict[str, object] = {}
    exec(s.to_code("python").split("\n", 1)[1], namespace)
    steps = range(0, s.total_steps + 1)
    assert [namespace["schedule"](k) for k in steps] == [s(k) for k in steps]


BASE = {"lr": 0.1, "epochs": 10}


@pytest.mark.parametrize(
    ("args", "upe", "message"),
    [
        ({"epochs": 10}, 5, r"^lr must be given: train\.py computes it"),
        ({**BASE, "sched": "plateau"}, 5, r"reduce_on_plateau"),
        ({**BASE, "sched": "cosin"}, 5, r"^sched must be one of 'cosine'"),
        ({**BASE, "lr_noise": [0.4, 0.9]}, 5, r"^lr_noise must be None"),
        ({**BASE, "lr_cycle_mul": 0.5}, 5, r"^lr_cycle_mul must be a finite number >= 1"),
        ({**BASE, "decay_milestones": [3, 2]}, 5, r"^decay_milestones must be a sorted list"),
        ({**BASE, "decay_milestones": "30 60"}, 5, r"^decay_milestones must be"),
        ({**BASE, "epochs": 0}, 5, r"^epochs must be"),
        ({**BASE, "warmup_epochs": 1.5}, 5, r"^warmup_epochs must be"),
        ({**BASE, "warmup_prefix": "yes"}, 5, r"^warmup_prefix must be True or False"),
        ({**BASE, "decay_epochs": 0}, 5, r"^decay_epochs must be"),
        ({**BASE, "lr_k_decay": 0.0}, 5, r"^lr_k_decay must be"),
        ({**BASE, "sched": "wsd", "lr_decay_fn": "sqrt"}, 5, r"^lr_decay_fn must be None or"),
        ({**BASE, "sched": "wsd", "decay_epochs": 11}, 5, r"^decay_epochs must be in \(0, "),
        ({**BASE, "lr_cycle_mul": 1.0001, "lr_cycle_limit": 10**6}, 5, r"^lr_cycle_mul must be"),
        (BASE, 0, r"^updates_per_epoch must be"),
        ([("lr", 0.1)], 5, r"^args must be a mapping"),
    ],
)
def test_bad_arguments_are_named(args, upe, message):
    with pytest.raises(ValueError, match=message):
        from_timm(args, updates_per_epoch=upe)


def test_ignored_lists_what_the_scheduler_does_not_read():
    s = from_timm(
        {**BASE, "sched": "step", "decay_milestones": [2], "batch_size": 128, "lr_cycle_limit": 2},
        updates_per_epoch=3,
    )
    assert s.ignored == ("batch_size", "decay_milestones", "lr_cycle_limit")
    assert s == from_timm({**BASE, "sched": "step"}, updates_per_epoch=3)
