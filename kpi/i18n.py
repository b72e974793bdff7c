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
    # domain pages and maps (issue 4)
    "dom_page_employment": ("Việc làm", "Employment"),
    "dom_page_training": ("Giáo dục nghề nghiệp", "Vocational training"),
    "dom_page_poverty": ("Giảm nghèo", "Poverty reduction"),
    "dom_page_merit": ("Người có công", "People with meritorious service"),
    "dom_page_social": ("Bảo trợ xã hội, trẻ em, CCHC", "Social protection, children, admin reform"),
    "dom_focus": ("Những chỉ tiêu được hỏi nhiều nhất", "What is asked about most"),
    "dom_all_indicators": ("Tất cả chỉ tiêu của lĩnh vực", "Every indicator of the domain"),
    "dom_previous": ("Cùng kỳ năm trước", "Same period last year"),
    "dom_rank_nation": ("Hạng cả nước", "National rank"),
    "dom_rank_region": ("Hạng trong vùng", "Rank in region"),
    "dom_note": ("Ghi chú", "Note"),
    "dom_rank_note": ("Hạng xếp theo chiều tốt của chỉ tiêu trên các tỉnh có đủ số liệu so sánh được; "
                      "hạng bằng nhau ghi dấu '='; chỉ tiêu theo dõi không xếp hạng.",
                      "Ranks follow each indicator's better direction among provinces with complete, comparable "
                      "figures; ties are marked '='; context indicators are not ranked."),
    "dom_rank_regions_note": ("Với một vùng, hạng là thứ tự giữa các vùng.", "For a region, the rank is among regions."),
    "dom_converted": ("Kỳ {period} báo cáo theo địa giới {source}; số liệu được quy đổi sang {target}: số tuyệt đối "
                      "cộng từ các tỉnh cũ, tỷ lệ tính lại bằng tổng tử số / tổng mẫu số; chỉ tiêu không quy đổi được "
                      "ghi 'Không so sánh được'.",
                      "Period {period} was reported in the {source}; figures are re-expressed in the {target}: counts "
                      "summed over the former provinces, rates recomputed as sum of numerators / sum of denominators; "
                      "what cannot be re-expressed is marked 'Not comparable'."),
    "dom_geo_34": ("34 tỉnh", "34 provinces"),
    "dom_geo_63": ("63 tỉnh", "63 provinces"),
    "dom_over_years": ("Diễn biến qua các năm", "Over the years"),
    "dom_map": ("Bản đồ", "Map"),
    "dom_map_kind": ("Kiểu bản đồ", "Map type"),
    "dom_map_tiles": ("Lưới ô (mỗi tỉnh một ô)", "Tile grid (one tile per province)"),
    "dom_map_bubbles": ("Bong bóng tại trung tâm tỉnh", "Bubbles at province centres"),
    "dom_map_choropleth": ("Ranh giới tỉnh", "Province boundaries"),
    "dom_map_note": ("Màu đậm hơn là kết quả tốt hơn (với chỉ tiêu càng thấp càng tốt, thang màu được đảo); "
                     "ô xám: chưa có số liệu hoặc không so sánh được.",
                     "Darker is better (the scale is reversed for lower-is-better indicators); grey: no figure or "
                     "not comparable."),
    "dom_no_boundaries": ("Chưa cấu hình tệp ranh giới cho {geo}: đặt biến môi trường KPI_BOUNDARIES_{n} "
                          "(GeoJSON hoặc TopoJSON) hoặc chép tệp vào data/boundaries/vn{n}_provinces.topo.json.",
                          "No boundary file configured for the {geo}: set KPI_BOUNDARIES_{n} (GeoJSON or TopoJSON) "
                          "or put the file at data/boundaries/vn{n}_provinces.topo.json."),
    "dom_boundary_source": ("Ranh giới: {file}", "Boundaries: {file}"),
    "dom_unmatched": ("Không khớp tên", "Name not matched"),
    "dom_unmatched_features": ("Tên trong tệp ranh giới không khớp tỉnh nào: {names}",
                               "Names in the boundary file matching no province: {names}"),
    "dom_unmatched_units": ("Tỉnh không có hình trong tệp ranh giới: {names}",
                            "Provinces without a shape in the boundary file: {names}"),
    "dom_trend": ("Xu hướng", "Trend"),
    "dom_trend_with_aggregates": ("Tỷ lệ của đơn vị so với vùng và cả nước.", "The unit's rate beside its region and the country."),
    "dom_context_only": ("Chỉ tiêu theo dõi, không đánh giá so với kế hoạch", "Context indicator, not rated against plan"),
    "dom_not_comparable_periods": ("Không so sánh được ở các kỳ: {periods}.", "Not comparable in: {periods}."),
}


def t(key: str, lang: str = "vi", **kwargs) -> str:
    vi, en = TEXTS[key]
    text = en if lang == "en" else vi
    return text.format(**kwargs) if kwargs else text


def status_label(status: str, lang: str = "vi") -> str:
    return t(status, lang) if status in ("exceeded", "met", "below") else ""
