"""from_hf_trainer against real transformers.Trainer runs (tests/golden/hf_trainer.json).

``golden/hf_trainer.py`` trained a one-parameter model with each config and
recorded the learning rate of every optimizer update; this test needs none of it.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from dynweights import from_hf_trainer

GOLDEN = json.loads((Path(__file__).parent / "golden" / "hf_trainer.json").read_text())
# Settings of the recording run that do not touch the schedule.
RUN_ONLY = {
    "use_cpu",
    "report_to",
    "save_strategy",
    "logging_strategy",
    "disable_tqdm",
    "optim",
    "weight_decay",
    "seed",
}
# transformers 5 truncates a float warmup above 1 (2.5 -> 2); we ask for the count.
REFUSED = {"linear-warmup_float_above_1_truncates"}
RUNS = [run for run in GOLDEN["runs"] if run["id"] not in REFUSED]


@pytest.mark.parametrize("run", RUNS, ids=[run["id"] for run in RUNS])
def test_matches_what_the_trainer_did(run):
    # A plateau run gets the eval_loss of each evaluation the Trainer stepped it with.
    s = from_hf_trainer(run["config"], num_examples=run["num_examples"], metrics=run.get("metrics"))
    assert s.total_steps == run["max_steps"]
    assert set(s.ignored) == set(run["config"]) & RUN_ONLY
    want = np.array(run["lrs"])
    got = s(np.arange(run["max_steps"]))
    # HF multiplies lr by a factor; we interpolate between rates: an ulp or two apart.
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15 * want.max())


def test_the_golden_runs_cover_the_contract():
    kinds = {run["config"].get("lr_scheduler_type", "linear") for run in GOLDEN["runs"]}
    assert kinds >= {
        "linear",
        "cosine",
        "cosine_with_restarts",
        "polynomial",
        "constant",
        "constant_with_warmup",
        "inverse_sqrt",
        "cosine_with_min_lr",
        "cosine_warmup_with_min_lr",
        "warmup_stable_decay",
        "reduce_lr_on_plateau",
    }
    configs = [run["config"] for run in GOLDEN["runs"]]
    assert any("warmup_lr_rate" in c.get("lr_scheduler_kwargs", {}) for c in configs)
    plateaus = [run for run in GOLDEN["runs"] if "metrics" in run]
    assert {run["config"]["eval_strategy"] for run in plateaus} == {"steps", "epoch"}
    assert all(len(set(run["lrs"])) >= 3 for run in plateaus)  # the rate was cut, twice
    assert any(isinstance(c.get("warmup_steps"), float) and c["warmup_steps"] < 1 for c in configs)
    assert any(isinstance(c.get("warmup_steps"), int) and c["warmup_steps"] > 0 for c in configs)
    assert any(c.get("max_steps", -1) > 0 and c.get("num_train_epochs") for c in configs)
    assert any(c.get("dataloader_drop_last") for c in configs)
    assert any(float(c.get("num_train_epochs", 3)) % 1 for c in configs)
    assert any(c.get("gradient_accumulation_steps", 1) > 1 for c in configs)


def test_a_truncated_float_warmup_is_refused_with_the_reason():
    run = next(r for r in GOLDEN["runs"] if r["id"] in REFUSED)
    with pytest.raises(ValueError, match=r"warmup_steps .*truncates 2\.5 to 2"):
        from_hf_trainer(run["config"], num_examples=run["num_examples"])


BASE = {"learning_rate": 3e-4, "per_device_train_batch_size": 8, "num_train_epochs": 1}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"lr_scheduler_type": "reduce_lr_on_plateau"}, r"^metrics must be given for .*plateau"),
        ({"lr_scheduler_type": "greedy"}, "depends on the training loss"),
        ({"lr_scheduler_type": "cosine_schedule"}, "lr_scheduler_type must be one of"),
        ({"num_train_epochs": -1}, "num_train_epochs must be"),
        ({"per_device_train_batch_size": 0}, "per_device_train_batch_size must be"),
        ({"warmup_steps": 1.5}, "warmup_steps must be an int count"),
        ({"warmup_steps": -3}, "warmup_steps must be an int count"),
        ({"warmup_steps": "10"}, "warmup_steps must be an int count"),
        ({"learning_rate": -1e-3}, "learning_rate must be"),
        ({"learning_rate": float("nan")}, "learning_rate must be"),
        ({"lr_scheduler_kwargs": "{bad json"}, "lr_scheduler_kwargs must be a dict"),
        ({"lr_scheduler_kwargs": {"num_cycles": 2}}, r"lr_scheduler_kwargs\['num_cycles'\]"),
        ({"deepspeed": "ds_config.json"}, "deepspeed must be left out"),
        (
            {"lr_scheduler_type": "cosine_with_min_lr", "lr_scheduler_kwargs": {}},
            "exactly one of min_lr and min_lr_rate",
        ),
        (
            {"lr_scheduler_type": "warmup_stable_decay", "lr_scheduler_kwargs": {}},
            "num_decay_steps",
        ),
        ({"gradient_accumulation_steps": 0}, "gradient_accumulation_steps must be"),
        ({"dataloader_drop_last": "yes"}, "dataloader_drop_last must be"),
        (
            {
                "lr_scheduler_type": "cosine_warmup_with_min_lr",
                "warmup_steps": 1,
                "lr_scheduler_kwargs": {"min_lr_rate": 0.1, "warmup_lr_rate": 0.1},
            },
            r"^warmup_steps must be >= 2 with warmup_lr_rate",
        ),
        (
            {
                "lr_scheduler_type": "cosine_warmup_with_min_lr",
                "warmup_steps": 3,
                "lr_scheduler_kwargs": {"min_lr_rate": 0.1, "warmup_lr_rate": 1.5},
            },
            r"^lr_scheduler_kwargs\['warmup_lr_rate'\] must be in \[0, 1\]",
        ),
    ],
)
def test_bad_configs_name_the_field(config, message):
    with pytest.raises(ValueError, match=message):
        from_hf_trainer({**BASE, **config}, num_examples=1000)


def test_kwargs_as_a_json_string_and_the_old_warmup_ratio():
    s = from_hf_trainer(
        {
            **BASE,
            "lr_scheduler_type": "cosine_with_min_lr",
            "lr_scheduler_kwargs": '{"min_lr_rate": 0.1}',
            "warmup_ratio": 0.05,
            "output_dir": "out",
        },
        num_examples=1000,
    )
    assert s.total_steps == 125
    assert s.params["warmup_steps"] == 7  # ceil(125 * 0.05)
    assert s.params["min_lr"] == pytest.approx(3e-5, rel=1e-15)
    assert s.ignored == ("output_dir",)


PLATEAU = {
    **BASE,
    "lr_scheduler_type": "reduce_lr_on_plateau",
    "eval_strategy": "steps",
    "eval_steps": 40,
}  # 125 updates: evaluations after 40, 80, 120 and 125


@pytest.mark.parametrize(
    ("config", "metrics", "message"),
    [
        (
            {},
            [1.0, 1.0, 1.0],
            r"^metrics must be one value per evaluation, 4 of them \(after updates 40, .*got 3$",
        ),
        ({}, [1.0, 1.0, 1.0, float("inf")], r"^metrics\[3\] must be finite"),
        ({"eval_strategy": "no"}, [1.0], r"^eval_strategy must be 'steps' or 'epoch'"),
        ({"eval_steps": 2.5}, [1.0], r"^eval_steps must be an integer if bigger than 1"),
        ({"lr_scheduler_kwargs": {"factor": 2.0}}, [1.0] * 4, r"^lr_scheduler_kwargs\['factor'\]"),
        ({"lr_scheduler_kwargs": {"patient": 2}}, [1.0] * 4, r"^lr_scheduler_kwargs\['patient'\]"),
        ({"lr_scheduler_type": "cosine"}, [1.0] * 4, r"^metrics must be None for .*'cosine'"),
    ],
)
def test_bad_plateau_configs_name_the_field(config, metrics, message):
    with pytest.raises(ValueError, match=message):
        from_hf_trainer({**PLATEAU, **config}, num_examples=1000, metrics=metrics)


def test_a_plateau_is_constant_phases_between_evaluations():
    s = from_hf_trainer(
        {**PLATEAU, "lr_scheduler_kwargs": {"patience": 0, "factor": 0.5}, "warmup_steps": 10,
         "eval_steps": 0.25, "logging_steps": 7, "output_dir": "o"},
        num_examples=1000,
        metrics=[3.0, 3.0, 2.0, 2.0],
    )  # fmt: skip
    # eval_steps 0.25 of 125 is every 32 updates: after 32, 64, 96 and the last, 125.
    # The cut after the last update is used by no update: 125 holds the last update's rate.
    assert (s.name, s.source) == ("phases", "hf: reduce_lr_on_plateau")
    assert s.ignored == ("output_dir",)
    assert s.total_steps == 125
    assert s([0, 31, 32, 63, 64, 95, 96, 124, 125]).tolist() == [3e-4] * 4 + [1.5e-4] * 5
