"""Screens: what each page shows, as data (its view model), built without Streamlit; pages/ only lay
it out."""
