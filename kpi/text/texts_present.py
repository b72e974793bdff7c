"""Texts of the presentation mode and the PowerPoint deck: key -> (Vietnamese, English)."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "pre_keys_help": ("Phím: Page Down, Space, →, ↓ sang trang sau; Page Up, ←, ↑ về trang trước; "
                      "Home trang đầu; End trang cuối.",
                      "Keys: Page Down, Space, →, ↓ next slide; Page Up, ←, ↑ previous slide; "
                      "Home first slide; End last slide."),
    "pre_slide_count": ("Trang {number}/{count}", "Slide {number}/{count}"),
    "pre_series_pct_plan": ("% kế hoạch năm", "% of the annual plan"),
    "pre_axis_pct_plan": ("% so với kế hoạch năm (khung nét đứt: kế hoạch, 100%)",
                          "% of the annual plan (dashed outline: the plan, 100%)"),
    "pre_series_plan": ("Kế hoạch (100%)", "Plan (100%)"),
    "pre_series_good": ("Số chỉ tiêu đạt và vượt kế hoạch", "Indicators meeting or beating the plan"),
    "pre_series_points": ("Tổng điểm", "Total points"),
    "pre_sheet_actual": ("Thực hiện", "Actual"),
    "pre_sheet_plan": ("Kế hoạch", "Plan"),
    "pre_sheet_uom": ("Đơn vị tính", "Unit of measure"),
}
