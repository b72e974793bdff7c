"""Người có công: the merit domain page (layout shared in pages/_domain.py)."""
from pages._domain import render

render("merit")
