"""The page's inputs, built from the registry: shared settings and one card per curve.

Every widget key starts with ``w.``; the ``View`` in the session is the truth and
widgets seed themselves from it, so a structural change (units, a preset, "Make
custom") only has to forget the widgets for them to show the new values.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import streamlit as st

import dynweights
from dynweights import SCHEDULES, Bound, Param
from dynweights._phases import MAX_PHASES, SHAPES
from explorer import compare, downloads
from explorer import curves as cv
from explorer.figures import Drawn
from explorer.inputs import (
    RATE_RANGE,
    WEIGHT_RANGE,
    Value,
    count,
    fmt,
    is_length,
    is_rate,
    is_weight,
    log_options,
    nearest,
    number,
    parse_number,
    parse_steps,
    quote,
    value_text,
)
from explorer.setup import Axis

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from streamlit.delta_generator import DeltaGenerator
    from streamlit.elements.lib.mutable_expander_container import ExpanderContainer

ss = st.session_state
RATE_OPTIONS = log_options(*RATE_RANGE)
WEIGHT_OPTIONS = log_options(*WEIGHT_RANGE)
# Made once: Streamlit formats every option of every log slider on every rerun.
OPTION_LABELS = {option: fmt(option) for option in (*RATE_OPTIONS, *WEIGHT_OPTIONS)}
# A float slider past this many positions cannot be set by hand: exact input instead.
SLIDER_POSITIONS = 1000
SHARED_LABELS = {"total_steps": "Total steps", "init_lr": "Peak LR", "max_weight": "Max weight"}
UNIT_LABELS = {"fraction": "fraction of total steps", "steps": "steps"}


def view() -> cv.View:
    return ss["view"]  # type: ignore[no-any-return]


def forget_widgets() -> None:
    """Drops every widget's state so each reseeds from the view on this run."""
    for key in [k for k in ss if str(k).startswith("w.")]:
        del ss[key]


def folded(label: str, key: str) -> ExpanderContainer:
    """An expander whose content the caller writes only while it is open.

    Streamlit sends a closed expander's content too, and the browser renders it:
    six curves' LaTeX on every rerun. Keys start with ``open.``, not ``w.``, so
    ``forget_widgets`` leaves what the user opened open.
    """
    return st.expander(label, key=key, on_change="rerun")


def _seed(key: str, value: Any) -> None:
    if key not in ss:
        ss[key] = value


# --- numbers spanning decades: a log slider and an exact text field ------------------


def _slid(key: str) -> None:
    ss[key] = ss[key + ".s"]
    ss[key + ".t"] = fmt(ss[key])
    ss.pop(key + ".e", None)


def _typed(key: str, high: float) -> None:
    text = str(ss[key + ".t"]).strip()
    try:
        number = float(parse_number(text, integer=False))
        if number > high:
            raise ValueError(f"is above {fmt(high)}")
    except ValueError as err:
        why = "is negative" if text.startswith("-") else str(err)
        ss[key + ".e"] = f"{quote(text)} {why}; keeping {fmt(ss[key])}."
        return
    ss[key] = number
    ss[key + ".s"] = nearest(_options(high), number)
    ss.pop(key + ".e", None)


def _options(high: float) -> list[float]:
    return RATE_OPTIONS if high == RATE_RANGE[1] else WEIGHT_OPTIONS


def log_input(label: str, key: str, value: float, high: float, help_text: str) -> float:
    """A log-scale slider (0 and 1e-7 to ``high``) beside an exact text field."""
    options = _options(high)
    _seed(key, value)
    _seed(key + ".s", nearest(options, value))
    _seed(key + ".t", fmt(value))
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    left.select_slider(
        label,
        options,
        key=key + ".s",
        format_func=OPTION_LABELS.__getitem__,
        on_change=_slid,
        args=(key,),
        help=help_text,
    )
    right.text_input(
        f"{label}, exact",
        key=key + ".t",
        on_change=_typed,
        args=(key, high),
        help="Type 3e-4, 0.0003 or 3E-4; Enter applies it.",
        label_visibility="collapsed",
    )
    if ss.get(key + ".e"):
        st.caption(f":red[{ss[key + '.e']}]")
    return float(ss[key])


# --- milestones: typed as 30,80, checked strictly --------------------------------------


def _steps_typed(key: str) -> None:
    text = ",".join(part.strip() for part in str(ss[key + ".t"]).split(","))
    try:
        ss[key] = parse_steps(text)
    except ValueError as err:
        ss[key + ".e"] = (
            f"{quote(str(ss[key + '.t']))} {err}; keeping {quote(value_text(ss[key]))}."
        )
        return
    ss.pop(key + ".e", None)


def steps_input(label: str, key: str, value: tuple[int, ...], help_text: str) -> tuple[int, ...]:
    """A text field of increasing steps (``30,80``); bad text says why and keeps the last."""
    _seed(key, value)
    _seed(key + ".t", value_text(value))
    st.text_input(
        label,
        key=key + ".t",
        on_change=_steps_typed,
        args=(key,),
        help=help_text + " Type steps separated by commas; Enter applies them.",
    )
    if ss.get(key + ".e"):
        st.caption(f":red[{ss[key + '.e']}]")
    return tuple(ss[key])


# --- the shared settings --------------------------------------------------------------


def _units_changed() -> None:
    cv.convert_units(view(), ss["w.units"])
    forget_widgets()


def shared_controls(v: cv.View) -> None:
    """Total steps, peak LR and max weight that curves follow, units and log scales."""
    cols = st.columns([2, 3, 3], vertical_alignment="bottom")
    total = cv.param_named("total_steps")
    _seed("w.total_steps", v.shared["total_steps"])
    v.shared["total_steps"] = int(
        cols[0].number_input(
            "Total steps (shared)",
            int(total.min or 1),
            int(total.max or dynweights.MAX_TOTAL_STEPS),
            step=1,
            key="w.total_steps",
            help=total.description + " Every curve follows it unless it unlinks it.",
        )
    )
    with cols[1]:
        v.shared["init_lr"] = log_input(
            "Peak LR (shared)",
            "w.init_lr",
            number(v.shared["init_lr"]),
            RATE_RANGE[1],
            cv.param_named("init_lr").description,
        )
    with cols[2]:
        v.shared["max_weight"] = log_input(
            "Max weight (shared)",
            "w.max_weight",
            number(v.shared["max_weight"]),
            WEIGHT_RANGE[1],
            cv.param_named("max_weight").description,
        )
    row = st.columns(4, vertical_alignment="bottom")
    _seed("w.units", v.units)
    row[0].radio(
        "Lengths in",
        cv.UNITS,
        key="w.units",
        format_func=UNIT_LABELS.__getitem__,
        horizontal=True,
        on_change=_units_changed,
        help="Warmup, cycle, decay and step lengths: a fraction keeps the shape at any total.",
    )
    for col, key, label in zip(
        row[1:3], ("log_weights", "log_lrs"), ("Log-scale weights", "Log-scale LRs"), strict=True
    ):
        _seed("w." + key, v.shared[key])
        v.shared[key] = col.toggle(label, key="w." + key)
    _seed("w.image_format", v.shared["image_format"])
    v.shared["image_format"] = row[3].radio(
        "Chart image (camera button)", cv.IMAGE_FORMATS, key="w.image_format", horizontal=True
    )


# --- adding curves --------------------------------------------------------------------


def _added() -> None:
    name = ss["w.add"]
    if name is not None:
        v = view()
        if name == cv.CUSTOM:
            items = [dict(r) for r in cv.DEFAULT_ROWS]
            items[0]["steps"] = count(v.shared["total_steps"])
            v.add(cv.custom_curve(items, v.shared))
        else:
            v.add(cv.new_curve(name, v.shared))
    ss["w.add"] = None


def _preset_added() -> None:
    name = ss["w.preset"]
    if name is not None:
        v = view()
        for curve in cv.preset_curves(name, v):
            v.add(curve)
        forget_widgets()
    ss["w.preset"] = None


def add_controls(v: cv.View) -> None:
    full = len(v.curves) >= cv.MAX_CURVES
    why = f"At most {cv.MAX_CURVES} curves: remove one first." if full else None
    names = [*SCHEDULES, cv.CUSTOM]
    left, right = st.columns(2)
    _seed("w.add", None)
    left.selectbox(
        "Add a curve",
        names,
        index=None,
        key="w.add",
        placeholder="Add a curve…",
        format_func=lambda n: cv.CUSTOM_LABEL if n == cv.CUSTOM else SCHEDULES[n].label,
        on_change=_added,
        disabled=full,
        help=why
        or "Appends a curve of this family at its defaults, following the shared settings.",
    )
    _seed("w.preset", None)
    presets = dynweights.PRESETS
    right.selectbox(
        "Add a published schedule",
        list(presets),
        index=None,
        key="w.preset",
        placeholder="Add a published schedule…",
        format_func=lambda n: presets[n].label,
        on_change=_preset_added,
        disabled=full,
        help=why
        or "Appends the preset's curves and sets the shared settings it names.\n\n"
        + "\n\n".join(f"**{p.label}.** {p.description}" for p in presets.values()),
    )


# --- one card per curve -------------------------------------------------------------


def _duplicate(curve_id: int) -> None:
    v = view()
    source = v.find(curve_id)
    copy = cv.Curve(
        -1,
        source.name,
        dict(source.own),
        set(source.unlinked),
        True,
        0,
        [dict(r) for r in source.rows],
        source.title,
    )
    added = v.add(copy)
    if added is not None:
        v.curves.remove(added)
        v.curves.insert(v.curves.index(source) + 1, added)


def _remove(curve_id: int) -> None:
    v = view()
    v.curves.remove(v.find(curve_id))


def _customize(curve_id: int) -> None:
    v = view()
    curve = v.find(curve_id)
    custom = cv.make_custom(curve, v.shared)
    if isinstance(custom, cv.Curve):
        custom.id, custom.colour, custom.visible = curve.id, curve.colour, curve.visible
        v.curves[v.curves.index(curve)] = custom
        forget_widgets()


def rule_bounds(name: str, param: Param, params: dict[str, Value]) -> tuple[float, float]:
    """The range the family's rules allow ``param`` now, e.g. warmup below total steps."""
    low, high = float(param.min or 0), float(param.max or math.inf)
    for rule in SCHEDULES[name].rules:
        if rule.param != param.name:
            continue
        try:
            if rule.high is not None:
                high = min(high, rule.high.value(params) - (1 if rule.high.open else 0))
            if rule.low is not None:
                low = max(low, rule.low.value(params) + (1 if rule.low.open else 0))
        except (KeyError, TypeError, ValueError, ZeroDivisionError):
            continue
    return low, high


def _param_widget(curve: cv.Curve, param: Param, units: str, params: dict[str, Value]) -> Value:
    key = f"w.{curve.id}.{param.name}"
    value = curve.own[param.name]
    label, hint = param.label, param.description
    if param.type is str:
        _seed(key, value)
        return str(st.selectbox(label, param.choices, key=key, help=hint))
    if param.type is bool:
        _seed(key, bool(value))
        return bool(st.toggle(label, key=key, help=hint))
    if isinstance(value, tuple):
        return steps_input(label, key, value, hint)
    if is_rate(param) or is_weight(param):
        high = RATE_RANGE[1] if is_rate(param) else WEIGHT_RANGE[1]
        return log_input(label, key, float(value), high, hint)
    if is_length(param) and units == "fraction":
        _seed(key, float(value))
        return float(
            st.number_input(
                f"{label} (fraction of T)", 0.0, 1.0, step=0.01, format="%.4f", key=key, help=hint
            )
        )
    if param.type is int:
        low, high = float(param.min or 0), float(param.max or 0)
        if is_length(param):
            dyn_low, dyn_high = rule_bounds(curve.name, param, params)
            if dyn_low <= int(value) <= dyn_high:
                low, high = dyn_low, dyn_high
        _seed(key, int(value))
        return int(st.number_input(label, int(low), int(high), step=1, key=key, help=hint))
    low, high = float(param.min or 0), float(param.max or 0)
    _seed(key, float(value))
    if (high - low) / param.step <= SLIDER_POSITIONS:
        return float(st.slider(label, low, high, step=float(param.step), key=key, help=hint))
    return float(st.number_input(label, low, high, step=float(param.step), key=key, help=hint))


def _phase_rows(curve: cv.Curve, units: str) -> None:
    base_key = f"w.{curve.id}.base"
    _seed(base_key, [dict(r) for r in curve.rows])
    length = (
        st.column_config.NumberColumn(
            "length (fraction of T)", min_value=0.0, max_value=1.0, width="small"
        )
        if units == "fraction"
        else st.column_config.NumberColumn("length (steps)", min_value=1, step=1, width="small")
    )
    edited = st.data_editor(
        ss[base_key],
        key=f"w.{curve.id}.rows",
        num_rows="dynamic",
        column_config={
            "shape": st.column_config.SelectboxColumn(
                "shape", options=SHAPES, required=True, width="small"
            ),
            "length": length,
            "start": st.column_config.NumberColumn("start", format="%g", width="small"),
            "end": st.column_config.NumberColumn("end", format="%g", width="small"),
            "power": st.column_config.NumberColumn("power", help="power shape only", width="small"),
        },
        column_order=("shape", "length", "start", "end", "power"),
        hide_index=False,
        width="stretch",
    )
    curve.rows = [dict(r) for r in edited][:MAX_PHASES]


def curve_card(
    v: cv.View, curve: cv.Curve, label: str, bound: Bound | None, error: str | None
) -> None:
    """One curve: colour and label, visibility, actions, its own inputs, its formula."""
    name = cv.PALETTE[curve.colour % len(cv.PALETTE)][1]
    swatch = f":{name}[■■■]" if name else "■■■"
    box = st.container(border=True)
    box.markdown(f"{swatch} **{label}**")
    show, dup, rm = box.columns(3, vertical_alignment="center")
    _seed(f"w.{curve.id}.visible", curve.visible)
    curve.visible = show.toggle("Show", key=f"w.{curve.id}.visible")
    full = len(v.curves) >= cv.MAX_CURVES
    dup.button(
        "Duplicate",
        icon=":material/content_copy:",
        type="tertiary",
        key=f"w.{curve.id}.dup",
        on_click=_duplicate,
        args=(curve.id,),
        help=f"At most {cv.MAX_CURVES} curves" if full else "A copy to change and compare",
        disabled=full,
    )
    rm.button(
        "Remove",
        icon=":material/close:",
        type="tertiary",
        key=f"w.{curve.id}.rm",
        on_click=_remove,
        args=(curve.id,),
    )
    with box:
        shared_here = [p.name for p in curve.params() if p.name in cv.SHARED]
        if curve.name == cv.CUSTOM and v.units == "steps":
            shared_here = []
        if shared_here:
            _seed(f"w.{curve.id}.own", sorted(curve.unlinked & set(shared_here)))
            picked = st.pills(
                "Own setting instead of the shared one",
                shared_here,
                selection_mode="multi",
                format_func=SHARED_LABELS.__getitem__,
                key=f"w.{curve.id}.own",
            )
            fresh = set(picked or []) - curve.unlinked
            for key in fresh:
                # A setting unlinked now starts from the shared value it followed.
                curve.own[key] = v.shared[key]
                for suffix in ("", ".s", ".t", ".e"):
                    ss.pop(f"w.{curve.id}.{key}{suffix}", None)
            curve.unlinked = set(picked or [])
        params = cv.bound_params(curve, v.shared)
        for param in curve.params():
            if param.name in cv.SHARED and param.name not in curve.unlinked:
                continue
            if curve.name == cv.CUSTOM and param.name == "total_steps":
                if v.units == "fraction" and "total_steps" in curve.unlinked:
                    curve.own["total_steps"] = _param_widget(curve, param, v.units, params)
                continue
            curve.own[param.name] = _param_widget(curve, param, v.units, params)
        if curve.name == cv.CUSTOM:
            _phase_rows(curve, v.units)
            marked = cv.bad_rows(curve, v.shared)
            for row, why in marked.items():
                st.error(f"Phase row {row - 1}: {why}", icon="⚠️")
            error = None if marked else error
        else:
            reason = _custom_reason(curve, v.shared)
            st.button(
                "Make custom",
                key=f"w.{curve.id}.custom",
                on_click=_customize,
                args=(curve.id,),
                disabled=reason is not None,
                help=reason or "Turns this curve into the equivalent phases, to edit from there.",
            )
        if error:
            st.error(f"{label}: {error}", icon="⚠️")
        elif bound is not None:
            notes = cautions(curve, v)
            for caution in notes:
                if caution.key not in FOLDED_CAUTIONS:
                    st.warning(caution.text, icon="⚠️")
            formula = folded("Formula", f"open.{curve.id}.formula")
            if formula.open:
                with formula:
                    st.latex(bound.formula)
                    for caution in notes:
                        if caution.key in FOLDED_CAUTIONS:
                            st.caption(caution.text)


# Facts about a peer library rather than about these settings: true of every curve of
# the family, so they go with its formula, folded, instead of warning on every card.
FOLDED_CAUTIONS = ("rises_after_total",)


def cautions(curve: cv.Curve, v: cv.View) -> list[compare.Caution]:
    """The curve's warnings, from the inputs the card now shows; they never block drawing."""
    try:
        bound = cv.bind(curve, v.shared)
    except ValueError:
        return []
    return compare.cautions(bound, dynweights.DEFAULT_POINTS)


def _custom_reason(curve: cv.Curve, shared: dict[str, Value]) -> str | None:
    result = cv.make_custom(curve, shared)
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
        index=dynweights.TARGETS.index(peer),
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
