"""Pasted Hugging Face configs: three forms read, hostile text refused with a reason."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.hf_paste import MAX_CHARS, PasteError, parse_config

WANT = {
    "learning_rate": 3e-4,
    "lr_scheduler_type": "cosine_with_min_lr",
    "lr_scheduler_kwargs": {"min_lr_rate": 0.1},
    "warmup_steps": 0.03,
    "num_train_epochs": 2,
    "per_device_train_batch_size": 8,
    "gradient_accumulation_steps": 4,
    "dataloader_drop_last": True,
}

FORMS = {
    "json": """{"learning_rate": 3e-4, "lr_scheduler_type": "cosine_with_min_lr",
        "lr_scheduler_kwargs": {"min_lr_rate": 0.1}, "warmup_steps": 0.03,
        "num_train_epochs": 2, "per_device_train_batch_size": 8,
        "gradient_accumulation_steps": 4, "dataloader_drop_last": true}""",
    "yaml": """learning_rate: 3.0e-4
lr_scheduler_type: cosine_with_min_lr
lr_scheduler_kwargs:
  min_lr_rate: 0.1
warmup_steps: 0.03
num_train_epochs: 2
per_device_train_batch_size: 8
gradient_accumulation_steps: 4
dataloader_drop_last: true
""",
    "keywords": """TrainingArguments(
    learning_rate=3e-4,
    lr_scheduler_type="cosine_with_min_lr",
    lr_scheduler_kwargs={"min_lr_rate": 0.1},
    warmup_steps=0.03,
    num_train_epochs=2,
    per_device_train_batch_size=8,
    gradient_accumulation_steps=4,
    dataloader_drop_last=True,
)""",
    "bare keywords": 'learning_rate=3e-4, lr_scheduler_type="cosine_with_min_lr", '
    'lr_scheduler_kwargs={"min_lr_rate": 0.1}, warmup_steps=0.03, num_train_epochs=2, '
    "per_device_train_batch_size=8, gradient_accumulation_steps=4, dataloader_drop_last=True",
}


@pytest.mark.parametrize("form", FORMS)
def test_each_form_reads_the_same_config(form):
    assert parse_config(FORMS[form]) == WANT


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("{bad json", "not valid JSON"),
        ("a: [1, 2\nb: 3", "not valid YAML"),
        ("- 1\n- 2", "must be a mapping of fields, got list"),
        ("TrainingArguments(learning_rate=__import__('os').system('x'))", "never evaluated"),
        ("TrainingArguments(learning_rate=lr)", "never evaluated"),
        ("TrainingArguments(**kwargs)", r"\*\*kwargs"),
        ("TrainingArguments('out', learning_rate=1)", "name=value"),
        ("TrainingArguments(learning_rate=)", "not a keyword list"),
        ("!!python/object/apply:os.system ['echo hi']", "not valid YAML"),
        ("x" * (MAX_CHARS + 1), "at most 20,000"),
        ("{1: 2}", "field names must be text"),  # YAML reads it: integer keys
        ("1: 2", "field names must be text"),
    ],
)
def test_hostile_or_broken_text_gets_a_reason(text, message):
    with pytest.raises(PasteError, match=message):
        parse_config(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_or_says_why(text):
    try:
        config = parse_config(text)
    except PasteError as error:
        config, reason = None, str(error)
    if config is None:
        assert reason  # every refusal says why
    else:
        assert isinstance(config, dict)
        assert all(isinstance(k, str) for k in config)
