"""The yardstick page for ``bench_browser.py``: one number input and two charts.

As little as Streamlit needs to show the same number of curves and points as
the explorer: ``?weights=4&rates=3&points=1000`` curves per chart and points per curve.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

query = st.query_params
shape = {
    key: int(query.get(key, default))
    for key, default in (("weights", 4), ("rates", 3), ("points", 1000))
}
total = st.number_input("Total steps", min_value=1, max_value=10**9, value=1000, step=1)
x = np.rint(np.linspace(0, total, shape["points"]))
for title, count in (("Dynamic weights", shape["weights"]), ("Learning rates", shape["rates"])):
    figure = go.Figure(
        [
            go.Scatter(x=x, y=np.cos(np.pi * x / total * (k + 1)), name=f"curve {k}")
            for k in range(count)
        ]
    )
    figure.update_layout(title=title, hovermode="x unified")
    st.plotly_chart(figure)
