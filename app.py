"""dynweights explorer: see, compare, download and share training-step schedules.

Run with ``make run`` (or ``streamlit run app.py``). The page URL holds the whole
view: every widget is bound to the query string, so a link reproduces it.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.state import get_session_state

import dynweights
from explorer import downloads, figures, model

st.set_page_config(page_title="dynweights explorer", page_icon="📈", layout="wide")

# A link is read once per session, before any widget seeds itself from it.
# Streamlit seeds bound widgets from the URL of the page load, and its own
# parsing raises OverflowError on `inf` or a 400-digit number, so bad values are
# dropped from both the URL and that snapshot first.
if "link_notices" not in st.session_state:
    check = model.check_link({key: st.query_params.get_all(key) for key in st.query_params})
    for key in check.drop:
        del st.query_params[key]
    for key, kept in check.replace.items():
        st.query_params[key] = kept
    with get_session_state().query_params() as query_state:
        query_state.set_initial_query_params_from_current()
    st.session_state.link_notices = check.notices
    # A preset in the link sets the widgets; the link's own values still win,
    # because Streamlit seeds bound widgets from the URL on the first run.
    if (preset_in_link := st.query_params.get(model.PRESET_KEY)) in dynweights.PRESETS:
        st.session_state.update(model.apply_preset(str(preset_in_link)))


def _ladder_key(name: str) -> str:
    return f"{name}__ladder"


def _follow_ladder(name: str) -> None:
    st.session_state[name] = st.session_state[_ladder_key(name)]


def _move_ladder(name: str, options: list[int]) -> None:
    st.session_state[_ladder_key(name)] = model.nearest(options, st.session_state[name])


def _use_preset() -> None:
    name = st.session_state[model.PRESET_KEY]
    if name in dynweights.PRESETS:
        st.session_state.update(model.apply_preset(name))
        for param in model.PARAMS.values():
            if _ladder_key(param.name) in st.session_state:
                _move_ladder(param.name, model.ladder(param))


def _pin(texts: list[str]) -> None:
    pinned = list(st.session_state.get(model.PIN_KEY, []))
    fresh = [text for text in texts if text not in pinned]
    st.session_state[model.PIN_KEY] = (pinned + fresh)[: model.MAX_PINS]


def param_widget(param: dynweights.Param) -> model.Value:
    """One URL-bound widget per parameter, built from its registry entry."""
    key, hint = param.name, param.description
    if param.type is str:
        return str(
            st.selectbox(
                param.label,
                param.choices,
                index=param.choices.index(str(param.default)),
                key=key,
                help=hint,
                bind="query-params",
            )
        )
    low, high = model.bounds(param)
    if param.type is int and high - low > model.WIDE_RANGE:
        # An exact number for any count up to 10^9, and a 1-2-5 slider to sweep.
        ladder = model.ladder(param)
        value = st.number_input(
            param.label,
            int(low),
            int(high),
            int(param.default),
            1,
            key=key,
            help=hint,
            on_change=_move_ladder,
            args=(key, ladder),
            bind="query-params",
        )
        st.session_state.setdefault(_ladder_key(key), model.nearest(ladder, value))
        st.select_slider(
            f"{param.label}, coarse",
            ladder,
            key=_ladder_key(key),
            format_func=lambda v: f"{v:,}",
            on_change=_follow_ladder,
            args=(key,),
            label_visibility="collapsed",
        )
        return int(value)
    if param.type is int:
        return int(
            st.slider(
                param.label,
                int(low),
                int(high),
                int(param.default),
                1,
                key=key,
                help=hint,
                bind="query-params",
            )
        )
    decimals = max(0, -math.floor(math.log10(param.step)))
    return float(
        st.slider(
            param.label,
            float(low),
            float(high),
            float(param.default),
            param.step,
            format=f"%.{decimals}f",
            key=key,
            help=hint,
            bind="query-params",
        )
    )


def chart_section(
    spec: model.Chart, values: dict[str, model.Value], image_format: str, pins: list[str]
) -> tuple[list[str], list[model.Curve]]:
    """One chart with its curve picker, log toggle, pinned curves, errors and formulas."""
    st.subheader(spec.title)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    names = left.multiselect(
        f"{spec.title}: curves",
        spec.names,
        default=spec.defaults,
        format_func=lambda name: dynweights.SCHEDULES[name].label,
        key=spec.key,
        bind="query-params",
    )
    log_y = right.toggle("Log-scale y", key=spec.log_key, bind="query-params")
    curves, errors = model.build_curves(names, values)
    pinned, pin_errors = model.pinned_curves(pins, spec.family)
    for error in [*errors, *pin_errors]:
        st.error(error, icon="⚠️")
    warmup_end = model.warmup_end(curves, values)
    fig = figures.chart(spec.title, [*curves, *pinned], log_y=log_y, warmup_end=warmup_end)
    st.plotly_chart(
        fig,
        config=figures.plotly_config(spec.image_name, image_format, int(values["total_steps"])),
        key=f"chart_{spec.key}",
    )
    for curve in curves:
        st.markdown(f"**{curve.label}**")
        st.latex(curve.formula)
    return names, [*curves, *pinned]


st.title("dynweights explorer")
st.caption(
    "Dynamic loss weights and learning-rate schedules, computed exactly by the "
    "`dynweights` package. Tweak the sidebar, hover for exact values, download the "
    "curves, and share the page URL: it reproduces this view."
)
for notice in st.session_state.link_notices:
    st.warning(notice, icon="🔗")

with st.sidebar:
    # Options are the preset names as they stand in the URL (`?preset=sgdr`):
    # Streamlit writes a select box's displayed text into the query string.
    st.selectbox(
        "Preset",
        (model.NO_PRESET, *dynweights.PRESETS),
        key=model.PRESET_KEY,
        on_change=_use_preset,
        bind="query-params",
        help="Published schedules: sets the parameters and the visible curves.",
    )
    if (preset := dynweights.PRESETS.get(str(st.session_state.get(model.PRESET_KEY)))) is not None:
        st.caption(f"**{preset.label}.** {preset.description}")
    values: dict[str, model.Value] = {}
    for group, params in model.PARAM_GROUPS.items():
        st.header(group)
        values.update((param.name, param_widget(param)) for param in params)
    st.header("Export")
    image_format = st.radio(
        "Chart image format (camera button)",
        model.IMAGE_FORMATS,
        key=model.IMAGE_FORMAT_KEY,
        horizontal=True,
        bind="query-params",
    )

# The charts come first on the page and the pins below them, but the pins are
# read first: the charts draw them.
chart_columns = st.columns(len(model.CHARTS))
pin_area = st.container()
pins = pin_area.multiselect(
    "Pinned curves (they stay on the charts while you tweak, and are in the share link)",
    st.session_state.get(model.PIN_KEY, []),
    key=model.PIN_KEY,
    accept_new_options=True,
    max_selections=model.MAX_PINS,
    placeholder="Pin the visible curves with the button below",
    bind="query-params",
)
visible: dict[str, list[str]] = {}
plotted: list[model.Curve] = []
for spec, column in zip(model.CHARTS, chart_columns, strict=True):
    with column:
        names, curves = chart_section(spec, values, image_format, pins)
    visible[spec.key] = names
    plotted.extend(curves)
# The drawn, unpinned curves: a curve whose parameters conflict cannot be pinned or exported.
live = [(c.name, c.params) for c in plotted if c.column == c.name]
pin_area.button(
    "📌 Pin the visible curves",
    on_click=_pin,
    args=([model.format_pin(name, params) for name, params in live],),
    help=f"Keeps up to {model.MAX_PINS} curves with their current parameters for comparison.",
)

with st.expander("Use it in your code"):
    if live:
        left, right = st.columns(2)
        chosen = left.selectbox(
            "Curve",
            [name for name, _ in live],
            format_func=lambda n: dynweights.SCHEDULES[n].label,
            key="export_curve",
        )
        family = dynweights.SCHEDULES[chosen].family
        targets = dynweights.TARGETS if family == "lr" else ("python",)
        target = right.radio("Target", targets, horizontal=True, key="export_target")
        st.code(dynweights.to_code(chosen, target, **dict(live)[chosen]), language="python")
    else:
        st.caption("Show a curve to export it.")

st.subheader("Download and share")
total_steps = downloads.span(plotted, int(values["total_steps"]))
csv_steps = downloads.csv_steps(plotted, total_steps)
share_query = [(key, v) for key in st.query_params for v in st.query_params.get_all(key)]
col_csv, col_json = st.columns(2)
col_csv.download_button(
    "Download CSV",
    data=lambda: downloads.csv_text(plotted, csv_steps),
    file_name=downloads.csv_filename(total_steps, len(csv_steps)),
    mime="text/csv",
    on_click="ignore",
    help="One column per visible curve, every value in full precision.",
)
col_json.download_button(
    "Download JSON",
    data=lambda: downloads.config_json(values, visible, share_query, pins),
    file_name=f"dynweights-T{total_steps}-config.json",
    mime="application/json",
    on_click="ignore",
    help="Every parameter and the visible curves: the configuration of this view.",
)
base_url = st.context.url or ""
st.caption("Share link: this URL reproduces the exact view.")
st.code(f"{base_url}?{urlencode(share_query)}" if share_query else base_url or "?", language=None)
