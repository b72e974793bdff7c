"""Text: number formats per language (fmt.py, Babel), the interface text catalogue (i18n.py and its
area catalogues texts_*.py), and a figure in words (figure_text.py)."""
