"""The page's inputs, built from the registry: shared settings, the list, one editor.

Render only: every widget seeds itself from the view (``state.seed``) and applies
its value in a callback (``explorer.actions``), so a run never writes the view.
Numbers are text fields read by the one door (``explorer.inputs``): ``5e5`` is
500000 and ``3E-4`` is 0.0003, exactly as typed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import streamlit as st

import dynweights
from dynweights import SCHEDULES, Bound, Param
from dynweights._phases import SHAPES
from dynweights.loss import MultiPowerLaw
from explorer import actions, compare, downloads, losses, state
from explorer import curves as cv
from explorer.actions import param_key
from explorer.figures import Drawn
from explorer.inputs import Value, fmt, is_length, value_text
from explorer.losses import Fitted
from explorer.setup import Axis

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from streamlit.delta_generator import DeltaGenerator
    from streamlit.elements.lib.mutable_expander_container import ExpanderContainer

ss = state.ss
SHARED_LABELS = actions.SHARED_LABELS
UNIT_LABELS = {"fraction": "fraction of total steps", "steps": "steps"}
# A choice of this many options or fewer is one click (a segmented control).
SEGMENTED_MAX = 4
# Facts about a peer library rather than about these settings: true of every curve of
# the family, so they go with its formula, folded, instead of warning on every card.
FOLDED = ("rises_after_total",)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:=$&^@\"'])")


def plain(text: str) -> str:
    """``text`` as Streamlit Markdown that shows it literally: no bold, no links, no HTML."""
    return _MARKDOWN.sub(r"\\\1", text.replace("\n", " "))


_MARKDOWN_IN_HTML = re.compile(r"([\\`*_{}\[\]()+\-.!|~:=$^@\"'])")


def plain_html(text: str) -> str:
    """``text`` inside Markdown that allows the page's own HTML: escaped for both."""
    return _MARKDOWN_IN_HTML.sub(r"\\\1", html.escape(text.replace("\n", " "), quote=False))


def folded(label: str, key: str) -> ExpanderContainer:
    """An expander whose content the caller writes only while it is open.

    Streamlit sends a closed expander's content too, and the browser renders it.
    Keys start with ``open.``, so ``state.forget`` leaves what the user opened open.
    """
    return st.expander(label, key=key, on_change="rerun")


def swatch(colour: str) -> str:
    """The curve's own line colour, as HTML (the colour is the page's, never the user's)."""
    return f'<span style="color:{colour}">■■■</span>'


def text_field(
    label: str,
    key: str,
    value: Value,
    on_change: Callable[..., None],
    args: tuple[object, ...] = (),
    help_text: str | None = None,
    placeholder: str | None = None,
    column: DeltaGenerator | None = None,
) -> None:
    """A number (or milestones) typed as people write it, read by the door on Enter."""
    state.seed(key, value_text(value) if value != "" else "")
    where = column or st
    where.text_input(
        label,
        key=key,
        on_change=on_change,
        args=args,
        help=help_text,
        placeholder=placeholder,
    )
    why = state.error(key)
    if why:
        where.caption(f":red[{plain(why)}]")


# --- the shared settings --------------------------------------------------------------


def shared_controls(v: cv.View) -> None:
    """Total steps, peak LR and max weight that linked curves follow; units and scales."""
    cols = st.columns(4, vertical_alignment="bottom")
    for col, name in zip(cols, cv.SHARED, strict=False):
        param = cv.param_named(name)
        linked = sum(1 for c in v.curves if cv.follows(c, name))
        text_field(
            f"{SHARED_LABELS[name]} (shared)",
            param_key("shared", name),
            v.shared[name],
            actions.shared_typed,
            (name,),
            f"{param.description} Followed by {linked} curve(s); type 5e5, 3e-4 or 3E-4.",
            column=col,
        )
    state.seed(param_key("shared", "units"), v.units)
    cols[3].radio(
        "Lengths in",
        cv.UNITS,
        key=param_key("shared", "units"),
        format_func=UNIT_LABELS.__getitem__,
        on_change=actions.units_changed,
        help="Warmup, cycle, decay and step lengths: a fraction keeps the shape at any total.",
    )


def display_controls(v: cv.View) -> None:
    row = st.columns(3, vertical_alignment="bottom")
    for col, key, label in zip(
        row[:2], ("log_weights", "log_lrs"), ("Log-scale weights", "Log-scale LRs"), strict=True
    ):
        state.seed(param_key("shared", key), bool(v.shared[key]))
        col.toggle(
            label, key=param_key("shared", key), on_change=actions.shared_picked, args=(key,)
        )
    state.seed(param_key("shared", "image_format"), v.shared["image_format"])
    row[2].radio(
        "Chart image (camera button)",
        cv.IMAGE_FORMATS,
        key=param_key("shared", "image_format"),
        horizontal=True,
        on_change=actions.shared_picked,
        args=("image_format",),
    )


# --- the loss prediction: one place for the law, and the fit to the user's run ------------


def loss_controls(
    v: cv.View,
    law: MultiPowerLaw | None,
    fitted: Fitted | None,
    fit_error: str | None,
    unpredicted: Sequence[str] = (),
) -> None:
    """The law behind the "Predicted loss" chart, what it was fitted on, and the upload."""
    name = str(v.shared["loss_law"])
    left, right = st.columns([1, 3], vertical_alignment="center")
    key = param_key("shared", "loss_law")
    state.seed(key, name)
    left.selectbox(
        "Loss prediction",
        losses.LAWS,
        format_func=losses.LABELS.__getitem__,
        key=key,
        on_change=actions.shared_picked,
        args=("loss_law",),
        help="The multi-power law (Luo et al. 2025) predicts each learning-rate curve's "
        "training loss from the schedule alone.",
    )
    if name == losses.FIT and fitted is None:
        right.caption("Upload a run under “Fit to my run” to fit a law to it.")
    else:
        right.caption(plain(losses.caption(name, law, fitted)))
    for why in unpredicted[:8]:
        st.caption(plain(f"No predicted loss for {why[:200]}"))
    with st.expander("Fit to my run", key=f"{state.FOLD}fit", on_change="rerun"):
        st.caption(
            plain(
                "A CSV of step, lr, loss: the authors' format, and what W&B and TensorBoard "
                "exports give once you keep those columns; a run column holds several runs. "
                "The law is fitted as the authors fit theirs (Huber loss of the log-loss, "
                "delta 1e-3). The file stays on this page: a link keeps only the choice."
            )
        )
        st.file_uploader(
            "Training run CSV",
            type=["csv"],
            key="run.file",
            on_change=actions.uploaded,
            args=("run.file", state.RUN_FILE),
        )
        if fit_error:
            st.error(plain(fit_error), icon="⚠️")
        elif fitted is not None:
            st.success(
                plain(
                    f"Fitted to {fitted.description}: mean relative error {fitted.error:.3%}. "
                    "Choose “Fitted to my run” above to predict every curve with it."
                )
            )
            for run in fitted.runs:
                if not run.logged_every_step:
                    st.caption(
                        plain(
                            f"{run.name}: its rate between logged steps is interpolated "
                            "linearly; log every step for an exact fit."
                        )
                    )


# --- adding curves --------------------------------------------------------------------


def add_controls(v: cv.View) -> None:
    why = f"At most {cv.MAX_CURVES} curves: remove one first." if v.full else None
    names = [*SCHEDULES, cv.CUSTOM, cv.EXPRESSION]
    left, middle, right = st.columns([4, 4, 1], vertical_alignment="bottom")
    state.seed(f"{state.WIDGET}add", None)
    left.selectbox(
        "Add a curve",
        names,
        index=None,
        key=f"{state.WIDGET}add",
        placeholder="Add a curve…",
        format_func=cv.family_label,
        on_change=actions.added,
        disabled=v.full,
        help=why
        or "Appends a curve of this family at its defaults, following the shared settings.",
    )
    state.seed(f"{state.WIDGET}preset", None)
    presets = dynweights.PRESETS
    middle.selectbox(
        "Add a published schedule",
        list(presets),
        index=None,
        key=f"{state.WIDGET}preset",
        placeholder="Add a published schedule…",
        format_func=lambda n: presets[n].label,
        on_change=actions.preset_added,
        disabled=v.full,
        help=why
        or "Appends the published curve with its own values; on an empty page its "
        "settings become the shared ones.\n\n"
        + "\n\n".join(f"**{p.label}.** {p.description}" for p in presets.values()),
    )
    right.button(
        "Clear all",
        key=f"{state.WIDGET}clear",
        on_click=actions.cleared,
        disabled=not v.curves,
        help="Removes every curve, to start from your own.",
    )


# --- the list: one compact row per curve, one editor open ---------------------------------


def summary(curve: cv.Curve, v: cv.View, result: Bound | str | None) -> str:
    """A row's short description: its length and peak, and whether they are shared."""
    if isinstance(result, str) or result is None:
        why = result or ""
        return f"not drawn: {why[:200]}"
    linked = " (shared)" if cv.follows(curve, "total_steps") else ""
    parts = [f"T={result.total_steps:,}{linked}"]
    for key in ("init_lr", "max_weight"):
        if key in result.params:
            value = result.params[key]
            shared = " (shared)" if cv.follows(curve, key) else ""
            parts.append(f"{SHARED_LABELS[key].lower()} {fmt(float(value))}{shared}")
    notes = [c for c in compare.cautions(result, dynweights.DEFAULT_POINTS) if c.key not in FOLDED]
    if notes:
        parts.append(f"⚠ {len(notes)} caution{'s' if len(notes) > 1 else ''}: see its editor")
    if not curve.visible:
        parts.append("hidden")
    return ", ".join(parts)


def curve_row(v: cv.View, curve: cv.Curve, label: str, result: Bound | str | None) -> None:
    """Swatch, label and summary; show, edit, duplicate and remove."""
    text, show, edit, dup, rm = st.columns([10, 2, 2, 1, 1], vertical_alignment="center")
    text.markdown(
        f"{swatch(curve.colour_hex)} **{plain_html(label)}**  \n"
        f"<small>{plain_html(summary(curve, v, result))}</small>",
        unsafe_allow_html=True,
    )
    state.seed(param_key(curve.id, "visible"), curve.visible)
    show.toggle(
        "Show",
        key=param_key(curve.id, "visible"),
        on_change=actions.visible_toggled,
        args=(curve.id,),
    )
    is_open = state.open_curve() == curve.id
    edit.button(
        "Close" if is_open else "Edit",
        key=param_key(curve.id, "edit"),
        icon=":material/expand_less:" if is_open else ":material/edit:",
        type="primary" if is_open else "secondary",
        on_click=actions.toggle_open,
        args=(curve.id,),
    )
    dup.button(
        "",
        icon=":material/content_copy:",
        type="tertiary",
        key=param_key(curve.id, "dup"),
        on_click=actions.duplicated,
        args=(curve.id,),
        help=f"At most {cv.MAX_CURVES} curves" if v.full else "Duplicate: a copy to change",
        disabled=v.full,
    )
    rm.button(
        "",
        icon=":material/close:",
        type="tertiary",
        key=param_key(curve.id, "rm"),
        on_click=actions.removed,
        args=(curve.id,),
        help="Remove",
    )


def _param_widget(curve: cv.Curve, param: Param, units: str) -> None:
    key = param_key(curve.id, param.name)
    value = curve.own[param.name]
    label, hint = param.label, param.description
    if param.type is str and param.choices:
        state.seed(key, value)
        if len(param.choices) <= SEGMENTED_MAX:
            st.segmented_control(
                label,
                param.choices,
                key=key,
                help=hint,
                on_change=actions.param_picked,
                args=(curve.id, param.name),
            )
        else:
            st.selectbox(
                label,
                param.choices,
                key=key,
                help=hint,
                on_change=actions.param_picked,
                args=(curve.id, param.name),
            )
        return
    if param.type is bool:
        state.seed(key, bool(value))
        st.toggle(
            label, key=key, help=hint, on_change=actions.param_picked, args=(curve.id, param.name)
        )
        return
    if is_length(param) and units == "fraction":
        label = f"{label} (fraction of T)"
    elif isinstance(value, tuple):
        hint += " Steps separated by commas, like 30,80."
    text_field(label, key, value, actions.param_typed, (curve.id, param.name), hint)


def _phase_rows(v: cv.View, curve: cv.Curve) -> None:
    """The phases, full width: every cell typed as text and read by the door on change."""
    base_key = param_key(curve.id, "base")
    rows = [
        {
            "shape": r.get("shape"),
            **{k: ("" if r.get(k) is None else value_text(r[k])) for k in cv.ROW_KEYS[1:]},  # type: ignore[arg-type]
        }
        for r in curve.rows
    ]
    # The editor shows its base plus the user's edits; the base changes only with the
    # view (a new base means new edits), so an edit is never applied twice or lost.
    if ss.get(base_key) != rows:
        ss[base_key] = rows
        ss.pop(param_key(curve.id, "rows"), None)
    unit = "fraction of T" if v.units == "fraction" else "steps"
    st.data_editor(
        ss[base_key],
        key=param_key(curve.id, "rows"),
        num_rows="dynamic",
        column_config={
            "shape": st.column_config.SelectboxColumn("shape", options=SHAPES, required=True),
            "length": st.column_config.TextColumn(f"length ({unit})", help=f"In {unit}: 5e5, 0.25"),
            "start": st.column_config.TextColumn("start", help="3e-4, 0.0003, -1"),
            "end": st.column_config.TextColumn("end", help="blank in a constant phase"),
            "power": st.column_config.TextColumn("power", help="power shape only"),
        },
        column_order=cv.ROW_KEYS,
        hide_index=False,
        width="stretch",
        on_change=actions.rows_edited,
        args=(curve.id, list(curve.rows)),
    )
    why = state.error(param_key(curve.id, "rows"))
    if why:
        st.error(plain(why), icon="⚠️")


def curve_editor(v: cv.View, curve: cv.Curve, label: str, result: Bound | str | None) -> None:
    """The open curve: its links to the shared settings, its inputs, what this run made."""
    box = st.container(border=True)
    with box:
        st.markdown(f"{swatch(curve.colour_hex)} **{plain_html(label)}**", unsafe_allow_html=True)
        shared_here = list(curve.shared_here())
        if curve.name == cv.CUSTOM and v.units == "steps":
            shared_here = []  # its length is the sum of its phases
        if shared_here:
            cols = st.columns(len(shared_here))
            for col, name in zip(cols, shared_here, strict=True):
                key = param_key(curve.id, f"link.{name}")
                state.seed(key, cv.follows(curve, name))
                col.toggle(
                    f"🔗 shared {SHARED_LABELS[name].lower()} ({value_text(v.shared[name])})",
                    key=key,
                    on_change=actions.link_toggled,
                    args=(curve.id, name),
                    help="On: this curve follows the shared setting. Off: it keeps its own.",
                )
        params = [p for p in curve.params() if not cv.follows(curve, p.name)]
        if curve.name == cv.CUSTOM:
            params = [p for p in params if v.units == "fraction"]
        grid = st.columns(3)
        for i, param in enumerate(params):
            with grid[i % 3]:
                _param_widget(curve, param, v.units)
        if curve.name == cv.CUSTOM:
            _phase_rows(v, curve)
        else:
            reason = _custom_reason(curve, v)
            st.button(
                "Make custom",
                key=param_key(curve.id, "custom"),
                on_click=actions.customized,
                args=(curve.id,),
                disabled=reason is not None,
                help=reason or "Turns this curve into the equivalent phases, to edit from there.",
            )
        if isinstance(result, str):
            st.error(plain(f"{label}: {result}"), icon="⚠️")
        elif result is not None:
            notes = compare.cautions(result, dynweights.DEFAULT_POINTS)
            for caution in notes:
                if caution.key not in FOLDED:
                    st.warning(caution.text, icon="⚠️")
            formula = folded("Formula", f"{state.FOLD}{curve.id}.formula")
            if formula.open:
                with formula:
                    st.latex(result.formula)
                    for caution in notes:
                        if caution.key in FOLDED:
                            st.caption(caution.text)


def _custom_reason(curve: cv.Curve, v: cv.View) -> str | None:
    result = cv.make_custom(curve, v.shared)
    return result if isinstance(result, str) else None


# --- code and files: fragments, so choosing here reruns only this part -------------


@st.fragment
def code_export(plotted: list[Drawn], first: int) -> None:
    """The ``to_code`` snippet of a visible curve, for every target; ``st.code`` copies it."""
    if not plotted:
        st.caption("Show a curve to export it.")
        return
    left, right = st.columns([1, 2])
    chosen = left.selectbox(
        "Curve",
        range(len(plotted)),
        index=first,
        format_func=lambda i: plotted[i].label,
        key="export_curve",
    )
    # The peer library's own call for a learning rate; plain Python for a loss weight.
    peer = "python" if plotted[chosen].bound.family == "weight" else "pytorch"
    target = right.radio(
        "Target",
        dynweights.TARGETS,
        index=list(dynweights.TARGETS).index(peer),
        horizontal=True,
        key="export_target",
    )
    try:
        st.code(plotted[chosen].bound.to_code(target), language="python")
    except ValueError as err:
        st.caption(f"No {target} export for this curve: {err}")


def _csv_button(
    column: DeltaGenerator,
    label: str,
    plotted: list[Drawn],
    steps: NDArray[np.int64],
    axis: Axis | None,
    kind: str,
    help_text: str | None = None,
) -> None:
    """A CSV of ``steps``, built only when clicked, named by its span, rows and kind."""
    column.download_button(
        label,
        data=lambda: downloads.csv_text(plotted, steps, axis),
        file_name=downloads.csv_filename(downloads.span(plotted), len(steps), kind),
        mime="text/csv",
        on_click="ignore",
        help=help_text,
    )


@st.fragment
def downloads_row(plotted: list[Drawn], axis: Axis | None = None) -> None:
    """CSV of every step up to 100,000; beyond, the plotted steps or an even grid; JSON."""
    total = downloads.span(plotted)
    col_csv, col_grid, col_json = st.columns(3, vertical_alignment="bottom")
    if total <= downloads.CSV_ALL_STEPS_MAX:
        _csv_button(
            col_csv,
            "Download CSV",
            plotted,
            downloads.all_steps(total),
            axis,
            "all",
            "Every step, one column per visible curve, every value in full precision.",
        )
    else:
        _csv_button(
            col_csv,
            "Download CSV (plotted steps)",
            plotted,
            downloads.plotted_steps(plotted),
            axis,
            "plotted",
            "The plotted steps: every breakpoint and an even spread.",
        )
        rows = int(
            col_grid.number_input(
                "Even grid rows",
                2,
                downloads.CSV_ALL_STEPS_MAX + 1,
                downloads.GRID_DEFAULT,
                key="grid_rows",
            )
        )
        grid = downloads.grid_steps(total, rows)
        _csv_button(col_grid, "Download CSV (even grid)", plotted, grid, axis, "grid")
    col_json.download_button(
        "Download JSON",
        data=lambda: downloads.schedules_json(plotted),
        file_name=f"dynweights-T{total}-schedules.json",
        mime="application/json",
        on_click="ignore",
        help="The visible curves, a list of bound schedules (Bound.to_dict).",
    )
