"""Checks of a scorecard changed after it was read: a bonus or penalty entered on a page, trial
weights, items added in code. The rules of the file (kpi/scoring/parsing.py), checked again where
an item is saved (kpi.scoring.versions.save_version) and where a ranking is computed
(kpi.scoring.totals.score)."""
from __future__ import annotations

import math

from kpi.scoring.model import MAX_SHEET_POINTS, Adjustment, Phrase, Scorecard, ScorecardError
from kpi.scoring.parsing import need_field, parse_adjustment


def check_adjustment(scorecard: Scorecard, adjustment: Adjustment) -> None:
    """Refuse (ScorecardError) a bonus or penalty that is not a finite number within ± the sheet's
    total, or has no reason: the rule of the file ([[adjustments]]) for an item entered on a page."""
    data = {"unit": adjustment.unit, "points": adjustment.points, "reason": adjustment.reason}
    if isinstance(adjustment.points, (int, float)) and not isinstance(adjustment.points, bool):
        data["points"] = float(adjustment.points)  # numpy floats too
    parse_adjustment(data, Phrase("score_where_new_adjustment", source=scorecard.name), scorecard.sheet_points)


def check_points(scorecard: Scorecard) -> None:
    """Refuse (ScorecardError) a scorecard whose numbers were changed after it was read (trial
    weights, items added in code): every criterion's points finite and above 0, the sheet within
    MAX_SHEET_POINTS, every bonus or penalty finite within ± the sheet's total, with a reason."""
    for number, c in enumerate(scorecard.criteria, start=1):
        where = Phrase("score_where_criterion", id=c.id,
                       where=Phrase("score_where_criteria", source=scorecard.name, number=number))
        need_field({"points": c.points if not isinstance(c.points, int) else float(c.points)}, "points", where, float)
        if not c.points > 0:
            raise ScorecardError("score_err_points", where=where)
    sheet = math.fsum(c.points for c in scorecard.criteria)
    if sheet > MAX_SHEET_POINTS:
        raise ScorecardError("score_err_sheet_points", source=scorecard.name, total=f"{sheet:g}",
                             max=f"{MAX_SHEET_POINTS:g}")
    for adjustment in scorecard.adjustments:
        check_adjustment(scorecard, adjustment)
