"""What the overview says in words: counts by status and the best and worst against plan."""
from __future__ import annotations

import pandas as pd

from kpi.text import fmt
from kpi.text.i18n import t
from kpi.periods import parse_period


def status_counts(frame: pd.DataFrame) -> dict[str, int]:
    rated = frame[frame["direction"] != 0]
    return {
        "exceeded": int((rated["status"] == "exceeded").sum()),
        "met": int((rated["status"] == "met").sum()),
        "below": int((rated["status"] == "below").sum()),
        "noplan": int((rated["status"] == "").sum()),
    }


def best_and_worst(frame: pd.DataFrame, catalogue: pd.DataFrame, lang: str = "vi") -> tuple[str | None, str | None]:
    """Sentences naming the indicator furthest above and furthest below its plan (full precision)."""
    rated = frame[(frame["direction"] != 0) & frame["achievement_pct"].notna()]
    if rated.empty:
        return None, None
    names = catalogue.set_index("code")["name_vi" if lang == "vi" else "name_en"]
    ordered = rated.sort_values("achievement_pct", ascending=False)

    def sentence(row) -> str:
        verb = "đạt" if lang == "vi" else "reached"
        of_plan = "kế hoạch" if lang == "vi" else "of plan"
        return f"{names[row['indicator']]} {verb} {fmt.percent(row['achievement_pct'], 1, lang)} {of_plan}"

    best = ordered.iloc[0]
    worst = ordered.iloc[-1]
    best_text = f"{t('best', lang)}: {sentence(best)}."
    worst_text = f"{t('worst', lang)}: {sentence(worst)}." if worst["indicator"] != best["indicator"] else None
    return best_text, worst_text


def in_progress(status: str, aggregation: str, period: str) -> bool:
    """A count of a cumulative period (6 or 9 months) still short of the whole-year plan is work in
    progress, not a failure: the screen says so instead of 'chưa đạt' (machine output keeps 'below')."""
    return status == "below" and aggregation == "sum" and not parse_period(period).is_whole_year
