"""Where a unit went across a boundary change, for the messages a page shows about it (no Streamlit here).

A former province asked for in a period after it ceased to exist (Bến Tre at 9 months of 2026)
has merged into its successor (`successor` in the units table, kpi.units.table); the
63-province geography ends on 30 June 2025, so a period after it has only the provinces whose
territory did not change in that geography.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from kpi.periods import MERGER_DATE, parse_period
from kpi.units.names import unit_row


@dataclass(frozen=True)
class Merged:
    unit: str        # the former unit
    successor: str   # the unit it became part of
    day: dt.date     # the first day of the successor


def _as_date(value) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def merged_into(units: pd.DataFrame, unit: str, period: str) -> Merged | None:
    """The successor of `unit` when the unit no longer existed at the end of `period`, else None."""
    row = unit_row(units, unit)
    if row is None:
        return None
    ended = _as_date(row["valid_to"])
    successor = row["successor"]
    if ended is None or not isinstance(successor, str) or parse_period(period).end_date <= ended:
        return None
    # the successor of a successor (Hà Tây 2008 -> Hà Nội): the unit in force at the period's end
    further = merged_into(units, successor, period)
    return Merged(unit, further.successor if further else successor, ended + dt.timedelta(days=1))


def geography_ended(geography: int, period: str) -> bool:
    """True when the 63-province geography is asked for a period ending after 30 June 2025."""
    return int(geography) == 63 and parse_period(period).end_date >= MERGER_DATE


def ended_in_geography(units: pd.DataFrame, provinces: list[str], period: str) -> list[str]:
    """Of `provinces`, the former ones that had ceased to exist by the end of `period`."""
    return [u for u in provinces if merged_into(units, u, period) is not None]


def date_text(day: dt.date) -> str:
    """'01/7/2025', as Vietnamese documents write a date."""
    return f"{day.day:02d}/{day.month}/{day.year}"

