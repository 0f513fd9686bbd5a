# regenerate.py and hf_trainer.py import torch, transformers, optax, keras,
# timm and accelerate, which the suite must not need; without this,
# --doctest-modules would import them and fail.
collect_ignore = ["regenerate.py", "hf_trainer.py", "torch_regenerate.py"]
