# The scripts here record golden values by running the peer libraries (torch,
# transformers, optax, keras, timm, accelerate) or the authors' code, which the
# suite must not need; without this, --doctest-modules would import them and fail.
collect_ignore = [
    "hf_trainer.py",
    "mpl_regenerate.py",
    "plateau.py",
    "regenerate.py",
    "timm_scheduler.py",
    "timm_train.py",
    "torch_regenerate.py",
]
