"""Command line: python -m kpi (DESIGN section 7). Every command lives here: its arguments, its
output and its exit status (0 only when it did what it said, 1 with a message otherwise). The
work itself is the same engine the pages use."""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

import pandas as pd

from kpi import figures as figures_mod
from kpi import scoring, store
from kpi.access import audit, roles
from kpi.access.signin import RolesFileError
from kpi.access.users import ROLES, PermissionDenied, local_user
from kpi.demo.provinces import build_demo
from kpi.importing.merge import ImportFailed, import_file, summary_lines
from kpi.periods import PeriodError, parse_period
from kpi.reports import decision_docs, exports
from kpi.reports.deck import DeckError, build_deck
from kpi.reports.letterhead import bloc_agency
from kpi.reports.settings import SettingsError, load_settings
from kpi.reports.spreadsheet import csv_text
from kpi.scoring import decisions
from kpi.store import catalogue
from kpi.store.indicators import department_name, load_indicators, with_descriptions
from kpi.text import fmt
from kpi.text.figure_text import plan_text
from kpi.text.i18n import t
from kpi.units.resolve import UnitError, resolve_unit


class CliError(Exception):
    """A refusal with a message for the user (exit status 1)."""


def _emit(frame: pd.DataFrame, fmt: str) -> None:
    if fmt == "csv":
        sys.stdout.write(csv_text(frame))
    elif fmt == "json":
        records = [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
                   for row in frame.to_dict(orient="records")]
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200):
            sys.stdout.write(frame.to_string(index=False) + "\n")


def _booleans_for(frame: pd.DataFrame, columns: list[str], fmt: str) -> pd.DataFrame:
    """Flags as true/false in CSV (pandas would write True/False)."""
    for column in columns:
        frame[column] = frame[column].astype(bool)
        if fmt == "csv":
            frame[column] = frame[column].map({True: "true", False: "false"})
    return frame


def _snapshot(args) -> store.Snapshot:
    """The snapshot asked for, or the newest intact one (saying which damaged ones were passed over)."""
    if getattr(args, "snapshot", None) is None:
        intact, damaged = store.intact_and_damaged(args.data_dir)
        for snapshot, reason in damaged:
            if not intact or snapshot.manifest.get("created_precise", "") > intact[0].manifest.get("created_precise", ""):
                print(f"Lưu ý: bỏ qua bản dữ liệu hỏng {snapshot.id} ({reason})", file=sys.stderr)
    snapshot = store.get_snapshot(getattr(args, "snapshot", None), args.data_dir)
    if snapshot is None:
        raise CliError(f"Chưa có bản dữ liệu nào dùng được trong {store.snapshots_dir(args.data_dir)}; "
                       "chạy 'python -m kpi demo' hoặc 'python -m kpi import FILE'")
    return snapshot


def _period(text: str):
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise CliError(str(exc)) from exc


def _unit(text: str, snapshot: store.Snapshot, period, geography: int | None = None) -> str:
    try:
        return resolve_unit(text, figures_mod.units(snapshot), period, geography)
    except UnitError as exc:
        raise CliError(str(exc)) from exc


# --------------------------------------------------------------------------- commands

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
    _emit(pd.DataFrame(rows), args.format)
    return 0


def cmd_indicators(args) -> int:
    snapshot = store.get_snapshot(None, args.data_dir)
    catalogue = with_descriptions(figures_mod.indicators(snapshot) if snapshot is not None else load_indicators())
    # the department that holds each indicator since 2025 (data/catalogue/departments.csv)
    catalogue["responsible_agency_name"] = [department_name(code) for code in catalogue["responsible_agency"]]
    _emit(catalogue[["code", "name_vi", "name_en", "domain", "unit_of_measure", "direction", "aggregation",
                     "decimals", "responsible_agency", "responsible_agency_name"]], args.format)
    return 0


def cmd_facts(args) -> int:
    snapshot = _snapshot(args)
    period = _period(args.period)
    if period.code not in set(figures_mod.all_periods(snapshot)):
        raise CliError(f"Kỳ {period.code} ({period.label()}) không có trong bản dữ liệu {snapshot.id}")
    geography = int(args.geography) if args.geography else None
    unit = _unit(args.unit, snapshot, period, geography)
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
    _emit(_booleans_for(out, ["complete", "comparable", "change_comparable"], args.format), args.format)
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


def cmd_rank(args) -> int:
    """Per unit: rank, unit, name, total, tier, complete, tied, bonus, penalty, then the points of
    each criterion; unrounded in csv and json, a missing figure empty (csv) or null (json)."""
    try:
        card = scoring.load_scorecard(args.scorecard, args.data_dir)  # a file, or a catalogue version's name
        snapshot = _snapshot(args)
        card, inputs = scoring.load_inputs(card, snapshot)
    except scoring.ScorecardError as exc:
        raise CliError(f"bảng điểm: {exc}") from exc
    if inputs["actual"].isna().all():
        raise CliError(f"bản dữ liệu {snapshot.id} không có số liệu kỳ {card.period} cho các đơn vị của bảng điểm "
                       f"{args.scorecard}")
    result = scoring.score(card, inputs)
    columns = ["rank", "unit", "name", "total", "tier", "complete", "tied", "bonus", "penalty"]
    frame = result.ranking[columns + [c.id for c in result.scorecard.criteria]].copy()
    # a unit listed apart has no rank: empty (csv) or null (json), the others whole numbers
    frame["rank"] = (frame["rank"].astype("Int64") if args.format == "csv" else
                     pd.Series([int(r) if r == r else None for r in frame["rank"]], dtype=object, index=frame.index))
    incomplete = frame.loc[~frame["complete"].astype(bool), "name"].tolist()
    _emit(_booleans_for(frame, ["complete", "tied"], args.format), args.format)
    if incomplete:
        print(f"Lưu ý: thiếu số liệu, tổng điểm chưa đầy đủ: {', '.join(incomplete)}; "
              f"{scoring.incomplete_rule(result.scorecard)}", file=sys.stderr)
    return 0


def cmd_decide(args) -> int:
    """Lock the ranking of a scorecard on an approved snapshot as an award decision (committee role;
    the command line acts as its named local user, KPI_USER)."""
    try:
        decision = decisions.lock_decision(args.scorecard, _snapshot(args), local_user(), args.data_dir)
    except (scoring.ScorecardError, decisions.DecisionError) as exc:
        raise CliError(str(exc)) from exc
    print(f"Đã chốt kết quả {decision.id}: bảng điểm {decision.scorecard_name} (phiên bản "
          f"{decision.card['version']}, SHA-256 {decision.scorecard_sha256}), bản dữ liệu {decision.snapshot_id}, "
          f"{len(decision.results['ranking'])} đơn vị")
    print(decision.sensitivity["sentence"])
    return 0


def cmd_decisions(args) -> int:
    """Every locked decision, newest first."""
    rows = [{"id": d.id, "locked_at": d.locked_at, "locked_by": d.locked_by_name, "scorecard": d.scorecard_name,
             "version": d.card["version"], "scorecard_sha256": d.scorecard_sha256, "snapshot": d.snapshot_id,
             "title": d.card["title"]} for d in decisions.list_decisions(args.data_dir)]
    if not rows:
        print("Chưa có kết quả nào được chốt", file=sys.stderr)
        return 0
    _emit(pd.DataFrame(rows), args.format)
    return 0


def cmd_decision(args) -> int:
    """One locked decision: its stored ranking, checked by recomputing it (exit 1 if it differs), or
    with --export its Tờ trình or Biên bản (Word) written atomically."""
    try:
        if args.export:
            decision = decisions.load_decision(args.id, args.data_dir)
            output = Path(args.output or decision_docs.file_name(args.export, decision))
            if output.suffix.lower() != ".docx" or not output.parent.is_dir() or output.is_dir():
                raise CliError(f"Tệp đầu ra {output} phải là tệp .docx trong một thư mục đã có")
            data = decision_docs.decision_doc_bytes(args.export, decision, bloc_agency(data_dir=args.data_dir))
            exports.write_atomically(output, data)
            audit.record(audit.EXPORT, local_user(), f"{output.name} ({args.export})", [decision.id],
                         data_dir=args.data_dir)
            print(f"Đã ghi {output} (kết quả chốt {decision.id})")
            return 0
        check = decisions.reproduce(args.id, args.data_dir)
    except (scoring.ScorecardError, decisions.DecisionError, SettingsError) as exc:
        raise CliError(str(exc)) from exc
    frame = check.decision.ranking
    frame["rank"] = pd.Series([int(r) if r == r else None for r in frame["rank"]], dtype=object, index=frame.index)
    _emit(_booleans_for(frame, ["complete", "tied"], args.format), args.format)
    if not check.equal:
        print("Lỗi: tính lại không ra đúng kết quả đã chốt: " + "; ".join(check.differences[:5]), file=sys.stderr)
        return 1
    print(f"Tính lại từ bảng điểm đã lưu trên bản dữ liệu {check.decision.snapshot_id}: đúng như kết quả đã chốt",
          file=sys.stderr)
    return 0


def cmd_export(args) -> int:
    """A PowerPoint deck, a Word report or an Excel workbook of one unit and period, written atomically."""
    output = Path(args.output)
    if output.suffix.lower() != f".{args.kind}":
        raise CliError(f"Tệp đầu ra {output} phải có đuôi .{args.kind}")
    if not output.parent.is_dir():
        raise CliError(f"Thư mục {output.parent} không tồn tại")
    if output.is_dir():
        raise CliError(f"{output} là một thư mục, không phải tệp")
    snapshot = _snapshot(args)
    period = _period(args.period)
    if period.code not in figures_mod.available_periods(snapshot):
        raise CliError(f"Kỳ {period.code} ({period.label()}) không có số liệu trong bản dữ liệu {snapshot.id}")
    unit = _unit(args.unit, snapshot, period)
    try:
        settings = load_settings(args.data_dir)
        # the letterhead is kpi.reports.letterhead's choice; a Word report starts from its kept texts
        deck = build_deck(snapshot, unit, period.code, "vi", args.geography, data_dir=args.data_dir)
    except (SettingsError, DeckError) as exc:
        raise CliError(str(exc)) from exc
    try:
        exports.write_atomically(output, exports.export_bytes(args.kind, deck, settings))
    except OSError as exc:
        raise CliError(f"không ghi được tệp {args.output}: {exc.strerror or exc}") from exc
    slides = f", {len(deck.slides)} trang chiếu" if args.kind == "pptx" else ""
    print(f"Đã ghi {output} ({deck.unit_name}, {deck.period_label}{slides}; bản dữ liệu {deck.snapshot_id})")
    return 0


def cmd_users(args) -> int:
    """Users and roles in the catalogue (kpi.access.roles): list, grant, revoke, import a roles file.
    The command line acts as its named local user (KPI_USER), who holds the admin role."""
    user = local_user()
    unit = getattr(args, "unit", None) or ""
    suffix = t("acc_users_unit_suffix", unit=unit) if unit else ""
    if args.action == "list":
        rows = [{"email": g.email, "role": g.role, "unit": g.unit, "granted_by": g.by_name or g.by_id, "at": g.at}
                for g in roles.current_grants(args.data_dir)]
        if not rows:
            print(t("acc_users_empty"), file=sys.stderr)
            return 0
        _emit(pd.DataFrame(rows), args.format)
    elif args.action == "grant":
        roles.grant(user, args.email, args.role, unit, args.data_dir)
        print(t("acc_users_granted", role=t(f"acc_role_{args.role}"), email=args.email.strip().lower(), unit=suffix))
    elif args.action == "revoke":
        roles.revoke(user, args.email, args.role, unit, args.data_dir)
        print(t("acc_users_revoked", role=t(f"acc_role_{args.role}"), email=args.email.strip().lower(), unit=suffix))
    else:
        if not Path(args.file).is_file():
            raise CliError(f"Không có tệp phân quyền {args.file}")
        try:
            written = roles.import_file(user, args.file, args.data_dir)
        except RolesFileError as exc:
            raise CliError(str(exc)) from exc
        print(t("acc_users_imported", n=fmt.number(written, 0), file=args.file))
    return 0


# --------------------------------------------------------------------------- arguments

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kpi", description="Bảng chỉ tiêu ngành LĐ-TB&XH")
    parser.add_argument("--data-dir", default=None, help="thư mục dữ liệu (mặc định data/ hoặc $KPI_DATA_DIR)")
    parser.add_argument("--create", action="store_true", help="tạo thư mục dữ liệu nếu chưa có")
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

    p = sub.add_parser("users", help="users and roles in the catalogue (admin)")
    users = p.add_subparsers(dest="action", required=True)
    q = users.add_parser("list", help="the current grants")
    q.add_argument("--format", choices=["table", "csv", "json"], default="table")
    for action, text in (("grant", "grant a role"), ("revoke", "revoke a role")):
        q = users.add_parser(action, help=text)
        q.add_argument("email")
        q.add_argument("role", choices=list(ROLES))
        q.add_argument("--unit", help="a unit key (VN34-15): the role reaches that unit and what lies under it")
    q = users.add_parser("import", help="grant what a roles file lists (data/roles.example.toml's format)")
    q.add_argument("file")
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("rank", help="rank the units of a scorecard")
    p.add_argument("--scorecard", required=True)
    p.add_argument("--snapshot")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_rank)

    p = sub.add_parser("decide", help="lock the ranking of a scorecard as an award decision")
    p.add_argument("--scorecard", required=True)
    p.add_argument("--snapshot")
    p.set_defaults(func=cmd_decide)

    p = sub.add_parser("decisions", help="list the locked award decisions, newest first")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_decisions)

    p = sub.add_parser("decision", help="one locked decision: its ranking, reproduced; or --export a document")
    p.add_argument("id")
    p.add_argument("--export", choices=decision_docs.KINDS)
    p.add_argument("-o", "--output")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_decision)

    p = sub.add_parser("export", help="export a report for one unit and period")
    p.add_argument("kind", choices=sorted(exports.BUILDERS))
    p.add_argument("--unit", required=True)
    p.add_argument("--period", required=True)
    p.add_argument("--snapshot")
    p.add_argument("--geography", type=int, choices=[34, 63], help="province geography of the comparisons")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_export)
    return parser


def _check_data_dir(args) -> None:
    """A data folder named on the command line or in KPI_DATA_DIR must exist (a typo would otherwise
    start a new, empty data set), unless --create asks for a new one."""
    named = args.data_dir or os.environ.get("KPI_DATA_DIR")
    if named and not Path(named).is_dir():
        if not args.create:
            raise CliError(f"Thư mục dữ liệu {named} không tồn tại (gõ nhầm?); thêm --create để tạo thư mục mới")
        Path(named).mkdir(parents=True)
    store.remove_stale_temporaries(args.data_dir)


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure is one line on stderr and exit status 1, never a traceback."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        _check_data_dir(args)
        return args.func(args)
    except (CliError, store.SnapshotError, PermissionDenied) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"Lỗi: không đọc hoặc ghi được tệp{where}: {exc.strerror or exc}", file=sys.stderr)
    except Exception as exc:  # noqa: BLE001 - a user sees one line, not a traceback
        print(f"Lỗi nội bộ ({type(exc).__name__}): {exc}", file=sys.stderr)
    return 1
