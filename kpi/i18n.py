"""Interface texts: Vietnamese by default, English selectable."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "app_title": ("Bảng chỉ tiêu ngành Lao động - Thương binh và Xã hội", "Labour, invalids and social affairs indicators"),
    "page_overview": ("Tổng quan", "Overview"),
    "page_compare": ("So sánh", "Compare"),
    "page_trends": ("Xu hướng", "Trends"),
    "page_data": ("Dữ liệu", "Data"),
    "language": ("Ngôn ngữ", "Language"),
    "snapshot": ("Bản dữ liệu", "Snapshot"),
    "snapshot_latest": ("mới nhất", "latest"),
    "geography": ("Địa giới", "Geography"),
    "geo_34": ("34 tỉnh (hiện hành)", "34 provinces (current)"),
    "geo_63": ("63 tỉnh (trước 1/7/2025)", "63 provinces (before 1/7/2025)"),
    "unit": ("Đơn vị", "Unit"),
    "period": ("Kỳ báo cáo", "Period"),
    "indicator": ("Chỉ tiêu", "Indicator"),
    "scope": ("Phạm vi", "Scope"),
    "all_provinces": ("Tất cả tỉnh, thành phố", "All provinces"),
    "actual": ("Thực hiện", "Actual"),
    "plan": ("Kế hoạch năm", "Annual plan"),
    "achievement": ("% so với KH", "% of plan"),
    "status": ("Đánh giá", "Status"),
    "change": ("So với cùng kỳ", "On same period last year"),
    "exceeded": ("Vượt", "Exceeded"),
    "met": ("Đạt", "Met"),
    "below": ("Chưa đạt", "Below"),
    "no_plan": ("Không có KH", "No plan"),
    "missing": ("Chưa có số liệu", "No data"),
    "not_comparable": ("Không so sánh được", "Not comparable"),
    "incomplete": ("Chưa đủ số liệu", "Incomplete"),
    "demo_warning": ("Dữ liệu minh họa: các số liệu được sinh tự động, trừ số liệu trích từ báo cáo đã công bố (ghi rõ nguồn).",
                     "Demo data: figures are generated, except those quoted from published reports (source given)."),
    "snapshot_caption": ("Nguồn: bản dữ liệu {id}, tạo lúc {created}", "Source: snapshot {id}, created {created}"),
    "empty_title": ("Chưa có dữ liệu", "No data yet"),
    "empty_body": ("Thư mục dữ liệu {dir} chưa có bản dữ liệu nào. Tạo dữ liệu minh họa bằng lệnh `python -m kpi demo`, "
                   "hoặc nhập số liệu ở trang Dữ liệu / bằng lệnh `python -m kpi import TỆP`.",
                   "The data folder {dir} holds no snapshot yet. Build the demo with `python -m kpi demo`, or import "
                   "figures on the Data page or with `python -m kpi import FILE`."),
    "no_figures": ("Không có số liệu cho lựa chọn này.", "No figures for this selection."),
    "best": ("Vượt kế hoạch cao nhất", "Furthest above plan"),
    "worst": ("Thấp nhất so với kế hoạch", "Furthest below plan"),
    "summary_counts": ("{exceeded} chỉ tiêu vượt, {met} đạt, {below} chưa đạt kế hoạch; {noplan} chỉ tiêu không có kế hoạch.",
                       "{exceeded} indicators above plan, {met} met, {below} below; {noplan} without a plan."),
    "progress_note": ("Kỳ lũy kế: % so với KH là tiến độ so với kế hoạch cả năm.",
                      "Cumulative period: % of plan is progress against the whole-year plan."),
    "nation": ("Cả nước", "Whole country"),
    "region_avg": ("Vùng", "Region"),
    "rank": ("Hạng", "Rank"),
    "province": ("Tỉnh, thành phố", "Province"),
    "units_selected": ("Tỉnh, thành phố", "Provinces"),
    "predecessor_note": ("Số liệu trước 1/7/2025 của {name} được tổng hợp từ các tỉnh cũ: {parts}.",
                         "Figures before 1 July 2025 for {name} are aggregated from the former provinces: {parts}."),
    "download_xlsx": ("Tải bảng (Excel)", "Download table (Excel)"),
    "points": ("điểm %", "pp"),
    "source": ("Nguồn số liệu", "Source"),
    "domain": ("Lĩnh vực", "Domain"),
    "year": ("Năm", "Year"),
    "value": ("Giá trị", "Value"),
    "highlight": ("Tỉnh được chọn", "Selected province"),
    "atoms_note": ("{n} / {total} đơn vị có số liệu", "{n} of {total} units reporting"),
}


def t(key: str, lang: str = "vi", **kwargs) -> str:
    vi, en = TEXTS[key]
    text = en if lang == "en" else vi
    return text.format(**kwargs) if kwargs else text


def status_label(status: str, lang: str = "vi") -> str:
    return t(status, lang) if status in ("exceeded", "met", "below") else ""
