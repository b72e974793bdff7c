"""The floor of the load benchmark: a bare Streamlit page with one select box and one Plotly chart.

Served by benchmarks/bench_load.py beside the dashboard, under the same load, and by
benchmarks/bench_unit_change.py (its select box changed in a browser), so that the
dashboard's page runs are read against what Streamlit itself costs for one chart.
"""
import plotly.graph_objects as go
import streamlit as st

PROVINCES = [f"Tỉnh {n}" for n in range(1, 35)]

st.set_page_config(page_title="Trang tối thiểu", layout="wide")
chosen = st.selectbox("Tỉnh", PROVINCES, index=int(st.query_params.get("unit", "0") or 0) % len(PROVINCES))
index = PROVINCES.index(chosen)
values = [(n * 7919 + index * 31) % 1000 for n in range(len(PROVINCES))]  # other figures for each choice
colours = ["#d4a017" if name == chosen else "#4c78a8" for name in PROVINCES]  # the chosen one highlighted
st.plotly_chart(go.Figure(go.Bar(x=PROVINCES, y=values, text=values, marker_color=colours)), width="stretch")
