"""Texts of the indicator colour table and the reporting-completeness view: key -> (Vietnamese, English)."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # Bảng màu chỉ tiêu (pages/scoreboard.py, kpi/screens/scoreboard.py)
    "vw_scoreboard": ("Bảng màu chỉ tiêu", "Indicator colour table"),
    "vw_domains": ("Lĩnh vực", "Domains"),
    "vw_sort_by": ("Sắp xếp theo", "Sort by"),
    "vw_sort_name": ("Tên tỉnh, thành phố (A–Z)", "Province name (A–Z)"),
    "vw_order": ("Thứ tự", "Order"),
    "vw_order_best": ("Tốt nhất trước", "Best first"),
    "vw_order_worst": ("Kém nhất trước", "Worst first"),
    "vw_order_high": ("Cao nhất trước", "Highest first"),
    "vw_order_low": ("Thấp nhất trước", "Lowest first"),
    "vw_sorted_by_name": ("Sắp xếp theo tên tỉnh, thành phố", "Sorted by province name"),
    "vw_sorted_by": ("Sắp xếp theo: {indicator}, {order} (hạng theo chỉ tiêu này, đồng hạng khi bằng nhau)",
                     "Sorted by: {indicator}, {order} (rank on this indicator, equal figures share a rank)"),
    "vw_show_words": ("Hiện chữ đánh giá", "Status in words"),
    "vw_legend": ("Chú giải màu", "Colour legend"),
    "vw_colour": ("Màu", "Colour"),
    "vw_sample": ("Mẫu", "Sample"),
    "vw_missing_note": ("Ô xám có dấu – là chưa có số liệu (không phải số 0); di chuột vào ô để xem đánh giá, "
                        "kế hoạch và tỷ lệ đạt.",
                        "A grey cell with – has no figure (it is not zero); hover over a cell for its status, "
                        "plan and achievement."),
    "vw_period_note": ("Số lũy kế {period}: chỉ tiêu đếm được đánh giá theo tiến độ trong năm (vượt, đúng, chậm "
                       "tiến độ so với mức cần đạt của kế hoạch cả năm), không đánh giá là chưa đạt khi năm chưa hết.",
                       "Cumulative figures for {period}: counts are judged on their pace within the year (ahead of, "
                       "on or behind the share of the whole-year plan due by now), never 'below' while the year runs."),
    "vw_not_this_period": ("Chưa có số liệu kỳ này (không hiện cột): {names}",
                           "No figures for this period (no column shown): {names}"),
    "vw_never_reported": ("Bản dữ liệu chưa có số liệu nào của: {names}", "The snapshot holds no figure of: {names}"),
    "vw_no_columns": ("Chưa có số liệu của các chỉ tiêu đã chọn trong kỳ này.",
                      "No figures of the chosen indicators for this period."),
    "vw_aggregates": ("Cả nước và các vùng (tỷ lệ tính bằng tổng tử số trên tổng mẫu số)",
                      "Whole country and regions (rates as the sum of numerators over the sum of denominators)"),
    # Tình hình báo cáo (pages/reporting.py, kpi/screens/reporting.py)
    "vw_reporting": ("Tình hình báo cáo", "Reporting status"),
    "vw_units_reported": ("{n} / {total} đơn vị đã báo cáo", "{n} / {total} units have reported"),
    "vw_units_complete": ("{n} / {total} đơn vị đã báo cáo đủ {k} chỉ tiêu của kỳ",
                          "{n} / {total} units have reported all {k} indicators of the period"),
    "vw_units_reported_label": ("Đơn vị đã báo cáo", "Units that have reported"),
    "vw_units_complete_label": ("Đơn vị đã báo cáo đủ {k} chỉ tiêu", "Units that reported all {k} indicators"),
    "vw_domain_count": ("{n} / {total} đơn vị đã báo cáo", "{n} / {total} units have reported"),
    "vw_status": ("Tình trạng", "Status"),
    "vw_status_complete": ("Đã báo cáo đủ", "Complete"),
    "vw_status_partial": ("Đã báo cáo một phần", "Partly reported"),
    "vw_status_nothing": ("Chưa báo cáo", "Nothing yet"),
    "vw_indicators_reported": ("Số chỉ tiêu đã báo cáo", "Indicators reported"),
    "vw_partial": ("Chỉ tiêu thiếu đơn vị thành phần", "Indicators missing a constituent unit"),
    "vw_first_arrival": ("Lần đầu có số liệu kỳ này", "First figures for the period"),
    "vw_author": ("Người nhập", "Imported by"),
    "vw_nothing_yet": ("Chưa báo cáo số liệu nào: {names}", "Nothing reported yet: {names}"),
    "vw_all_reported": ("Mọi đơn vị đã có số liệu kỳ này.", "Every unit has figures for the period."),
    "vw_merged_into": ("đã hợp nhất vào {unit} từ {date}; số liệu kỳ này báo cáo theo đơn vị mới",
                       "merged into {unit} on {date}; figures for this period are reported by the new unit"),
    "vw_not_comparable_here": ("địa giới khác với các đơn vị báo cáo kỳ này, không tính được số liệu",
                               "its territory differs from the units reporting for this period; no figure can be built"),
    "vw_not_applicable": ("Không thuộc danh sách báo cáo kỳ này", "Not among the units reporting for this period"),
    "vw_no_one": ("Chưa đơn vị nào báo cáo kỳ này: {names}", "No unit has reported for this period: {names}"),
    "vw_by_indicator": ("Theo chỉ tiêu", "By indicator"),
    "vw_marks": ("✓ đã báo cáo; ◐ thiếu số của một phần đơn vị thành phần; – chưa báo cáo",
                 "✓ reported; ◐ a constituent unit's figure is missing; – not reported"),
    "vw_by_domain": ("Theo lĩnh vực", "By domain"),
    "vw_when_note": ("Thời điểm và người nhập: bản dữ liệu đầu tiên (theo chuỗi bản dữ liệu trong danh mục) có số "
                     "liệu kỳ này của đơn vị.",
                     "Time and author: the first snapshot (along the catalogue's chain of snapshots) holding the "
                     "unit's figures for the period."),
    # a snapshot whose files could not be read just now (object storage not answering): not damaged,
    # passed over this time and read again on the next run (kpi.store.snapshots.damage, kpi/screens/data.py)
    "snapdmg_unavailable": ("Bản dữ liệu {id} lúc này chưa đọc được (tệp {file}: kho lưu trữ không trả lời), "
                            "tạm bỏ qua; lần mở trang sau sẽ đọc lại. Các trang dùng bản còn nguyên vẹn mới nhất.",
                            "Snapshot {id} cannot be read right now (file {file}: the storage did not answer) and "
                            "was passed over for now; it is read again the next time a page opens. The pages use "
                            "the newest intact snapshot."),
    "snapdmg_unavailable_state": ("lúc này chưa đọc được tệp {file}, sẽ đọc lại lần sau",
                                  "file {file} cannot be read right now; read again next time"),
}
