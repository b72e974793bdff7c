"""Charts: one theme (theme.py); the pages' Plotly charts (screen.py, domain.py, maps.py, ranking.py); the
slides' static images rendered by vl-convert (static.py)."""
