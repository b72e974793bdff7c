"""python -m kpi rank --scorecard FILE [--snapshot ID] [--format csv|json|table]

Per unit: rank, unit, name, total, tier, complete, tied, then one column of points per criterion.
Numbers are unrounded in csv and json; a missing figure is an empty cell (csv) or null (json).
"""
from __future__ import annotations

import sys

from kpi import scoring, store


def ranking_frame(result: scoring.ScoreResult):
    columns = ["rank", "unit", "name", "total", "tier", "complete", "tied", "bonus", "penalty"]
    columns += [c.id for c in result.scorecard.criteria]
    return result.ranking[columns].copy()


def cli_rank(args) -> int:
    from kpi.cli import _emit

    try:
        card = scoring.load_scorecard(args.scorecard)
    except scoring.ScorecardError as exc:
        print(f"Lỗi bảng điểm: {exc}", file=sys.stderr)
        return 1
    snapshot = store.get_snapshot(getattr(args, "snapshot", None), args.data_dir)
    if snapshot is None:
        print(f"Lỗi: chưa có bản dữ liệu nào trong {store.snapshots_dir(args.data_dir)}; "
              "chạy 'python -m kpi demo' trước", file=sys.stderr)
        return 1
    try:
        card, inputs = scoring.load_inputs(card, snapshot)
    except scoring.ScorecardError as exc:
        print(f"Lỗi bảng điểm: {exc}", file=sys.stderr)
        return 1
    if inputs["actual"].isna().all():
        print(f"Lỗi: bản dữ liệu {snapshot.id} không có số liệu kỳ {card.period} cho các đơn vị của bảng điểm "
              f"{args.scorecard}", file=sys.stderr)
        return 1
    frame = ranking_frame(scoring.score(card, inputs))
    if args.format == "csv":
        for col in ("complete", "tied"):
            frame[col] = frame[col].map({True: "true", False: "false"})
    _emit(frame, args.format)
    incomplete = frame.loc[frame["complete"].isin([False, "false"]), "name"].tolist()
    if incomplete:
        print(f"Lưu ý: thiếu số liệu, tổng điểm chưa đầy đủ: {', '.join(incomplete)}", file=sys.stderr)
    return 0
