"""Command line: python -m kpi (DESIGN section 7). The same engine the pages use."""
from __future__ import annotations

import argparse
import io
import json
import math
import sys

import pandas as pd

from kpi import figures as figures_mod
from kpi import store
from kpi.periods import PeriodError, parse_period
from kpi.units.resolve import UnitError, resolve_unit


class CliError(Exception):
    pass


def _emit(frame: pd.DataFrame, fmt: str) -> None:
    if fmt == "csv":
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, lineterminator="\n")
        sys.stdout.write(buffer.getvalue())
    elif fmt == "json":
        records = [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
                   for row in frame.to_dict(orient="records")]
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200):
            sys.stdout.write(frame.to_string(index=False) + "\n")


def _snapshot(args) -> store.Snapshot:
    snapshot = store.get_snapshot(getattr(args, "snapshot", None), args.data_dir)
    if snapshot is None:
        raise CliError(f"Chưa có bản dữ liệu nào trong {store.snapshots_dir(args.data_dir)}; "
                       "chạy 'python -m kpi demo' hoặc 'python -m kpi import FILE'")
    return snapshot


def cmd_demo(args) -> int:
    from kpi.demo.provinces import build_demo

    snapshot = build_demo(args.data_dir)
    print(f"Đã tạo bản dữ liệu minh họa {snapshot.id}: {snapshot.manifest['counts']['facts']:,} số liệu "
          f"tại {snapshot.path}")
    return 0


def cmd_snapshots(args) -> int:
    rows = [{"id": s.id, "created": s.created, "created_by": s.manifest.get("created_by", ""),
             "facts": s.manifest.get("counts", {}).get("facts"), "note": s.manifest.get("note", "")}
            for s in store.list_snapshots(args.data_dir)]
    if not rows:
        print(f"Chưa có bản dữ liệu nào trong {store.snapshots_dir(args.data_dir)}", file=sys.stderr)
        return 0
    _emit(pd.DataFrame(rows), args.format)
    return 0


def cmd_indicators(args) -> int:
    snapshot = store.get_snapshot(None, args.data_dir)
    if snapshot is not None:
        catalogue = figures_mod.indicators(snapshot)
    else:
        from kpi.store.indicators import load_indicators
        catalogue = load_indicators()
    _emit(catalogue[["code", "name_vi", "name_en", "domain", "unit_of_measure", "direction", "aggregation",
                     "decimals"]], args.format)
    return 0


def cmd_facts(args) -> int:
    snapshot = _snapshot(args)
    try:
        period = parse_period(args.period)
    except PeriodError as exc:
        raise CliError(str(exc)) from exc
    if not _has_period(snapshot, period.code):
        raise CliError(f"Kỳ {period.code} ({period.label()}) không có trong bản dữ liệu {snapshot.id}")
    geography = int(args.geography) if args.geography else None
    try:
        unit = resolve_unit(args.unit, figures_mod.units(snapshot), period, geography)
    except UnitError as exc:
        raise CliError(str(exc)) from exc
    frame = figures_mod.figures(snapshot, [unit], [period.code])
    out = frame[["indicator", "actual", "plan", "achievement_pct", "status", "change_pct", "change_pp",
                 "numerator", "denominator", "complete", "comparable"]].copy()
    out.insert(0, "unit", unit)
    out.insert(1, "period", period.code)
    for flag in ("complete", "comparable"):
        out[flag] = out[flag].astype(bool)
        if args.format == "csv":
            out[flag] = out[flag].map({True: "true", False: "false"})
    _emit(out, args.format)
    return 0


def _has_period(snapshot: store.Snapshot, code: str) -> bool:
    from kpi.store import queries
    return code in set(queries.run("periods_all", snapshot)["period"])


def cmd_import(args) -> int:
    from kpi.importing import importer

    return importer.cli_import(args)


def cmd_rank(args) -> int:
    from kpi.scoring import cli_tmp as scoring_cli

    return scoring_cli.cli_rank(args)


def cmd_export(args) -> int:
    from kpi.reports import exports

    return exports.cli_export(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kpi", description="Bảng chỉ tiêu ngành LĐ-TB&XH")
    parser.add_argument("--data-dir", default=None, help="thư mục dữ liệu (mặc định data/ hoặc $KPI_DATA_DIR)")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("demo", help="(re)build the demo snapshot").set_defaults(func=cmd_demo)

    p = sub.add_parser("snapshots", help="list snapshots, newest first")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_snapshots)

    p = sub.add_parser("indicators", help="the indicator catalogue")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("facts", help="figures of one unit in one period")
    p.add_argument("--unit", required=True)
    p.add_argument("--period", required=True)
    p.add_argument("--geography", choices=["34", "63"])
    p.add_argument("--snapshot")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_facts)

    p = sub.add_parser("import", help="validate a file and write a new snapshot")
    p.add_argument("file")
    p.add_argument("--indicator")
    p.add_argument("--note", default="")
    p.add_argument("--dry-run", action="store_true")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("rank", help="rank the units of a scorecard")
    p.add_argument("--scorecard", required=True)
    p.add_argument("--snapshot")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_rank)

    p = sub.add_parser("export", help="export a report for one unit and period")
    p.add_argument("kind", choices=["pptx", "docx", "xlsx"])
    p.add_argument("--unit", required=True)
    p.add_argument("--period", required=True)
    p.add_argument("--snapshot")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (CliError, store.SnapshotError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
