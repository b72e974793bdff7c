"""Bảo trợ xã hội, trẻ em, CCHC: social protection, children and administrative reform (layout shared in pages/_domain.py)."""
from pages._domain import render

render("social")
