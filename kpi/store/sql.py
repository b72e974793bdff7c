"""The named SQL files of queries/: each query is read once, by name."""
from __future__ import annotations

from functools import cache

from kpi.paths import QUERIES_DIR


@cache
def load_sql(name: str) -> str:
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} in {QUERIES_DIR}")
    return path.read_text(encoding="utf-8")


def names() -> list[str]:
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))
