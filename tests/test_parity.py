"""Parity with peer libraries: golden values from torch, transformers and optax.

``golden/peers.json`` is written by ``golden/regenerate.py`` in a separate venv
(``requirements-peers.txt``); this test needs only numpy and the fixture.
"""

import json
from pathlib import Path

import numpy as np
import pytest

import dynweights

GOLDEN = json.loads((Path(__file__).parent / "golden" / "peers.json").read_text())
CASES = GOLDEN["cases"]

# Allowed |ours - peer|, as a fraction of the peer's value or of the case's peak
# value, whichever is looser. Near a cosine's floor 1 + cos(x) cancels, so
# relative error alone blows up (8e-14 measured there) while the absolute error
# stays at an ulp or two of the peak. Each tolerance sits just above the largest
# discrepancy measured, as a fraction of the peak, between the peer's values (at
# every step 0..T) and a straightforward float64 evaluation of the closed form.
TOLERANCES = {
    # Recursive update in step(): each lr is derived from the previous one, so
    # rounding accumulates. Measured 2.7e-15 (T=1000, at t=853).
    "torch.optim.lr_scheduler.CosineAnnealingLR": 5e-15,
    # Closed form with the same operation order as ours: measured 0.
    "torch.optim.lr_scheduler.CosineAnnealingWarmRestarts": 1e-15,
    # Closed form (LambdaLR multiplies lr by a factor): measured 2.7e-16.
    "transformers.get_cosine_schedule_with_warmup": 1e-15,
    # As above, with min_lr turned into min_lr / lr and back: measured 2.7e-16.
    "transformers.get_cosine_with_min_lr_schedule_with_warmup": 1e-15,
    # Closed form in float64 (jax_enable_x64): measured 1.8e-16.
    "optax.warmup_cosine_decay_schedule": 1e-15,
    # Measured against dynweights when these schedules landed; see each line.
    # Recursive (lr * gamma each step) vs gamma ** t: measured 8.7e-16.
    "torch.optim.lr_scheduler.ExponentialLR": 2e-15,
    # Recursive, but only a few multiplications: measured 0.
    "torch.optim.lr_scheduler.StepLR": 1e-15,
    # Measured 2.4e-16, 2.2e-16, 1.4e-16, 1.4e-16.
    "torch.optim.lr_scheduler.OneCycleLR": 1e-15,
    "transformers.get_inverse_sqrt_schedule": 1e-15,
    "transformers.get_polynomial_decay_schedule_with_warmup": 1e-15,
    "transformers.get_wsd_schedule": 1e-15,
    # Future cases (golden/peers.json "future_cases"), measured by regenerate.py
    # against its own closed forms; steps listed in a case's "peer_deviates_at"
    # are a peer's bug, not rounding, and are not covered by these numbers.
    # Few multiplications by gamma: measured 6.8e-18 and 1.7e-18.
    "torch.optim.lr_scheduler.MultiStepLR": 1e-15,
    "optax.piecewise_constant_schedule": 1e-15,
    # LambdaLR closed forms: measured 1.8e-16, 1.8e-16, 9.5e-16 (hard restarts).
    "transformers.get_constant_schedule_with_warmup": 1e-15,
    "transformers.get_linear_schedule_with_warmup": 1e-15,
    "transformers.get_cosine_with_hard_restarts_schedule_with_warmup": 2e-15,
    # Closed form, but gamma ** t for exp_range at t ~ 1e5: measured 2.9e-15.
    "torch.optim.lr_scheduler.CyclicLR": 5e-15,
    # timm's closed forms per update: measured 4.4e-16, 4.5e-16, 1.8e-16.
    "timm.scheduler.TanhLRScheduler": 1e-15,
    "timm.scheduler.CosineLRScheduler": 1e-15,
    "timm.scheduler.WSDLRScheduler": 1e-15,
    # Keras (jax backend, float64): measured 0.
    "keras.optimizers.schedules.InverseTimeDecay": 1e-15,
    # Keras computes its cosine in float32 even with floatx float64 and x64 on
    # (keras.ops.cos promotes float64 with a Python float to float32): 5.6e-8.
    "keras.optimizers.schedules.CosineDecayRestarts": 1e-7,
    # Recursive step() over T = 1e5 (the cosine after the milestone): 4.1e-13.
    "torch.optim.lr_scheduler.SequentialLR": 1e-12,
    # Recursive step() (lr times a ratio of powers), T = 1e5: measured 6.8e-15.
    "torch.optim.lr_scheduler.PolynomialLR": 1e-14,
}

REQUIRED_PEERS = {
    "torch.optim.lr_scheduler.CosineAnnealingLR",
    "torch.optim.lr_scheduler.CosineAnnealingWarmRestarts",
    "transformers.get_cosine_schedule_with_warmup",
    "transformers.get_cosine_with_min_lr_schedule_with_warmup",
    "optax.warmup_cosine_decay_schedule",
    "torch.optim.lr_scheduler.StepLR",
    "torch.optim.lr_scheduler.ExponentialLR",
    "torch.optim.lr_scheduler.OneCycleLR",
    "transformers.get_wsd_schedule",
    "transformers.get_inverse_sqrt_schedule",
    "transformers.get_polynomial_decay_schedule_with_warmup",
}


def _peer_function(case):
    return case["peer"].split("(", 1)[0]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_matches_peer(case):
    expected = np.array(case["values"])
    tol = TOLERANCES[_peer_function(case)]
    got = dynweights.evaluate(case["schedule"], np.array(case["steps"]), **case["params"])
    np.testing.assert_allclose(
        got, expected, rtol=tol, atol=tol * np.abs(expected).max(), err_msg=case["peer"]
    )


def test_fixture_covers_required_peers():
    assert {_peer_function(case) for case in CASES} >= REQUIRED_PEERS
    restarts = [case for case in CASES if case["schedule"] == "cosine_warm_restarts"]
    assert any(case["params"]["cycle_mult"] == 2 for case in restarts)


def test_fixture_is_well_formed():
    all_cases = CASES + GOLDEN["future_cases"]
    ids = [case["id"] for case in all_cases]
    assert len(ids) == len(set(ids))
    for case in all_cases:
        assert _peer_function(case) in TOLERANCES, case["id"]
        assert len(case["steps"]) == len(case["values"]), case["id"]
        assert case["steps"][0] == 0, case["id"]
        # "below_total" cases stop one step short: the peer jumps at total_steps.
        last_step = case["params"]["total_steps"] - (1 if case.get("below_total") else 0)
        assert case["steps"][-1] == last_step, case["id"]
        assert set(case.get("peer_deviates_at", [])) <= set(case["steps"]), case["id"]
