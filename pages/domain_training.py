"""Giáo dục nghề nghiệp: the training domain page (layout shared in pages/_domain.py)."""
from pages._domain import render

render("training")
