"""`python -m kpi export`: a PowerPoint deck, a Word report or an Excel workbook of one unit and
period (kpi.reports), written atomically."""
from __future__ import annotations

from pathlib import Path

from kpi import figures as figures_mod
from kpi.commands.common import CliError, chosen_snapshot, period_arg, unit_arg
from kpi.reports import exports
from kpi.reports.deck import DeckError, build_deck
from kpi.reports.settings import SettingsError, load_settings


def cmd_export(args) -> int:
    """A PowerPoint deck, a Word report or an Excel workbook of one unit and period, written atomically."""
    output = Path(args.output)
    if output.suffix.lower() != f".{args.kind}":
        raise CliError(f"Tệp đầu ra {output} phải có đuôi .{args.kind}")
    if not output.parent.is_dir():
        raise CliError(f"Thư mục {output.parent} không tồn tại")
    if output.is_dir():
        raise CliError(f"{output} là một thư mục, không phải tệp")
    snapshot = chosen_snapshot(args)
    period = period_arg(args.period)
    if period.code not in figures_mod.available_periods(snapshot):
        raise CliError(f"Kỳ {period.code} ({period.label()}) không có số liệu trong bản dữ liệu {snapshot.id}")
    unit = unit_arg(args.unit, snapshot, period)
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


def add_commands(sub) -> None:
    """The export subcommand's arguments."""
    p = sub.add_parser("export", help="export a report for one unit and period")
    p.add_argument("kind", choices=sorted(exports.BUILDERS))
    p.add_argument("--unit", required=True)
    p.add_argument("--period", required=True)
    p.add_argument("--snapshot")
    p.add_argument("--geography", type=int, choices=[34, 63], help="province geography of the comparisons")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_export)
