"""The demo data (dữ liệu minh họa): provinces 2016-2026 with figures quoted from published reports
(provinces.py), and a department's own agencies for its internal emulation bloc (agencies.py)."""
