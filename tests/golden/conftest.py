# regenerate.py imports torch, transformers and optax, which the suite must not
# need; without this, --doctest-modules would import it and fail.
collect_ignore = ["regenerate.py"]
