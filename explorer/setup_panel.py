"""The "Training setup" panel, the x-axis unit and "Paste a Hugging Face config".

Widgets seed themselves from the view (``View.shared``) like the rest of the page;
the arithmetic is ``dynweights.budget`` and the pasted text is read by
``explorer.hf_paste`` (nothing in it is executed).
"""

from __future__ import annotations

import itertools

import streamlit as st

from dynweights import MAX_TOTAL_STEPS
from dynweights.budget import Budget
from explorer import curves as cv
from explorer import setup
from explorer.hf_paste import MAX_CHARS, parse_config
from explorer.inputs import number, quote
from explorer.widgets import forget_widgets, view

ss = st.session_state
UNIT_LABELS = {"steps": "steps", "epochs": "epochs", "examples": "examples", "tokens": "tokens"}
PASTE_HELP = (
    "TrainingArguments fields as JSON, YAML or TrainingArguments(...) keywords: "
    "learning_rate, lr_scheduler_type, lr_scheduler_kwargs, warmup_steps, num_train_epochs, "
    "max_steps, per_device_train_batch_size, gradient_accumulation_steps, dataloader_drop_last. "
    "Read as data only, never run; at most 20 KB."
)


def _seed(key: str, value: object) -> None:
    if key not in ss:
        ss[key] = value


def _use_steps(total: int) -> None:
    view().shared["total_steps"] = total
    ss["w.total_steps"] = total


def panel(v: cv.View) -> Budget | None:
    """Examples, batch, devices, accumulation, epochs... → total steps, explained."""
    with st.expander("Training setup"):
        cols = st.columns(4, vertical_alignment="bottom")
        for field, col in zip(setup.FIELDS, itertools.cycle(cols), strict=False):
            key = f"w.setup.{field.name}"
            _seed(key, field.kind(number(v.shared[field.name])))
            if field.kind is bool:
                v.shared[field.name] = bool(col.toggle(field.label, key=key, help=field.help))
                continue
            whole = field.kind is int  # counts step by 1; epochs by halves, shown as typed
            kind = int if whole else float
            v.shared[field.name] = kind(
                col.number_input(
                    field.label,
                    kind(field.low),
                    kind(field.high),
                    step=kind(1 if whole else 0.5),
                    format=None if whole else "%g",
                    key=key,
                    help=field.help,
                )
            )
        try:
            run = setup.budget(v.shared)
        except ValueError as err:
            st.error(f"Training setup: {err}", icon="⚠️")
            return None
        st.markdown(f"**{run.explain()}**")
        if run.sequence_length:
            st.caption(f"{run.tokens_per_step:,} tokens per optimizer step.")
        too_many = run.total_steps > MAX_TOTAL_STEPS
        st.button(
            f"Use {run.total_steps:,} steps as the shared total steps",
            key="w.setup.use",
            on_click=_use_steps,
            args=(run.total_steps,),
            disabled=too_many or run.total_steps == v.shared["total_steps"],
            help=f"The explorer draws at most {MAX_TOTAL_STEPS:,} steps."
            if too_many
            else "Every curve that follows the shared total steps takes this run's length.",
        )
    with st.expander("Paste a Hugging Face config"):
        st.text_area(
            "Trainer config (JSON, YAML or TrainingArguments(...))",
            key="paste.text",
            max_chars=MAX_CHARS,
            height=150,
            help=PASTE_HELP,
            placeholder='{"learning_rate": 3e-4, "lr_scheduler_type": "cosine", '
            '"warmup_steps": 0.1}',
        )
        full = len(v.curves) >= cv.MAX_CURVES
        st.button(
            "Add its schedule",
            key="paste.add",
            on_click=_pasted,
            disabled=full,
            help=f"At most {cv.MAX_CURVES} curves: remove one first."
            if full
            else "Adds the config's schedule with the setup's examples and devices, "
            "and puts its batch, accumulation and length into the training setup.",
        )
        for kind, text in ss.get("paste.messages", []):
            getattr(st, kind)(text)
    return run


def _pasted() -> None:
    v = view()
    text = str(ss.get("paste.text") or "")
    try:
        config = parse_config(text)
        bound, run = setup.from_config(config, v.shared)
    except (ValueError, TypeError) as err:
        ss["paste.messages"] = [("error", f"Not added, the curves are unchanged: {err}")]
        return
    units = v.units
    curve = cv.curve_of(bound, v)
    curve.title = f"HF {config.get('lr_scheduler_type', 'linear')}"
    v.add(curve)
    v.shared.update(setup.fields_of(run))
    forget_widgets()
    messages = [("success", f"Added {curve.title}: {run.explain()}.")]
    if v.units != units:
        messages.append(("info", "Lengths are now in steps, so the config draws exactly."))
    if bound.ignored:
        keys = ", ".join(quote(k) for k in bound.ignored)
        messages.append(("info", f"Ignored fields that do not change the schedule: {keys}."))
    ss["paste.messages"] = messages


def unit_selector(v: cv.View, run: Budget | None) -> setup.Axis | None:
    """Steps, epochs, examples or tokens (with a sequence length) on the x axis."""
    options = setup.units_for(run)
    if v.shared[setup.UNIT_KEY] not in options:
        v.shared[setup.UNIT_KEY] = options[0]
        ss.pop("w.x_unit", None)
    _seed("w.x_unit", v.shared[setup.UNIT_KEY])
    unit = str(
        st.radio(
            "X axis in",
            options,
            key="w.x_unit",
            horizontal=True,
            help="From the training setup: hover shows the step and this unit; "
            "CSV downloads add its column.",
        )
    )
    v.shared[setup.UNIT_KEY] = unit
    if run is None or unit == "steps":
        return None
    return setup.Axis(unit, run)
