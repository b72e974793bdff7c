"""A figure in words and numbers, per language: the one place every surface (cards, tables, charts,
slides, Word, Excel, ranking) gets the text of an achievement, a verdict, a change or a rank.

The rules themselves are decided in kpi.formulas; this only says them.
"""
from __future__ import annotations

import math

from kpi import formulas
from kpi.text import fmt
from kpi.text.i18n import t


def achievement_text(value, lang: str = "vi") -> str:
    """'102,1%'; '–' when missing; unbounded (a 0% rate of a lower-is-better indicator) said so."""
    number = fmt.as_float(value)
    if isinstance(number, float) and math.isinf(number) and number > 0:
        return t("achievement_unbounded", lang)
    return fmt.percent(value, 1, lang)


def plan_text(plan, plan_kind, plan_high, unit_of_measure: str, decimals: int, lang: str = "vi",
              with_unit: bool = False) -> str:
    """The target as a resolution writes it: 'dưới 3%', 'từ 75% trở lên', 'giảm 0,78 điểm %',
    'tăng 14% so với cùng kỳ'; a level plan as its figure ('18.000', or '18.000 người' with_unit).
    '–' without a plan."""
    if fmt.as_float(plan) == fmt.MISSING:
        return fmt.MISSING
    kind = formulas.plan_kinds([plan_kind])[0]
    if kind == formulas.LEVEL:
        return fmt.figure(plan, unit_of_measure, decimals, lang) if with_unit else fmt.number(plan, decimals, lang)
    has_high = fmt.as_float(plan_high) != fmt.MISSING
    if kind in formulas.RELATIVE_KINDS:
        value = fmt.exact(plan, lang) + ("-" + fmt.exact(plan_high, lang) if has_high else "")
        return t(f"plan_kind_{kind}", lang, value=value)
    suffix = "%" if unit_of_measure == "%" else f" {fmt.unit_of_measure(unit_of_measure, lang)}"
    value = fmt.exact(plan, lang) + suffix
    high = fmt.exact(plan_high, lang) + suffix if has_high else fmt.MISSING
    return t(f"plan_kind_{kind}", lang, value=value, high=high)


def progress_text(row, unit_of_measure: str, decimals: int, lang: str = "vi") -> str:
    """What a 3-, 6- or 9-month count was judged against: 'cần 13.083 người: mức cần đạt theo tiến độ
    của chính đơn vị năm trước (70,7% kế hoạch năm)'; '' when the figure is not judged on its pace."""
    expected = row.get("expected") if hasattr(row, "get") else row["expected"]
    if fmt.as_float(expected) == fmt.MISSING:
        return ""
    if row["share_basis"] == "path":  # a rate: the path from last year's year-end figure to the target
        return t("progress_expected", lang, expected=fmt.figure(expected, unit_of_measure, decimals, lang),
                 basis=t("progress_path", lang))
    basis = "progress_share_profile" if row["share_basis"] == "profile" else "progress_share_months"
    share = fmt.percent(float(row["expected_share"]) * 100, 1, lang)
    return t("progress_expected", lang, expected=fmt.figure(expected, unit_of_measure, decimals, lang),
             basis=t(basis, lang, share=share))


def verdict_text(verdict: str, lang: str = "vi") -> str:
    """'Vượt', 'Đạt', 'Đúng tiến độ', 'Chưa có số liệu'... (kpi.formulas.VERDICTS)."""
    return t(verdict, lang) if isinstance(verdict, str) and verdict else ""


def change_text(row, lang: str = "vi") -> str:
    """Change on the same period last year: '+2,5%' for counts, '−0,35 điểm %' for rates; 'Không so
    sánh được' across a boundary change or a change of the poverty standard."""
    if hasattr(row, "get") and row.get("change_comparable") is not None and not bool(row.get("change_comparable")):
        return t("not_comparable", lang)
    if formulas.change_kind(row["aggregation"]) == formulas.CHANGE_POINTS:
        return fmt.signed_points(row["change_pp"], 2, lang)
    return fmt.signed_percent(row["change_pct"], 1, lang)


def change_words(row, lang: str = "vi") -> str:
    """'tăng 2,5% so với cùng kỳ', 'giảm 0,35 điểm % so với cùng kỳ'; empty when unknown."""
    value = formulas.change_value(row)
    if value is None or value != value:
        return ""
    if value == 0:
        return t("exp_change_same", lang)
    points = formulas.change_kind(row["aggregation"]) == formulas.CHANGE_POINTS
    amount = (fmt.signed_points(abs(value), 2, lang) if points else fmt.signed_percent(abs(value), 1, lang))[1:]
    return t("exp_change_up" if value > 0 else "exp_change_down", lang, change=amount)


def change_axis_title(aggregation: str, lang: str = "vi") -> str:
    """The axis of a change chart: '%' for counts, 'điểm %' for rates."""
    return t("points", lang) if formulas.change_kind(aggregation) == formulas.CHANGE_POINTS else "%"


def rank_text(rank, is_tied: bool = False, total: int | None = None, lang: str = "vi") -> str:
    """'3', '3 (đồng hạng)', '3/34', '3/34 (đồng hạng)'; '–' without a rank."""
    if rank is None or (isinstance(rank, float) and math.isnan(rank)):
        return fmt.MISSING
    text = f"{int(rank)}" + (f"/{int(total)}" if total else "")
    return f"{text} ({t('rank_tied', lang).lower()})" if is_tied else text


def rank_change_text(kind: str, change, lang: str = "vi") -> str:
    """A rank's move on the same period last year (kpi.formulas.rank_changes): '▲2', '▼1', '=',
    'mới' (no rank last year), 'không so sánh được' (the territory changed); '–' without a rank."""
    if kind == formulas.RANK_UP:
        return f"▲{int(change)}"
    if kind == formulas.RANK_DOWN:
        return f"▼{int(-change)}"
    if kind == formulas.RANK_SAME:
        return "="
    if kind == formulas.RANK_NEW:
        return t("drl_rank_new", lang)
    if kind == formulas.RANK_NOT_COMPARABLE:
        return t("drl_rank_not_comparable", lang)
    return fmt.MISSING
