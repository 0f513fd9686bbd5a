"""dynweights explorer: see, compare, download and share training-step schedules.

Run with ``make run`` (or ``streamlit run app.py``). The page is a list of curves,
each a schedule with its own parameters; the URL holds the whole view, so a link
reproduces it (see ``explorer/links.py`` for its format).
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

import streamlit as st

from explorer import curves as cv
from explorer import downloads, figures, links, notices, setup, setup_panel, table, widgets
from explorer.figures import CHARTS

st.set_page_config(page_title="dynweights explorer", page_icon="📈", layout="wide")

# A link is read once per session: strictly, old links migrated, the rest ignored with a notice.
if "view" not in st.session_state:
    parsed = links.parse({key: st.query_params.get_all(key) for key in st.query_params})
    st.session_state["view"] = parsed.view
    st.session_state["notices"] = notices.track(parsed.notices, parsed.view)
view: cv.View = st.session_state["view"]

st.title("dynweights explorer")
# Filled last, once this run's inputs are in the view: a changed value drops its notice.
notice_area = st.container()

# Charts come first on the page, but are drawn after the inputs below have been read.
chart_area = st.container()
st.subheader("Compare")
table_area = st.container()

st.subheader("Curves")
widgets.shared_controls(view)
widgets.add_controls(view)
axis = setup_panel.unit_selector(view, setup_panel.panel(view))
labels = cv.labels(view.curves, view.shared)
shown: list[tuple[cv.Curve, figures.Drawn]] = []
columns = st.columns(3)
for index, curve in enumerate(list(view.curves)):
    bound, error = None, None
    try:
        bound = cv.bind(curve, view.shared)
    except ValueError as err:
        error = str(err)
    with columns[index % len(columns)]:
        widgets.curve_card(view, curve, labels[curve.id], bound, error)
    # The card may have changed the curve's inputs: bind what it now shows.
    try:
        bound, error = cv.bind(curve, view.shared), None
    except ValueError as err:
        bound, error = None, str(err)
    if curve.visible and bound is not None:
        colour = cv.PALETTE[curve.colour % len(cv.PALETTE)][0]
        shown.append((curve, figures.drawn(labels[curve.id], colour, bound)))

with table_area:
    cursor = table.cursor_input(view)
with chart_area:
    for column, (family, title) in zip(st.columns(len(CHARTS)), CHARTS.items(), strict=True):
        drawn = [d for c, d in shown if c.chart == family]
        empty = f"No {title.lower()} shown: add a curve or a published schedule below."
        log_y = bool(view.shared[f"log_{family}s"])
        fig = figures.chart(title, drawn, log_y=log_y, empty=empty, cursor=cursor)
        column.plotly_chart(
            setup.apply_axis(fig, axis),
            config=figures.plotly_config(
                title.lower().replace(" ", "-"),
                str(view.shared["image_format"]),
                downloads.span(drawn),
                drawn,
            ),
            key=f"chart_{family}",
        )

plotted = [d for _, d in shown]
with table_area:
    table.show(plotted, cursor)
first_lr = next((i for i, (c, _) in enumerate(shown) if c.chart == "lr"), 0)
code_area = widgets.folded("Use it in your code", "open.code")
if code_area.open:
    with code_area:
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
with notice_area:
    notices.show(view)
