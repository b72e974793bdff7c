"""The data subcommands of the command line (kpi.cli): the demo, the snapshots, the indicator
catalogue, one unit's figures, an import, and an approver's decision on a pending snapshot."""
from __future__ import annotations

import sys

import pandas as pd

from kpi import figures as figures_mod
from kpi import store
from kpi.access.users import local_user
from kpi.commands.common import FORMATS, CliError, booleans_for, chosen_snapshot, emit, period_arg, unit_arg
from kpi.demo.provinces import build_demo
from kpi.importing.merge import ImportFailed, import_file, summary_lines
from kpi.store import catalogue
from kpi.store.indicators import department_name, load_indicators, with_descriptions
from kpi.text import fmt
from kpi.text.figure_text import plan_text
from kpi.text.i18n import t


def cmd_demo(args) -> int:
    snapshot = build_demo(args.data_dir)
    print(f"Đã tạo bản dữ liệu minh họa {snapshot.id}: {fmt.number(snapshot.manifest['counts']['facts'])} số liệu "
          f"tại {snapshot.path}")
    return 0


def cmd_snapshots(args) -> int:
    entries = {e.id: e for e in store.catalogue_entries(args.data_dir)}
    rows = [{"id": s.id, "created": s.created, "state": s.state, "created_by": s.manifest.get("created_by", ""),
             "author": entries[s.id].author_name if s.id in entries else "",
             "facts": s.manifest.get("counts", {}).get("facts"), "note": s.manifest.get("note", ""),
             "decided_by": (entries[s.id].decided_by or "") if s.id in entries else "",
             "comment": (entries[s.id].comment or "") if s.id in entries else "",
             "damaged": store.damage(s) or ""}
            for s in store.list_snapshots(args.data_dir)]
    if not rows:
        print(f"Chưa có bản dữ liệu nào trong {store.snapshots_dir(args.data_dir)}", file=sys.stderr)
        return 0
    emit(pd.DataFrame(rows), args.format)
    return 0


def cmd_indicators(args) -> int:
    snapshot = store.get_snapshot(None, args.data_dir)
    catalogue = with_descriptions(figures_mod.indicators(snapshot) if snapshot is not None else load_indicators())
    # the department that holds each indicator since 2025 (data/catalogue/departments.csv)
    catalogue["responsible_agency_name"] = [department_name(code) for code in catalogue["responsible_agency"]]
    emit(catalogue[["code", "name_vi", "name_en", "domain", "unit_of_measure", "direction", "aggregation",
                     "decimals", "responsible_agency", "responsible_agency_name"]], args.format)
    return 0


def cmd_facts(args) -> int:
    snapshot = chosen_snapshot(args)
    period = period_arg(args.period)
    if period.code not in set(figures_mod.all_periods(snapshot)):
        raise CliError(f"Kỳ {period.code} ({period.label()}) không có trong bản dữ liệu {snapshot.id}")
    geography = int(args.geography) if args.geography else None
    unit = unit_arg(args.unit, snapshot, period, geography)
    frame = figures_mod.figures(snapshot, [unit], [period.code])
    meta = figures_mod.indicators(snapshot).set_index("code")
    # the target as a resolution writes it, in the catalogue's unit of measure (DESIGN 4.1)
    frame["plan_text"] = [plan_text(r["plan"], r["plan_kind"], r["plan_high"], meta.loc[r["indicator"], "unit_of_measure"],
                                    int(meta.loc[r["indicator"], "decimals"]), "vi", with_unit=True)
                          if r["plan"] == r["plan"] else "" for _, r in frame.iterrows()]
    out = frame[["indicator", "actual", "plan", "plan_kind", "plan_high", "baseline", "plan_text", "achievement_pct",
                 "status", "progress_status", "expected_share", "change_pct", "change_pp",
                 "numerator", "denominator", "complete", "comparable", "change_comparable", "published"]].copy()
    out.insert(0, "unit", unit)
    out.insert(1, "period", period.code)
    emit(booleans_for(out, ["complete", "comparable", "change_comparable"], args.format), args.format)
    return 0


def cmd_import(args) -> int:
    """Validate a file and write a new snapshot; nothing is written when anything is wrong, nor when
    there are warnings (unusual figures) without --accept-warnings (exit 1, also with --dry-run:
    exit 0 says the same command without --dry-run writes). A failed write is one line, exit 1."""
    try:
        report, snapshot = import_file(args.file, indicator=args.indicator, decimal=args.decimal,
                                       note=args.note or "", dry_run=args.dry_run,
                                       accept_warnings=args.accept_warnings, data_dir=args.data_dir,
                                       column_group=args.column_group, user=local_user(), pending=args.pending)
    except ImportFailed as exc:
        for issue in exc.issues:
            print(t("imp_cli_error", text=issue.text()), file=sys.stderr)
        return 1
    for issue in report.notices:
        print(t("imp_cli_notice", text=issue.text()))
    if not report.ok:
        for issue in report.errors:
            print(t("imp_cli_error", text=issue.text()), file=sys.stderr)
        print(t("imp_cli_refused", n=len(report.errors)), file=sys.stderr)
        return 1
    for issue in report.warnings:
        print(t("imp_cli_warning", text=issue.text()), file=sys.stderr)
    for line in summary_lines(report):
        print(line)
    if report.warnings and not args.accept_warnings:
        print(t("imp_cli_unconfirmed", n=len(report.warnings)), file=sys.stderr)
        return 1
    if report.warnings:
        print(t("imp_cli_accepted", n=len(report.warnings)))
    if args.dry_run:
        print(t("imp_cli_dry_run"))
    elif snapshot is None:
        print(t("imp_cli_nothing"))
    else:
        pending = snapshot.state == catalogue.PENDING
        print(t("imp_cli_written_pending" if pending else "imp_cli_written", id=snapshot.id,
                parent=snapshot.manifest.get("parent") or t("imp_cli_no_parent")))
        if pending:
            print(t("imp_cli_pending", id=snapshot.id))
    return 0


def cmd_approve(args) -> int:
    """Approve a pending snapshot as the command line's user (KPI_USER names who approves)."""
    entry = catalogue.approve(args.id, local_user(), args.comment or "", args.data_dir)
    print(f"Đã duyệt bản dữ liệu {entry.id} ({entry.decided_by}); các trang và 'kpi facts' nay hiển thị bản này.")
    return 0


def cmd_reject(args) -> int:
    """Reject a pending snapshot, with the reason."""
    entry = catalogue.reject(args.id, local_user(), args.comment or "", args.data_dir)
    print(f"Đã từ chối bản dữ liệu {entry.id}: {entry.comment}")
    return 0


def add_commands(sub) -> None:
    """The data subcommands' arguments."""
    sub.add_parser("demo", help="(re)build the demo snapshot").set_defaults(func=cmd_demo)

    p = sub.add_parser("snapshots", help="list snapshots, newest first")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_snapshots)

    p = sub.add_parser("indicators", help="the indicator catalogue")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("facts", help="figures of one unit in one period")
    p.add_argument("--unit", required=True)
    p.add_argument("--period", required=True)
    p.add_argument("--geography", choices=["34", "63"])
    p.add_argument("--snapshot")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_facts)

    p = sub.add_parser("import", help="validate a file and write a new snapshot")
    p.add_argument("file")
    p.add_argument("--indicator")
    p.add_argument("--decimal", choices=[",", "."], help=t("imp_cli_help_decimal"))
    p.add_argument("--column-group", default="Total", help=t("imp_cli_help_group"))
    p.add_argument("--note", default="")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--accept-warnings", action="store_true", help=t("imp_cli_help_accept"))
    p.add_argument("--pending", action="store_true", help=t("imp_cli_help_pending"))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("approve", help="approve a pending snapshot")
    p.add_argument("id")
    p.add_argument("--comment", default="")
    p.set_defaults(func=cmd_approve)

    p = sub.add_parser("reject", help="reject a pending snapshot, with the reason")
    p.add_argument("id")
    p.add_argument("--comment", required=True)
    p.set_defaults(func=cmd_reject)
