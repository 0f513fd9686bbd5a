"""dynweights explorer: see, compare, download and share training-step schedules.

Run with ``make run`` (or ``streamlit run app.py``). The page is a list of curves,
each a schedule with its own parameters; the URL holds the whole view, so a link
reproduces it (see ``explorer/links.py`` for its format).

Each run goes one way: the view (already holding every edit, applied by the
widgets' callbacks in ``explorer/actions.py``) → each curve bound once → charts,
table, list, editor, downloads and the link, all drawn from those bound curves.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

import streamlit as st

from dynweights import Bound
from dynweights.budget import Budget
from dynweights.loss import PUBLISHED
from explorer import curves as cv
from explorer import figures, links, losses, notices, setup, setup_panel, state, table, widgets
from explorer.figures import CHARTS

st.set_page_config(page_title="dynweights explorer", page_icon="📈", layout="wide")

# A link is read once per session: strictly, old links migrated, the rest ignored with a notice.
if state.VIEW not in state.ss:
    parsed = links.parse({key: st.query_params.get_all(key) for key in st.query_params})
    state.commit(parsed.view)
    state.ss[state.NOTICES] = notices.track(parsed.notices, parsed.view)
view = state.view()

# --- this run's curves, each bound once -------------------------------------------------
results = cv.bind_all(view)
labels = cv.labels(view.curves, view.shared)
valid = {c.id: b for c, b in ((c, results[c.id]) for c in view.curves) if isinstance(b, Bound)}
span = max((valid[c.id].total_steps for c in view.curves if c.visible and c.id in valid), default=0)
shown = [
    (c, figures.drawn(labels[c.id], c.colour_hex, valid[c.id], span))
    for c in view.curves
    if c.visible and c.id in valid
]
plotted = [d for _, d in shown]
try:
    run: Budget | None = setup.budget(view.shared)
except ValueError:
    run = None  # the setup panel says why
axis = setup.Axis(str(view.shared[setup.UNIT_KEY]), run) if run else None
if axis is not None and (axis.unit == "steps" or axis.unit not in setup.units_for(run)):
    axis = None
cursor = table.cursor_step(view.shared)

# --- the page ------------------------------------------------------------------------------
st.title("dynweights explorer")
st.caption(
    "Draw, compare and share learning-rate schedules and loss-weight ramps, computed exactly "
    "as PyTorch, Hugging Face, timm, Keras and optax compute them."
)
notices.show(view)

# --- the predicted loss of each learning-rate curve ----------------------------------------
law_name = str(view.shared["loss_law"])
fitted, fit_error = None, None
run_file = state.ss.get(state.RUN_FILE)
if run_file is not None:
    try:
        fitted = losses.fit_file(run_file[1])
    except (ValueError, ImportError, OverflowError, FloatingPointError) as err:
        fit_error = f"Not fitted: {err}"
law = fitted.law if law_name == losses.FIT and fitted else PUBLISHED.get(law_name)
lr_drawn = [d for c, d in shown if c.chart == "lr"]
predicted = [
    figures.Drawn(d.label, d.colour, d.bound, *losses.predicted(law, d.bound, span))
    for d in (lr_drawn if law is not None else [])
]
unpredicted = [
    f"{d.label}: {losses.why_not(law, d.bound)}"
    for d, p in zip(lr_drawn, predicted, strict=False)
    if law is not None and p.steps.size == 0
]
predicted = [p for p in predicted if p.steps.size]
runs = figures.run_traces(fitted) if law_name == losses.FIT and fitted else []

charts = {"lr": lr_drawn, "loss": predicted}
charts["weight"] = [d for c, d in shown if c.chart == "weight"]
families = [f for f in CHARTS if charts[f] or (f == "loss" and runs)] or ["lr", "weight"]
for row in range(0, len(families), 2):
    pair = families[row : row + 2]
    for column, family in zip(st.columns(len(pair)), pair, strict=True):
        title = CHARTS[family]
        empty = f"No {title.lower()} shown: add a curve or a published schedule below."
        log_y = bool(view.shared.get(f"log_{family}s", False))
        fig = figures.chart(
            title,
            charts[family],
            log_y=log_y,
            empty=empty,
            cursor=cursor,
            extra=runs if family == "loss" else (),
            y_from=max(span // 10, 1) if family == "loss" else 0,
        )
        column.plotly_chart(
            setup.apply_axis(fig, axis),
            config=figures.plotly_config(
                title.lower().replace(" ", "-"),
                str(view.shared["image_format"]),
                span,
                charts[family],
            ),
            key=f"chart_{family}",
        )
widgets.loss_controls(view, law, fitted, fit_error, unpredicted)

st.subheader("Curves")
widgets.add_controls(view)
widgets.shared_controls(view)
opened = state.open_curve()
for curve in view.curves:
    widgets.curve_row(view, curve, labels[curve.id], results[curve.id])
    if curve.id == opened:
        widgets.curve_editor(view, curve, labels[curve.id], results[curve.id])
if not view.curves:
    st.info("No curves: add one above, or a published schedule to start from.")

st.subheader("Compare")
table.cursor_input(view)
table.show(plotted, cursor, law)

setup_panel.panel(view)
setup_panel.plateau_panel(view)
setup_panel.unit_selector(view, run)
widgets.display_controls(view)

code_area = widgets.folded("Use it in your code", f"{state.FOLD}code")
if code_area.open:
    with code_area:
        first_lr = next((i for i, (c, _) in enumerate(shown) if c.chart == "lr"), 0)
        widgets.code_export(plotted, first_lr)

st.subheader("Download and share")
widgets.downloads_row(plotted, axis)

# The URL is the document: rewritten whenever the view changed.
pairs = links.encode(view)
wanted: dict[str, list[str]] = defaultdict(list)
for key, value in pairs:
    wanted[key].append(value)
if {k: st.query_params.get_all(k) for k in st.query_params} != wanted:
    st.query_params.from_dict(wanted)
st.caption("Share link: this URL reproduces the exact view.")
# ":,|;=" stay readable: a query splits only at "&" and at a value's first "=".
st.code(f"{st.context.url or ''}?{urlencode(pairs, safe=':,|;=')}", language=None)
