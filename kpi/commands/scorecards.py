"""The scorecard subcommands of the command line (kpi.cli): a ranking, locking it as an award
decision, the locked decisions, and one decision reproduced or exported as a document."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from kpi import scoring
from kpi.access import audit
from kpi.access.users import local_user
from kpi.commands.common import FORMATS, CliError, booleans_for, chosen_snapshot, emit
from kpi.reports import decision_docs, exports
from kpi.reports.letterhead import bloc_agency
from kpi.reports.settings import SettingsError
from kpi.scoring import decisions


def cmd_rank(args) -> int:
    """Per unit: rank, unit, name, total, tier, complete, tied, bonus, penalty, then the points of
    each criterion; unrounded in csv and json, a missing figure empty (csv) or null (json)."""
    try:
        card = scoring.load_scorecard(args.scorecard, args.data_dir)  # a file, or a catalogue version's name
        snapshot = chosen_snapshot(args)
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
    emit(booleans_for(frame, ["complete", "tied"], args.format), args.format)
    if incomplete:
        print(f"Lưu ý: thiếu số liệu, tổng điểm chưa đầy đủ: {', '.join(incomplete)}; "
              f"{scoring.incomplete_rule(result.scorecard)}", file=sys.stderr)
    return 0


def cmd_decide(args) -> int:
    """Lock the ranking of a scorecard on an approved snapshot as an award decision (committee role;
    the command line acts as its named local user, KPI_USER)."""
    try:
        decision = decisions.lock_decision(args.scorecard, chosen_snapshot(args), local_user(), args.data_dir)
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
    emit(pd.DataFrame(rows), args.format)
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
    emit(booleans_for(frame, ["complete", "tied"], args.format), args.format)
    if not check.equal:
        print("Lỗi: tính lại không ra đúng kết quả đã chốt: " + "; ".join(check.differences[:5]), file=sys.stderr)
        return 1
    print(f"Tính lại từ bảng điểm đã lưu trên bản dữ liệu {check.decision.snapshot_id}: đúng như kết quả đã chốt",
          file=sys.stderr)
    return 0


def add_commands(sub) -> None:
    """The scorecard subcommands' arguments."""
    p = sub.add_parser("rank", help="rank the units of a scorecard")
    p.add_argument("--scorecard", required=True)
    p.add_argument("--snapshot")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_rank)

    p = sub.add_parser("decide", help="lock the ranking of a scorecard as an award decision")
    p.add_argument("--scorecard", required=True)
    p.add_argument("--snapshot")
    p.set_defaults(func=cmd_decide)

    p = sub.add_parser("decisions", help="list the locked award decisions, newest first")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_decisions)

    p = sub.add_parser("decision", help="one locked decision: its ranking, reproduced; or --export a document")
    p.add_argument("id")
    p.add_argument("--export", choices=decision_docs.KINDS)
    p.add_argument("-o", "--output")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=cmd_decision)
