"""The multi-power law fitted on two of the authors' runs, tested on the third (and the rest).

Reads the authors' loss curves from a checkout of github.com/thu-yao-01-luo/MultiPowerLaw
(their data is not part of this repository) and prints, per model size, the fit's time,
its constants, and the mean and max relative error on the held-out runs:

    python benchmarks/mpl_holdout.py /tmp/mpl

The rates are rebuilt as their data loader builds them (tests/test_loss.py's
``authors_rates``), and their loader's rule is kept: a run's step 24,000 is dropped.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_loss import authors_rates

from dynweights.loss import PUBLISHED, fit

RUNS = ("cosine_24000", "constant_24000", "wsdcon_9")  # the authors' training set
OTHERS = ("wsd_20000_24000", "wsdld_20000_24000", "cosine_72000", "wsdcon_3", "wsdcon_18")


def run(repo: Path, size: str, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    table = np.genfromtxt(
        repo / "loss_curve_repo" / f"csv_{size}" / f"{name}.csv", delimiter=",", skip_header=1
    )
    steps, losses = table[:, 0].astype(int), table[:, 2]
    if steps.max() == 24_000:
        keep = steps < 24_000
        steps, losses = steps[keep], losses[keep]
    return authors_rates(name), steps, losses


def errors(law, runs) -> tuple[float, float]:
    rel = np.concatenate([np.abs(law.predict(r, s) - y) / y for r, s, y in runs])
    return float(rel.mean()), float(rel.max())


def main(repo: Path, sizes: list[str]) -> None:
    for size in sizes:
        theirs = PUBLISHED[f"mpl-{size}M"]
        others = [run(repo, size, n) for n in OTHERS]
        print(
            f"{size}M; the published law: their test runs mean %.5f, max %.5f"
            % errors(theirs, others)
        )
        for held in RUNS:
            train = [run(repo, size, n) for n in RUNS if n != held]
            start = time.perf_counter()
            law = fit(train)
            took = time.perf_counter() - start
            print(
                f"  fit without {held} in {took:.1f} s:",
                {k: float(f"{v:.4g}") for k, v in law.constants.items()},
            )
            test = [run(repo, size, held)]
            print(
                "    held out {}: mean rel err {:.5f}, max {:.5f}".format(held, *errors(law, test))
            )
            print(
                "      published law on it: mean {:.5f}, max {:.5f}".format(*errors(theirs, test))
            )
            print("    their test runs: mean {:.5f}, max {:.5f}".format(*errors(law, others)))


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:] or ["25", "100", "400"])
