"""The training budget: the Trainer's step arithmetic, worked by hand."""

import numpy as np
import pytest

from dynweights.budget import Budget, warmup_steps


@pytest.mark.parametrize(
    ("kwargs", "batches", "per_epoch", "total"),
    [
        # The case: 50 examples at batch 4 are 13 batches (the last holds 2);
        # accumulating 2 makes 6 full updates and a last one of 1 batch: 7 per epoch.
        ({"num_examples": 50, "batch_size": 4, "accumulation": 2, "epochs": 3}, 13, 7, 21),
        # Dropping the last partial batch: 12 batches, 6 updates, 18 steps.
        (
            {
                "num_examples": 50,
                "batch_size": 4,
                "accumulation": 2,
                "epochs": 3,
                "drop_last": True,
            },
            12,
            6,
            18,
        ),
        # 1.5 epochs of 7 updates: ceil(10.5) = 11 steps.
        ({"num_examples": 50, "batch_size": 4, "accumulation": 2, "epochs": 1.5}, 13, 7, 11),
        # max_steps overrides the epochs.
        ({"num_examples": 50, "batch_size": 4, "epochs": 100, "max_steps": 17}, 13, 13, 17),
        # 4 devices: 125 batches dealt out 31 each with 1 left, so the last round is
        # padded to 32 per device; 2-step accumulation gives 16 updates per epoch.
        (
            {"num_examples": 1000, "batch_size": 8, "devices": 4, "accumulation": 2, "epochs": 1},
            32,
            16,
            16,
        ),
        # ... and with drop_last each device keeps 31 batches: still 16 updates (15 + 1).
        (
            {
                "num_examples": 1000,
                "batch_size": 8,
                "devices": 4,
                "accumulation": 2,
                "drop_last": True,
                "epochs": 2,
            },
            31,
            16,
            32,
        ),
        # 3 devices over 13 batches: 4 each and 1 over, padded to 5; dropped: 12 -> 4.
        ({"num_examples": 50, "batch_size": 4, "devices": 3, "epochs": 1}, 5, 5, 5),
        (
            {"num_examples": 50, "batch_size": 4, "devices": 3, "drop_last": True, "epochs": 1},
            4,
            4,
            4,
        ),
        # Fewer batches than accumulation steps: still one update per epoch.
        ({"num_examples": 5, "batch_size": 4, "accumulation": 8, "epochs": 3}, 2, 1, 3),
    ],
)
def test_steps_as_the_trainer_counts_them(kwargs, batches, per_epoch, total):
    budget = Budget(**kwargs)
    assert budget.batches_per_epoch == batches
    assert budget.steps_per_epoch == per_epoch
    assert budget.total_steps == total


def test_explanation_and_the_other_way_round():
    budget = Budget(num_examples=50, batch_size=4, accumulation=2, epochs=3, sequence_length=512)
    assert budget.explain() == "13 batches per epoch → 7 optimizer steps per epoch → 21 steps"
    assert budget.examples_per_step == 8
    assert budget.tokens_per_step == 4096
    steps = np.array([0, 7, 21])
    np.testing.assert_array_equal(budget.convert(steps, "epochs"), [0.0, 1.0, 3.0])
    np.testing.assert_array_equal(budget.convert(steps, "examples"), [0, 56, 168])
    np.testing.assert_array_equal(budget.convert(steps, "tokens"), [0, 28672, 86016])
    np.testing.assert_array_equal(budget.convert(steps, "steps"), steps)
    assert Budget(num_examples=8, max_steps=5).explain() == (
        "max_steps = 5 overrides the epochs → 5 steps"
    )


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"num_examples": 0}, "num_examples"),
        ({"num_examples": 10, "batch_size": 0}, "batch_size"),
        ({"num_examples": 10, "epochs": -1}, "epochs"),
        ({"num_examples": 10, "epochs": 0}, "epochs"),
        ({"num_examples": 10, "devices": 0}, "devices"),
        ({"num_examples": 10, "accumulation": 1.5}, "accumulation"),
        ({"num_examples": 3, "batch_size": 4, "drop_last": True}, "batch_size"),
        ({"num_examples": 10, "epochs": 1e300}, "epochs"),
    ],
)
def test_bad_budgets_name_the_field(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name} must be"):
        Budget(**kwargs)


def test_tokens_need_a_sequence_length():
    with pytest.raises(ValueError, match="sequence_length"):
        Budget(num_examples=10).convert([1], "tokens")
    with pytest.raises(ValueError, match="unit must be one of"):
        Budget(num_examples=10).convert([1], "hours")


def test_warmup_as_the_trainer_reads_it():
    assert warmup_steps(0.1, 21) == 3  # ceil(2.1)
    assert warmup_steps(0.25, 13) == 4  # ceil(3.25)
    assert warmup_steps(1, 21) == 1  # 1.0 is one step, not 100%
    assert warmup_steps(0, 21) == 0
