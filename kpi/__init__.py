"""Domain logic of the sector indicators dashboard (no Streamlit imports here)."""
