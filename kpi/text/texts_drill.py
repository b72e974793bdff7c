"""Texts of drill-down to communes and agencies, merger-aware messages and rank change: key -> (Vietnamese, English)."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # rank change on So sánh
    "drl_rank_new": ("mới", "new"),
    "drl_rank_not_comparable": ("không so sánh được", "not comparable"),
    "drl_rank_previous": ("Hạng cùng kỳ", "Rank a year earlier"),
    "drl_rank_change": ("Thay đổi hạng", "Rank change"),
    "drl_rank_basis": ("Hạng cùng kỳ: xếp theo cùng chỉ tiêu, kỳ {period}, trong {n} tỉnh có số liệu trên cùng địa bàn; "
                       "▲ lên hạng, ▼ xuống hạng, = giữ hạng, \"mới\": năm trước chưa có số liệu.",
                       "Rank a year earlier: the same indicator, {period}, among the {n} provinces with figures on the "
                       "same territory; ▲ up, ▼ down, = unchanged, \"new\": no figure a year earlier."),
    "drl_rank_basis_changed": ("{n} tỉnh có địa giới thay đổi giữa hai kỳ: thay đổi hạng \"không so sánh được\".",
                               "{n} provinces changed territory between the two periods: rank change \"not comparable\"."),
    # drill-down
    "drl_page": ("Chi tiết xã, cơ quan", "Communes and agencies"),
    "drl_link": ("Xã, cơ quan", "Communes, agencies"),
    "drl_link_column": ("Chi tiết", "Details"),
    "drl_open": ("Xem chi tiết xã, phường và cơ quan của {name}", "Communes, wards and agencies of {name}"),
    "drl_title": ("{indicator} — {name}, {period}", "{indicator} — {name}, {period}"),
    "drl_choose_province": ("Chọn một tỉnh, thành phố ở thanh bên để xem các xã, phường và cơ quan của tỉnh.",
                            "Choose a province in the sidebar to see its communes, wards and agencies."),
    "drl_no_children": ("Bản dữ liệu chưa có số liệu cấp xã hoặc cơ quan của {name}. Có số liệu chi tiết: {names}.",
                        "The snapshot holds no commune or agency figures of {name}. Details exist for: {names}."),
    "drl_before_merger": ("Các xã, phường hiện nay (3.321 đơn vị cấp xã từ 01/7/2025) chỉ có số liệu từ kỳ sau ngày "
                          "01/7/2025; {period} thuộc địa giới cũ.",
                          "Today's communes (3,321 since 1 July 2025) have figures only for periods after "
                          "1 July 2025; {period} belongs to the former boundaries."),
    "drl_communes": ("Xã, phường, đặc khu", "Communes, wards and special zones"),
    "drl_agencies": ("Cơ quan, đơn vị sự nghiệp", "Agencies and public service units"),
    "drl_commune": ("Xã, phường", "Commune"),
    "drl_agency": ("Cơ quan", "Agency"),
    "drl_no_data": ("chưa có số liệu", "no data yet"),
    "drl_province_total": ("Số của tỉnh", "Province figure"),
    "drl_commune_sum": ("Tổng hợp từ các xã", "Sum of the communes"),
    "drl_reported": ("Số xã có số liệu", "Communes reporting"),
    "drl_reported_value": ("{n} / {total}", "{n} of {total}"),
    "drl_sum_rate_basis": ("tỷ lệ tính từ tổng tử số / tổng mẫu số của các xã", "rate as the ratio of the communes' sums"),
    "drl_sum_matches": ("Tổng các xã khớp với số của tỉnh.", "The communes add up to the province figure."),
    "drl_sum_partial": ("Tổng các xã chưa khớp với số của tỉnh: mới có {n} / {total} xã, phường báo cáo, "
                        "thiếu {missing} đơn vị; tổng các xã {side} số của tỉnh {gap}.",
                        "The communes do not add up to the province figure: {n} of {total} communes reported, "
                        "{missing} missing; their sum is {gap} {side} the province figure."),
    "drl_sum_differs": ("Tổng các xã {side} số của tỉnh {gap} dù đủ {total} xã báo cáo: cần rà soát.",
                        "The communes' sum is {gap} {side} the province figure although all {total} reported: "
                        "to be checked."),
    "drl_side_lower": ("thấp hơn", "below"),
    "drl_side_higher": ("cao hơn", "above"),
    "drl_sum_no_province": ("Tỉnh chưa có số liệu riêng kỳ này; tổng các xã chỉ mang tính tham khảo.",
                            "The province has no figure of its own for this period; the communes' sum is indicative."),
    "drl_sum_none": ("Chưa có xã nào báo cáo chỉ tiêu này trong kỳ.", "No commune reported this indicator in the period."),
    "drl_sum_no_aggregate": ("Chỉ tiêu này không cộng dồn được giữa các xã.", "This indicator cannot be summed over communes."),
    "drl_no_commune_figures": ("Chưa có số liệu cấp xã cho chỉ tiêu này. Chỉ tiêu có số liệu cấp xã: {names}.",
                               "No commune figures for this indicator. Indicators with commune figures: {names}."),
    "drl_no_agency_figures": ("Các cơ quan của tỉnh không báo cáo chỉ tiêu này.",
                              "The province's agencies do not report this indicator."),
    "drl_agency_note": ("Số của cơ quan là kết quả của riêng cơ quan đó, không cộng vào số của tỉnh.",
                        "An agency's figure is its own result and is not added to the province figure."),
    "drl_communes_missing": ("Chưa có số liệu ({n} xã, phường)", "No data yet ({n} communes)"),
    "drl_back": ("Về trang So sánh", "Back to Compare"),
    # merger-aware messages
    "drl_merged_into": ("{name} đã hợp nhất vào {successor} từ {date}.", "{name} merged into {successor} on {date}."),
    "drl_merged_link": ("Xem {successor}", "Show {successor}"),
    "drl_geo63_ended": ("Địa giới 63 tỉnh kết thúc ngày 30/6/2025; kỳ {period} theo địa giới 34 tỉnh.",
                        "The 63-province geography ended on 30 June 2025; {period} follows the 34-province geography."),
    "drl_geo63_rows": ("Bảng chỉ gồm {n} tỉnh không thay đổi địa giới; {former} tỉnh cũ đã hợp nhất không còn số liệu "
                       "riêng.",
                       "The table holds the {n} provinces whose territory did not change; {former} former provinces "
                       "merged and have no figures of their own."),
    "drl_geo34_link": ("Xem theo địa giới 34 tỉnh", "Show the 34-province geography"),
    "drl_not_covered": ("Không tính được theo địa giới {geo} tỉnh cho kỳ này: {n} tỉnh báo cáo không phủ hết địa bàn "
                        "của vùng.",
                        "Cannot be computed in the {geo}-province geography for this period: the {n} reporting "
                        "provinces do not cover the region's territory."),
    "drl_fallback": ("Liên kết chọn {what} \"{asked}\", không có trong lựa chọn hiện tại: đang hiển thị {shown}.",
                     "The link asked for {what} \"{asked}\", which is not available here: showing {shown}."),
    "drl_fallback_merged": ("Liên kết chọn {asked}, không thuộc địa giới {geo} tỉnh: đang hiển thị {shown}.",
                            "The link asked for {asked}, which is not in the {geo}-province geography: showing {shown}."),
}
