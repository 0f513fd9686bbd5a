"""The issue's worked example, shared by AppTest (``test_setup_ui.py``) and Chromium
(``browser/test_setup_browser.py``): 50 examples, batch 4, 2 accumulation steps and
3 epochs are 13 batches per epoch, 7 optimizer steps per epoch, 21 steps.

``CONFIG`` is that run as a Hugging Face Trainer config, and ``PASTES`` the same
config as a person pastes it: JSON, YAML or ``TrainingArguments(...)``.
"""

EXPLAIN = "13 batches per epoch → 7 optimizer steps per epoch → 21 steps"
WORKED = {"num_examples": 50, "batch_size": 4, "accumulation": 2, "epochs": 3.0}
CONFIG = {
    "learning_rate": 3e-4,
    "lr_scheduler_type": "cosine_with_min_lr",
    "lr_scheduler_kwargs": {"min_lr": 3e-5},
    "warmup_steps": 0.1,
    "num_train_epochs": 3,
    "per_device_train_batch_size": 4,
    "gradient_accumulation_steps": 2,
    "output_dir": "out",
}
PASTES = {
    "json": """{"learning_rate": 3e-4, "lr_scheduler_type": "cosine_with_min_lr",
 "lr_scheduler_kwargs": {"min_lr": 3e-5}, "warmup_steps": 0.1, "num_train_epochs": 3,
 "per_device_train_batch_size": 4, "gradient_accumulation_steps": 2, "output_dir": "out"}""",
    "yaml": """learning_rate: 3.0e-4
lr_scheduler_type: cosine_with_min_lr
lr_scheduler_kwargs:
  min_lr: 3.0e-5
warmup_steps: 0.1
num_train_epochs: 3
per_device_train_batch_size: 4
gradient_accumulation_steps: 2
output_dir: out
""",
    "keywords": """TrainingArguments(
    output_dir="out",
    learning_rate=3e-4,
    lr_scheduler_type="cosine_with_min_lr",
    lr_scheduler_kwargs={"min_lr": 3e-5},
    warmup_steps=0.1,
    num_train_epochs=3,
    per_device_train_batch_size=4,
    gradient_accumulation_steps=2,
)""",
}
