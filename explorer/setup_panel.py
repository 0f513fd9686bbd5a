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
from explorer import actions, setup, state, uploads
from explorer import curves as cv
from explorer.actions import param_key
from explorer.hf_paste import MAX_CHARS
from explorer.widgets import plain, text_field

PASTE_HELP = (
    "One of: a Hugging Face config (TrainingArguments fields as JSON, YAML or "
    "TrainingArguments(...) keywords); PyTorch scheduler code (one torch.optim.lr_scheduler "
    "construction, nested as torch allows; its optimizer's lr is the shared peak LR); "
    "timm arguments (--sched cosine --epochs 100 --warmup-epochs 5, or args.yaml). "
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
    with st.expander(
        "Paste a config or scheduler code", key=f"{state.FOLD}paste", on_change="rerun"
    ):
        beside = st.columns(len(PASTE_FIELDS))
        for name, col in zip(PASTE_FIELDS, beside, strict=True):
            _field(v, setup.BY_NAME[name], col, "paste")
        st.text_area(
            "Hugging Face config, PyTorch scheduler code or timm arguments",
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
            else "Adds the schedule it states, with its own steps: it does not follow the "
            "shared settings. Examples and devices above size a Hugging Face config.",
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


def plateau_panel(v: cv.View) -> None:
    """ReduceLROnPlateau on an uploaded metric: what it would have done, as a curve."""
    with st.expander(
        "Plateau on your metric (ReduceLROnPlateau)", key=f"{state.FOLD}plateau", on_change="rerun"
    ):
        st.caption(
            "Upload a CSV of step,value (a validation loss, say; W&B and TensorBoard exports "
            "work once you keep those two columns). The curve is torch's ReduceLROnPlateau "
            "stepped on each value, from the shared peak LR. The file stays on this page: "
            "the link keeps the curve it made, as phases, not the file."
        )
        st.file_uploader(
            "Metric CSV",
            type=["csv"],
            key="plateau.file",
            on_change=actions.uploaded,
            args=("plateau.file", state.PLATEAU_FILE),
        )
        cols = st.columns(len(uploads.PLATEAU_FIELDS) + 1, vertical_alignment="bottom")
        state.seed("plateau.mode", "min")
        cols[0].segmented_control("Mode", ["min", "max"], key="plateau.mode")
        for col, (name, (label, _, default)) in zip(
            cols[1:], uploads.PLATEAU_FIELDS.items(), strict=True
        ):
            state.seed(f"plateau.{name}", str(default))
            col.text_input(label, key=f"plateau.{name}")
        st.button(
            "Add the plateau curve",
            key="plateau.add",
            on_click=actions.plateau_added,
            disabled=v.full,
            help=f"At most {cv.MAX_CURVES} curves." if v.full else None,
        )
        for kind, text in state.ss.get("plateau.messages", []):
            getattr(st, kind)(plain(text))
