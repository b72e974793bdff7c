"""What the command line's subcommands share (kpi.cli): the refusal they raise, how a table is
written (table, CSV or JSON) and the snapshot, period and unit named by their arguments."""
from __future__ import annotations

import json
import math
import sys

import pandas as pd

from kpi import figures as figures_mod
from kpi import store
from kpi.periods import PeriodError, parse_period
from kpi.reports.spreadsheet import csv_text
from kpi.units.resolve import UnitError, resolve_unit

FORMATS = ["table", "csv", "json"]


class CliError(Exception):
    """A refusal with a message for the user (exit status 1)."""


def emit(frame: pd.DataFrame, fmt: str) -> None:
    """Write the table to stdout as `fmt` says: an aligned table, CSV (kpi.reports.spreadsheet) or JSON."""
    if fmt == "csv":
        sys.stdout.write(csv_text(frame))
    elif fmt == "json":
        records = [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
                   for row in frame.to_dict(orient="records")]
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200):
            sys.stdout.write(frame.to_string(index=False) + "\n")


def booleans_for(frame: pd.DataFrame, columns: list[str], fmt: str) -> pd.DataFrame:
    """Flags as true/false in CSV (pandas would write True/False)."""
    for column in columns:
        frame[column] = frame[column].astype(bool)
        if fmt == "csv":
            frame[column] = frame[column].map({True: "true", False: "false"})
    return frame


def chosen_snapshot(args) -> store.Snapshot:
    """The snapshot asked for, or the newest intact one (saying which damaged ones were passed over)."""
    if getattr(args, "snapshot", None) is None:
        intact, damaged = store.intact_and_damaged(args.data_dir)
        for snapshot, reason in damaged:
            if not intact or snapshot.manifest.get("created_precise", "") > intact[0].manifest.get("created_precise", ""):
                what = "hỏng" if reason.definite else "lúc này chưa đọc được"
                print(f"Lưu ý: bỏ qua bản dữ liệu {what} {snapshot.id} ({reason})", file=sys.stderr)
    snapshot = store.get_snapshot(getattr(args, "snapshot", None), args.data_dir)
    if snapshot is None:
        raise CliError(f"Chưa có bản dữ liệu nào dùng được trong {store.snapshots_dir(args.data_dir)}; "
                       "chạy 'python -m kpi demo' hoặc 'python -m kpi import FILE'")
    return snapshot


def period_arg(text: str):
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise CliError(str(exc)) from exc


def unit_arg(text: str, snapshot: store.Snapshot, period, geography: int | None = None) -> str:
    try:
        return resolve_unit(text, figures_mod.units(snapshot), period, geography)
    except UnitError as exc:
        raise CliError(str(exc)) from exc
