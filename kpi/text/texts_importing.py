"""Texts of the importing messages that reach a page or the command line: key -> (Vietnamese, English).

The Vietnamese column is what the command line prints; a figure in {braces} is already formatted
for the language (kpi.text.fmt) by kpi.importing.messages.Phrase.
"""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # where an issue is: file, row as numbered in the file, column as written in its header
    "imp_where_file": ("tệp {file}", "file {file}"),
    "imp_where_row": ("dòng {row}", "row {row}"),
    "imp_where_column": ("cột '{column}'", "column '{column}'"),
    # the columns of the long format: Vietnamese as in the template, English as the accepted header
    "imp_field_unit": ("Đơn vị", "unit"),
    "imp_field_period": ("Kỳ báo cáo", "period"),
    "imp_field_indicator": ("Chỉ tiêu", "indicator"),
    "imp_field_actual": ("Thực hiện", "actual"),
    "imp_field_plan": ("Kế hoạch năm", "plan"),
    "imp_field_numerator": ("Tử số", "numerator"),
    "imp_field_denominator": ("Mẫu số", "denominator"),
    "imp_field_source": ("Nguồn", "source"),
    "imp_field_note": ("Ghi chú", "note"),
    # refusals of a whole file (reading)
    "imp_too_large": ("có {size} MB, vượt giới hạn {limit} MB", "is {size} MB, above the limit of {limit} MB"),
    "imp_cannot_open": ("không mở được tệp ({detail})", "cannot open the file ({detail})"),
    "imp_empty_file": ("rỗng: không có dòng số liệu nào", "is empty: no row of figures"),
    "imp_not_text": ("không phải tệp văn bản CSV (có byte nhị phân); hãy tải lên tệp .csv hoặc .xlsx",
                     "is not a CSV text file (it has binary bytes); upload a .csv or .xlsx file"),
    "imp_not_utf8": ("không phải văn bản UTF-8 (byte lỗi ở vị trí {position}); trong Excel hãy lưu bằng "
                     "'CSV UTF-8 (Comma delimited)'",
                     "is not UTF-8 text (bad byte at position {position}); in Excel save it as "
                     "'CSV UTF-8 (Comma delimited)'"),
    "imp_no_header": ("không tìm thấy dòng tiêu đề trong {lines} dòng đầu. Cần các cột Đơn vị, Kỳ báo cáo, Chỉ tiêu, "
                      "Thực hiện (hoặc unit, period, indicator, actual), hoặc bảng GSO: cột đầu là tỉnh, các cột sau "
                      "là năm",
                      "no header line in the first {lines} lines. The columns unit, period, indicator, actual are "
                      "needed (or their Vietnamese names, as in the template), or a GSO table: provinces in the first "
                      "column, years in the others"),
    "imp_csv_long_row": ("có dòng nhiều ô hơn dòng tiêu đề ({width} cột); kiểm tra dấu phân cách '{delimiter}' và "
                         "dấu ngoặc kép",
                         "a row has more cells than the header line ({width} columns); check the delimiter "
                         "'{delimiter}' and the quotes"),
    "imp_csv_cell_count": ("có {cells} ô nhưng dòng tiêu đề có {width} cột (kiểm tra dấu phân cách '{delimiter}' và "
                           "dấu ngoặc kép)",
                           "has {cells} cells but the header line has {width} columns (check the delimiter "
                           "'{delimiter}' and the quotes)"),
    "imp_csv_open_quote": ("có dấu ngoặc kép (\") mở mà không đóng; kiểm tra các ô có dấu ngoặc kép",
                           "a quote (\") is opened and never closed; check the cells with quotes"),
    "imp_csv_unreadable": ("không đọc được bảng CSV ({detail})", "cannot read the CSV table ({detail})"),
    "imp_csv_outside_header": ("có ô nằm ngoài {width} cột của dòng tiêu đề (kiểm tra dấu phân cách '{delimiter}' và "
                               "dấu ngoặc kép)",
                               "a cell lies outside the {width} columns of the header line (check the delimiter "
                               "'{delimiter}' and the quotes)"),
    "imp_not_xlsx": ("không phải sổ tính Excel .xlsx (nếu là tệp .xls cũ, hãy lưu lại dạng .xlsx)",
                     "is not an Excel .xlsx workbook (an old .xls file must be saved again as .xlsx)"),
    "imp_zip_broken": ("không phải sổ tính Excel hợp lệ (tệp nén bị hỏng: {detail})",
                       "is not a valid Excel workbook (broken archive: {detail})"),
    "imp_no_workbook_part": ("không phải sổ tính Excel hợp lệ (thiếu xl/workbook.xml)",
                             "is not a valid Excel workbook (xl/workbook.xml is missing)"),
    "imp_zip_members": ("sổ tính có {members} thành phần, quá nhiều (tối đa {limit})",
                        "the workbook has {members} parts, too many (at most {limit})"),
    "imp_zip_size": ("khi giải nén sẽ chiếm {size} MB, vượt giới hạn {limit} MB (nghi là 'bom nén')",
                     "would take {size} MB once unpacked, above the limit of {limit} MB (a suspected zip bomb)"),
    "imp_zip_ratio": ("thành phần {member} có tỷ lệ nén {ratio}:1, bất thường (nghi là 'bom nén')",
                      "the part {member} is compressed {ratio}:1, which is abnormal (a suspected zip bomb)"),
    "imp_xlsx_invalid": ("không phải sổ tính Excel hợp lệ ({detail})", "is not a valid Excel workbook ({detail})"),
    "imp_sheet_too_long": ("trang tính có hơn {rows} dòng; hãy dùng CSV", "the sheet has more than {rows} rows; use CSV"),
    "imp_sheet_unreadable": ("không đọc được trang tính ({detail})", "cannot read the sheet ({detail})"),
    "imp_sheet_no_header": ("trang '{sheet}': không tìm thấy dòng tiêu đề (Đơn vị, Kỳ báo cáo, Chỉ tiêu, Thực hiện...) "
                            "trong {lines} dòng đầu",
                            "sheet '{sheet}': no header line (unit, period, indicator, actual...) in the first "
                            "{lines} lines"),
    "imp_sheet_outside_header": ("trang '{sheet}' có ô nằm ngoài các cột có tiêu đề",
                                 "sheet '{sheet}' has a cell outside the columns with a header"),
    "imp_same_column_twice": ("hai cột cùng nghĩa '{first}' và '{second}' ({field})",
                              "two columns mean the same: '{first}' and '{second}' ({field})"),
    "imp_gso_year_header": ("cột '{column}': tiêu đề cột của bảng theo tỉnh và năm phải là năm (2015, Prel. 2016)",
                            "column '{column}': the column headers of a province-by-year table must be years "
                            "(2015, Prel. 2016)"),
    "imp_gso_year_twice": ("một năm xuất hiện ở hai cột", "a year appears in two columns"),
    # checks of a whole file
    "imp_missing_columns": ("thiếu cột: {columns}", "missing columns: {columns}"),
    "imp_missing_gso_indicator": ("chỉ tiêu (bảng GSO theo tỉnh và năm: chọn chỉ tiêu, --indicator CODE)",
                                  "indicator (a GSO province-by-year table: choose the indicator, --indicator CODE)"),
    "imp_missing_values": ("thiếu cột số liệu: cần ít nhất một trong {columns}",
                           "no column of figures: at least one of {columns} is needed"),
    "imp_no_rows": ("tệp không có dòng số liệu nào", "the file has no row of figures"),
    "imp_gso_empty_cells": ("{cells} ô trống hoặc '..' (không có số liệu) được bỏ qua",
                            "{cells} empty or '..' cell(s) skipped (no figure)"),
    "imp_option_indicator": ("--indicator: {detail}", "--indicator: {detail}"),
    "imp_more_same": ("còn {rows} dòng khác cùng lỗi: {first}", "{rows} more row(s) with the same problem: {first}"),
    # checks of a row
    "imp_required_empty": ("ô bắt buộc đang trống", "a required cell is empty"),
    "imp_unknown_indicator": ("không có chỉ tiêu '{text}' trong danh mục", "no indicator '{text}' in the catalogue"),
    "imp_unknown_indicator_close": ("không có chỉ tiêu '{text}' trong danh mục; gần giống: {close}",
                                    "no indicator '{text}' in the catalogue; closest: {close}"),
    "imp_indicator_named": ("{name_vi} ({code})", "{name_en} ({code})"),
    "imp_period_form": ("không hiểu kỳ báo cáo '{text}' (viết 2020, 2023-M06, '6 tháng đầu năm 2023', '6T/2023' "
                        "hoặc '9 tháng 2023')",
                        "period '{text}' not understood (write 2020 for a year, 2023-M06 or 6T/2023 for January to "
                        "June 2023)"),
    "imp_period_months": ("kỳ '{text}' không tồn tại: số tháng phải từ 1 đến 12 (không có {months} tháng)",
                          "period '{text}' does not exist: the months run from 1 to 12 (not {months})"),
    "imp_period_year": ("kỳ '{text}' không tồn tại: năm {year} ngoài khoảng 1945-2100",
                        "period '{text}' does not exist: the year {year} is outside 1945-2100"),
    # Vietnamese: kpi.units.resolve's own reason (it names the closest units); English: a general one
    "imp_unit_unknown": ("{detail}", "no unit '{text}' among the {generation} provinces in force at period {period}; "
                                     "check the name or the GSO code"),
    "imp_unit_gone": ("đơn vị {name} ({unit}) không còn tồn tại ở kỳ {period}",
                      "unit {name} ({unit}) no longer exists at period {period}"),
    "imp_unit_gone_successor": ("đơn vị {name} ({unit}) không còn tồn tại ở kỳ {period}: từ {date} thuộc {successor}",
                                "unit {name} ({unit}) no longer exists at period {period}: from {date} it is part "
                                "of {successor}"),
    "imp_unit_not_yet": ("đơn vị {name} ({unit}) chưa tồn tại ở kỳ {period} (thành lập từ {date})",
                         "unit {name} ({unit}) does not exist yet at period {period} (formed on {date})"),
    "imp_region_named": ("vùng '{text}'", "region '{text}'"),
    "imp_aggregate_named": ("'{text}' ({name_vi})", "'{text}' ({name_en})"),
    "imp_defunct_ha_tay": ("Hà Tây (đã hợp nhất vào Hà Nội từ 1/8/2008)", "Hà Tây (part of Hà Nội since 1/8/2008)"),
    "imp_skipped_aggregate": ("{unit} (dòng {rows}): bỏ qua {figures} số liệu tổng hợp (vùng và cả nước được tính từ "
                              "các tỉnh)",
                              "{unit} (rows {rows}): {figures} aggregate figure(s) skipped (regions and the whole "
                              "country are computed from the provinces)"),
    "imp_skipped_defunct": ("{unit} (dòng {rows}): bỏ qua {figures} số liệu của đơn vị không còn tồn tại, không có "
                            "trong danh mục đơn vị",
                            "{unit} (rows {rows}): {figures} figure(s) of a unit that no longer exists skipped (it is "
                            "not in the units catalogue)"),
    "imp_not_a_number": ("'{cell}' không phải là số", "'{cell}' is not a number"),
    "imp_ambiguous_separator": ("'{cell}' không rõ dấu chấm/phẩy là phân cách nghìn hay thập phân (chỉ tiêu đếm số "
                                "lượng): viết số không có dấu phân cách, ví dụ 18382",
                                "'{cell}': unclear whether the dot or comma separates thousands or decimals (a count "
                                "indicator): write the number without separators, e.g. 18382"),
    "imp_negative": ("số liệu không được âm", "a figure cannot be negative"),
    "imp_rate_range": ("tỷ lệ (%) phải nằm trong khoảng 0-100, gặp {value}",
                       "a rate (%) must lie between 0 and 100, found {value}"),
    "imp_numerator_above": ("tử số lớn hơn mẫu số ({numerator} > {denominator})",
                            "the numerator is larger than the denominator ({numerator} > {denominator})"),
    "imp_zero_denominator": ("mẫu số bằng 0", "the denominator is 0"),
    "imp_rate_mismatch": ("tỷ lệ {actual} khác tử số/mẫu số × 100 = {ratio} (vùng và cả nước được cộng dồn từ tử số, "
                          "mẫu số)",
                          "the rate {actual} differs from numerator/denominator × 100 = {ratio} (regions and the "
                          "whole country are summed from the numerators and denominators)"),
    "imp_no_value": ("dòng không có số liệu nào (Thực hiện, Kế hoạch...)", "the row has no figure (actual, plan...)"),
    "imp_duplicate": ("số liệu trùng với {file} dòng {row} (cùng chỉ tiêu {indicator}, đơn vị {unit}, kỳ {period})",
                      "the figure repeats {file} row {row} (same indicator {indicator}, unit {unit}, period {period})"),
    # writing
    "imp_parent_changed": ("bản dữ liệu mới nhất đã đổi thành {snapshot} sau khi kiểm tra; hãy kiểm tra lại",
                           "the newest snapshot changed to {snapshot} after the check; check the file again"),
    # the import summary
    "imp_kind_gso": ("bảng GSO theo tỉnh và năm", "GSO province-by-year table"),
    "imp_kind_csv": ("CSV", "CSV"),
    "imp_kind_xlsx": ("Excel", "Excel"),
    "imp_summary_file": ("Tệp {file}", "File {file}"),
    "imp_summary_file_kind": ("Tệp {file} ({kind})", "File {file} ({kind})"),
    "imp_summary_file_facts": ("Tệp {file} ({kind}, {facts} số liệu hợp lệ)", "File {file} ({kind}, {facts} valid figures)"),
    "imp_summary_counts": ("Thêm mới {added}, thay đổi {changed}, giữ nguyên {unchanged} số liệu; bản dữ liệu mới có "
                           "{facts_after} số liệu (trước {facts_before})",
                           "{added} added, {changed} changed, {unchanged} unchanged figures; the new snapshot has "
                           "{facts_after} figures (before: {facts_before})"),
}
