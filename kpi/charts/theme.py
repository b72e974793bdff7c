"""One look for every chart and badge: fonts, colours, the colour of each verdict, number separators."""
from __future__ import annotations

from kpi import formulas

FONT = dict(family="Inter, 'Segoe UI', Arial, sans-serif", size=16, color="#1f2328")
HIGHLIGHT = "#d4a017"
BASE = "#4c78a8"
PLAN = "#111111"
GRID = "#e5e7eb"
PALETTE = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#9d755d", "#eeca3b"]

_GREY = ("#57606a", "#eaeef2", "#6e7781")
# verdict -> (text colour, background of a badge, solid colour of a chart mark)
VERDICT_COLOURS: dict[str, tuple[str, str, str]] = {
    formulas.EXCEEDED: ("#1a7f37", "#dafbe1", "#1a7f37"),
    formulas.MET: ("#0550ae", "#ddf4ff", "#0550ae"),
    formulas.AHEAD: ("#1a7f37", "#dafbe1", "#2da44e"),
    formulas.ON_SCHEDULE: ("#0550ae", "#ddf4ff", "#218bff"),
    # behind schedule mid-year is a warning (amber), not a failure (red): the year is not over
    formulas.BEHIND: ("#7d4e00", "#fff8c5", "#bf8700"),
    formulas.BELOW: ("#a40e26", "#ffebe9", "#c21f30"),
    formulas.INCOMPLETE: ("#7d4e00", "#fff8c5", "#bf8700"),
    formulas.NO_PLAN: _GREY, formulas.NO_BASELINE: _GREY, formulas.CONTEXT_ONLY: _GREY, formulas.MISSING: _GREY,
    formulas.NOT_COMPARABLE: _GREY,
}


def target_marks(frame):
    """The value a chart marks as the plan: the level the target implies (a 'giảm 0,78 điểm %' plan
    is drawn at last year's rate minus 0,78), never the bare number of a relative target."""
    return frame["target_level"] if "target_level" in frame else frame["plan"]


def separators(lang: str) -> str:
    """Plotly's decimal and thousands separators: '18.382', '3,5' in Vietnamese."""
    return ",." if lang == "vi" else ".,"

# slides count figures by verdict; those not measured against a plan share one grey category
NOT_RATED = "none"
SLIDE_STATUS_ORDER = [*formulas.RATED_VERDICTS, NOT_RATED]
SLIDE_STATUS_COLOURS = {**{v: VERDICT_COLOURS[v][2] for v in formulas.RATED_VERDICTS}, NOT_RATED: _GREY[2]}

# the colour table (Bảng màu chỉ tiêu): cell fills safe for colour-blind readers and a projector, a
# blue-orange scale (never red against green), the verdict's word always beside the colour.
# verdict -> (text colour, cell fill); a pair of verdicts of one meaning shares a fill
SCOREBOARD_COLOURS: dict[str, tuple[str, str]] = {
    formulas.EXCEEDED: ("#ffffff", "#08519c"), formulas.AHEAD: ("#ffffff", "#08519c"),
    formulas.MET: ("#08306b", "#9ecae1"), formulas.ON_SCHEDULE: ("#08306b", "#9ecae1"),
    formulas.BEHIND: ("#3d1f00", "#fdb863"),
    formulas.BELOW: ("#ffffff", "#b35806"),
    formulas.INCOMPLETE: ("#3d1f00", "#f6e8c3"),
    formulas.NO_PLAN: ("#1f2328", "#f6f8fa"), formulas.NO_BASELINE: ("#1f2328", "#f6f8fa"),
    formulas.CONTEXT_ONLY: ("#1f2328", "#f6f8fa"),
    formulas.NOT_COMPARABLE: ("#24292f", "#d0d7de"), formulas.MISSING: ("#24292f", "#d0d7de"),
}


def unit_colours(units) -> dict[str, str]:
    """One colour per unit for every chart of a page: the i-th unit chosen on the page (by its key,
    the order kept, repeats ignored) gets the i-th colour of the palette, whatever each chart draws."""
    return {unit: PALETTE[i % len(PALETTE)] for i, unit in enumerate(dict.fromkeys(units))}


def colour_of_unit(colours: dict[str, str] | None, unit: str, fallback_index: int) -> str:
    """The page's colour of `unit`; without a page colour map, the palette by the chart's own order."""
    if colours and unit in colours:
        return colours[unit]
    return PALETTE[fallback_index % len(PALETTE)]


def wrap(text: str, width: int) -> str:
    """A title broken into lines of at most `width` characters at spaces (Plotly's <br>), never cut:
    a word longer than the width stands on its own line whole."""
    lines, line = [], ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)


def characters_in(width_px: float, font_px: float) -> int:
    """How many characters of a proportional font fit in `width_px` (0.55 em a character: wide enough
    for Vietnamese capitals and digits, so that a wrapped line stays within its width)."""
    return max(8, int(width_px / (0.55 * font_px)))
