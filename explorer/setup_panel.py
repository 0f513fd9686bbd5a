"""The "Training setup" panel, the x-axis unit and "Paste a config".

Render only, like ``explorer.widgets``: values are typed as text, read by the door
in callbacks (``explorer.actions``); the arithmetic is ``dynweights.budget`` and the
pasted text is read by ``explorer.hf_paste`` (nothing in it is executed).
"""

from __future__ import annotations

import itertools

import streamlit as st

from dynweights import MAX_TOTAL_STEPS
from dynweights.budget import Budget
from explorer import actions, setup, state
from explorer import curves as cv
from explorer.actions import param_key
from explorer.hf_paste import MAX_CHARS
from explorer.widgets import plain, text_field

PASTE_HELP = (
    "TrainingArguments fields as JSON, YAML or TrainingArguments(...) keywords: "
    "learning_rate, lr_scheduler_type, lr_scheduler_kwargs, warmup_steps, num_train_epochs, "
    "max_steps, per_device_train_batch_size, gradient_accumulation_steps, dataloader_drop_last. "
    "Read as data only, never run; at most 20 KB."
)
# Beside the paste box: the setup fields a config cannot state but its step count needs.
PASTE_FIELDS = ("num_examples", "devices")


def _field(
    v: cv.View, field: setup.Field, column: st.delta_generator.DeltaGenerator, place: str = "setup"
) -> None:
    key = param_key(place, field.name)
    if field.kind is bool:
        state.seed(key, bool(v.shared[field.name]))
        column.toggle(
            field.label,
            key=key,
            help=field.help,
            on_change=actions.setup_toggled,
            args=(field.name,),
        )
        return
    text_field(
        field.label,
        key,
        v.shared[field.name],
        actions.setup_typed,
        (field.name, place),
        field.help,
        column=column,
    )


def panel(v: cv.View) -> Budget | None:
    """Examples, batch, devices, accumulation, epochs... → total steps, explained."""
    run: Budget | None = None
    # Both panels keep their open state in the session: a plain expander is drawn anew,
    # closed, whenever the elements above it change (a pasted curve and its editor).
    with st.expander("Training setup", key=f"{state.FOLD}setup", on_change="rerun"):
        cols = st.columns(4, vertical_alignment="bottom")
        for field, col in zip(setup.FIELDS, itertools.cycle(cols), strict=False):
            _field(v, field, col)
        try:
            run = setup.budget(v.shared)
        except ValueError as err:
            st.error(plain(f"Training setup: {err}"), icon="⚠️")
        if run is not None:
            st.markdown(f"**{plain(run.explain())}**")
            if run.sequence_length:
                st.caption(f"{run.tokens_per_step:,} tokens per optimizer step.")
            too_many = run.total_steps > MAX_TOTAL_STEPS
            st.button(
                f"Use {run.total_steps:,} steps as the shared total steps",
                key=param_key("setup", "use"),
                on_click=actions.use_steps,
                args=(run.total_steps,),
                disabled=too_many or run.total_steps == v.shared["total_steps"],
                help=f"The explorer draws at most {MAX_TOTAL_STEPS:,} steps."
                if too_many
                else "Every curve that follows the shared total steps takes this run's length.",
            )
    with st.expander("Paste a Hugging Face config", key=f"{state.FOLD}paste", on_change="rerun"):
        beside = st.columns(len(PASTE_FIELDS))
        for name, col in zip(PASTE_FIELDS, beside, strict=True):
            _field(v, setup.BY_NAME[name], col, "paste")
        st.text_area(
            "Trainer config (JSON, YAML or TrainingArguments(...))",
            key="paste.text",
            max_chars=MAX_CHARS,
            height=150,
            help=PASTE_HELP,
            placeholder='{"learning_rate": 3e-4, "lr_scheduler_type": "cosine", '
            '"warmup_steps": 0.1}',
        )
        st.button(
            "Add its schedule",
            key="paste.add",
            on_click=actions.pasted,
            disabled=v.full,
            help=f"At most {cv.MAX_CURVES} curves: remove one first."
            if v.full
            else "Adds the config's schedule for the examples and devices above, with its "
            "own steps: it does not follow the shared settings.",
        )
        for kind, text in state.ss.get(state.PASTE_MESSAGES, []):
            getattr(st, kind)(plain(text))
    return run


def unit_selector(v: cv.View, run: Budget | None) -> setup.Axis | None:
    """Steps, epochs, examples or tokens (with a sequence length) on the x axis."""
    options = setup.units_for(run)
    unit = str(v.shared[setup.UNIT_KEY])
    key = param_key("shared", setup.UNIT_KEY)
    if unit not in options:
        unit = options[0]
        state.ss.pop(key, None)
    state.seed(key, unit)
    st.radio(
        "X axis in",
        options,
        key=key,
        horizontal=True,
        on_change=actions.shared_picked,
        args=(setup.UNIT_KEY,),
        help="From the training setup: hover shows the step and this unit; "
        "CSV downloads add its column.",
    )
    if run is None or unit == "steps":
        return None
    return setup.Axis(unit, run)
