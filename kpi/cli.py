"""Command line: python -m kpi (DESIGN section 7). Every command has its arguments, its output and
its exit status (0 only when it did what it said, 1 with a message otherwise), in kpi.commands by
group (data, users, scorecards, reports); here the parser is built from them and one command run,
every failure one line. The work itself is the same engine the pages use."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kpi import store
from kpi.access.users import PermissionDenied
from kpi.commands import data, reports, scorecards, users
from kpi.commands.common import CliError
from kpi.commands.data import (
    cmd_approve,
    cmd_demo,
    cmd_facts,
    cmd_import,
    cmd_indicators,
    cmd_reject,
    cmd_snapshots,
)
from kpi.commands.reports import cmd_export
from kpi.commands.scorecards import cmd_decide, cmd_decision, cmd_decisions, cmd_rank
from kpi.commands.users import cmd_users

__all__ = ["CliError", "build_parser", "cmd_approve", "cmd_decide", "cmd_decision", "cmd_decisions", "cmd_demo",
           "cmd_export", "cmd_facts", "cmd_import", "cmd_indicators", "cmd_rank", "cmd_reject", "cmd_snapshots",
           "cmd_users", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand with its arguments, in the order of the help: the data commands, users,
    the scorecards, the reports (kpi.commands)."""
    parser = argparse.ArgumentParser(prog="python -m kpi", description="Bảng chỉ tiêu ngành LĐ-TB&XH")
    parser.add_argument("--data-dir", default=None, help="thư mục dữ liệu (mặc định data/ hoặc $KPI_DATA_DIR)")
    parser.add_argument("--create", action="store_true", help="tạo thư mục dữ liệu nếu chưa có")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in (data, users, scorecards, reports):
        group.add_commands(sub)
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
