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
    "imp_no_visible_sheet": ("sổ tính không có trang tính nào đang hiện để đọc",
                             "the workbook has no visible sheet to read"),
    "imp_hidden_sheet": ("trang tính '{sheet}' đang ẩn nên không được đọc; đã đọc trang '{read}'",
                         "the sheet '{sheet}' is hidden and was not read; the sheet '{read}' was read"),
    "imp_formula_no_value": ("ô {cell}: công thức chưa có giá trị đã tính (mở tệp trong Excel để Excel tính lại rồi lưu, "
                             "hoặc nhập giá trị)",
                             "cell {cell}: a formula without a computed value (open the file in Excel so that it "
                             "recalculates, then save it, or type the value)"),
    "imp_sheet_outside_header": ("trang '{sheet}' có ô nằm ngoài các cột có tiêu đề",
                                 "sheet '{sheet}' has a cell outside the columns with a header"),
    "imp_same_column_twice": ("hai cột cùng nghĩa '{first}' và '{second}' ({field})",
                              "two columns mean the same: '{first}' and '{second}' ({field})"),
    "imp_gso_year_header": ("cột '{column}': tiêu đề cột của bảng theo tỉnh và năm phải là năm (2015, Prel. 2016)",
                            "column '{column}': the column headers of a province-by-year table must be years "
                            "(2015, Prel. 2016)"),
    "imp_gso_year_twice": ("một năm xuất hiện ở hai cột", "a year appears in two columns"),
    "imp_gso_column_group": ("bảng không có nhóm cột '{group}' (hoặc có nhiều nhóm cùng tên); các nhóm cột: {groups} "
                             "(chọn bằng --column-group NHÓM)",
                             "the table has no column group '{group}' (or several of that name); its column groups: "
                             "{groups} (choose one with --column-group GROUP)"),
    "imp_gso_group_read": ("đọc nhóm cột '{group}' của bảng (các nhóm: {groups}; chọn nhóm khác bằng --column-group)",
                           "read the table's column group '{group}' (groups: {groups}; choose another with "
                           "--column-group)"),
    "imp_gso_unit_mismatch": ("bảng ghi đơn vị tính '{stated}' nhưng chỉ tiêu {indicator} tính bằng '{unit}': số liệu "
                              "được giữ đúng như bảng công bố, không quy đổi; chọn chỉ tiêu có cùng đơn vị tính",
                              "the table states the unit '{stated}' but indicator {indicator} is measured in '{unit}': "
                              "figures are kept as published, never converted; choose an indicator of that unit"),
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
    "imp_skipped_aggregate": ("{unit} (dòng {rows}): bỏ qua {figures} số liệu tổng hợp (vùng và cả nước được tính từ "
                              "các tỉnh)",
                              "{unit} (rows {rows}): {figures} aggregate figure(s) skipped (regions and the whole "
                              "country are computed from the provinces)"),
    "imp_kept_published": ("{unit} (dòng {rows}): {figures} số liệu công bố của vùng hoặc cả nước được giữ làm số "
                           "công bố của đơn vị đó (số tính từ các tỉnh vẫn được tính riêng)",
                           "{unit} (rows {rows}): {figures} published figure(s) of a region or the whole country kept "
                           "as that unit's published figures (the figure computed from the provinces stays separate)"),
    "imp_not_a_number": ("'{cell}' không phải là số", "'{cell}' is not a number"),
    "imp_ambiguous_separator": ("'{cell}' không rõ dấu chấm/phẩy là phân cách nghìn hay dấu thập phân, và các số khác "
                                "của tệp không cho biết tệp dùng dấu nào: chọn dấu thập phân của tệp (ô 'Dấu thập "
                                "phân', dòng lệnh --decimal , hoặc --decimal .) hoặc viết số không có dấu phân cách, "
                                "ví dụ 18382",
                                "'{cell}': unclear whether the dot or comma separates thousands or decimals, and the "
                                "other numbers of the file do not tell which the file uses: choose the file's decimal "
                                "mark (the 'Decimal mark' box, or --decimal , or --decimal . on the command line) or "
                                "write the number without separators, e.g. 18382"),
    "imp_decimal_conflict": ("'{cell}' không đọc được với dấu thập phân '{mark}' mà các số khác của tệp dùng: viết ô này "
                             "cùng một cách, hoặc chọn dấu thập phân của tệp (--decimal)",
                             "'{cell}' cannot be read with the decimal mark '{mark}' the other numbers of the file "
                             "use: write this cell the same way, or choose the file's decimal mark (--decimal)"),
    "imp_decimal_conflict_given": ("'{cell}' không đọc được với dấu thập phân '{mark}' đã chọn",
                                   "'{cell}' cannot be read with the chosen decimal mark '{mark}'"),
    "imp_percent_not_rate": ("'{cell}' có dấu %, nhưng chỉ tiêu này tính bằng {unit}: ghi số, không ghi %",
                             "'{cell}' has a % sign, but this indicator is not a rate: write the number without %"),
    "imp_percent_in_part": ("'{cell}' có dấu %, nhưng tử số và mẫu số là số đếm: ghi số, không ghi %",
                            "'{cell}' has a % sign, but a numerator or denominator is a count: write the number "
                            "without %"),
    "imp_not_whole": ("'{cell}' không phải số nguyên: chỉ tiêu này đếm theo {unit}",
                      "'{cell}' is not a whole number: this indicator is a count"),
    "imp_not_whole_mark": ("'{cell}' không phải số nguyên của chỉ tiêu đếm theo {unit}: tệp này dùng '{mark}' làm dấu "
                           "thập phân; nếu đây là phân cách nghìn, chọn dấu thập phân kia (--decimal) hoặc viết số "
                           "không có dấu phân cách",
                           "'{cell}' is not a whole number, and this indicator is a count: this file uses '{mark}' as "
                           "its decimal mark; if it separates thousands here, choose the other decimal mark "
                           "(--decimal) or write the number without separators"),
    "imp_negative": ("số liệu không được âm", "a figure cannot be negative"),
    "imp_rate_range": ("tỷ lệ (%) phải nằm trong khoảng {low}-{high}, gặp '{cell}'",
                       "a rate (%) must lie between {low} and {high}, found '{cell}'"),
    "imp_above_max": ("'{cell}' vượt giới hạn hợp lý {high} {unit} của chỉ tiêu này (cả nước cũng không tới mức đó): "
                      "kiểm tra lại số liệu và đơn vị tính",
                      "'{cell}' is above the plausible limit of {high} for this indicator (not reached even by the "
                      "whole country): check the figure and its unit"),
    "imp_below_min": ("'{cell}' thấp hơn giới hạn hợp lý {low} {unit} của chỉ tiêu này",
                      "'{cell}' is below the plausible limit of {low} for this indicator"),
    "imp_part_above_max": ("'{cell}' vượt giới hạn hợp lý {high} của tử số, mẫu số chỉ tiêu này",
                           "'{cell}' is above the plausible limit of {high} for a numerator or denominator of this "
                           "indicator"),
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
    # possible but unusual figures: warnings the user confirms
    "imp_warn_change": ("tăng {change}% so với cùng kỳ năm trước ({period}: {previous}): có thể đúng nhưng bất thường, "
                        "hãy kiểm tra",
                        "up {change}% on the same period last year ({period}: {previous}): possible but unusual, "
                        "check it"),
    "imp_warn_change_next": ("số liệu {period} ({following}) cao hơn số này {change}%: có thể đúng nhưng bất thường, "
                             "hãy kiểm tra",
                             "the figure of {period} ({following}) is {change}% above this one: possible but "
                             "unusual, check it"),
    "imp_warn_plan": ("kế hoạch {plan} bằng {ratio} lần số thực hiện {actual} (ngoài khoảng 1/5 đến 5 lần): có thể đúng "
                      "nhưng bất thường, hãy kiểm tra",
                      "the plan {plan} is {ratio} times the actual {actual} (outside 1/5 to 5 times): possible but "
                      "unusual, check it"),
    "imp_warn_plan_cumulative": ("kế hoạch năm {plan} bằng {ratio} lần số thực hiện {months} tháng ({actual}) quy ra "
                                 "cả năm ({annual}): có thể đúng nhưng bất thường, hãy kiểm tra",
                                 "the plan for the year {plan} is {ratio} times the actual of {months} months "
                                 "({actual}) carried to a whole year ({annual}): possible but unusual, check it"),
    # writing
    "imp_warnings_unconfirmed": ("có {n} cảnh báo chưa được xác nhận: kiểm tra các số liệu bất thường rồi xác nhận",
                                 "{n} warning(s) not confirmed: check the unusual figures, then confirm"),
    "imp_write_failed": ("Không ghi được bản dữ liệu mới vào {folder}: {reason}; không có gì thay đổi",
                         "Could not write the new snapshot to {folder}: {reason}; nothing was changed"),
    "imp_base_unavailable": ("chưa kiểm tra được tệp: {reason}; không có gì được ghi",
                             "the file cannot be checked yet: {reason} (the newest snapshot cannot be read right "
                             "now; try again later); nothing was written"),
    "imp_reason_disk_full": ("ổ đĩa đã đầy", "the disk is full"),
    "imp_reason_quota": ("vượt hạn mức dung lượng đĩa", "the disk quota is exceeded"),
    "imp_reason_permission": ("không có quyền ghi vào thư mục", "no permission to write to the folder"),
    "imp_reason_read_only": ("thư mục chỉ cho phép đọc", "the folder is read-only"),
    "imp_reason_verify": ("các tệp vừa ghi không khớp khi kiểm tra lại", "the files written did not verify"),
    # several imports at once (DESIGN 10): the later one is re-applied on the newer snapshot
    "imp_reapplied": ("trong lúc ghi, đã có bản dữ liệu mới hơn ({snapshot}); số liệu của tệp đã được ghi lên trên "
                      "bản đó, không mất số liệu nào",
                      "while writing, a newer snapshot appeared ({snapshot}); the file's figures were written on top "
                      "of it, nothing was lost"),
    "imp_reapply_refused": ("trong lúc ghi, đã có bản dữ liệu mới hơn ({snapshot}) và số liệu của tệp không còn hợp "
                            "lệ trên bản đó: {reason}; không ghi gì, hãy kiểm tra lại tệp",
                            "while writing, a newer snapshot appeared ({snapshot}) and the file's figures are not "
                            "valid on it: {reason}; nothing written, check the file again"),
    "imp_reapply_unknown": ("{what} không có trong bản đó", "{what} not in that snapshot"),
    "imp_reapply_warnings": ("có {n} cảnh báo mới chưa được xác nhận", "{n} new warning(s) not confirmed"),
    "imp_commit_busy": ("không ghi được vì có quá nhiều lần nhập cùng lúc; hãy thử lại (không có gì thay đổi)",
                        "too many imports at the same time; try again (nothing was changed)"),
    # the import summary
    "imp_kind_gso": ("bảng GSO theo tỉnh và năm", "GSO province-by-year table"),
    "imp_kind_csv": ("CSV", "CSV"),
    "imp_kind_xlsx": ("Excel", "Excel"),
    "imp_summary_file": ("Tệp {file}", "File {file}"),
    "imp_summary_file_kind": ("Tệp {file} ({kind})", "File {file} ({kind})"),
    "imp_summary_file_facts": ("Tệp {file} ({kind}, {facts} số liệu hợp lệ)", "File {file} ({kind}, {facts} valid figures)"),
    "imp_summary_decimal": ("Tệp {file}: đọc số với dấu thập phân '{mark}' ({how})",
                            "File {file}: numbers read with '{mark}' as the decimal mark ({how})"),
    "imp_decimal_given": ("theo lựa chọn", "as chosen"),
    "imp_decimal_inferred": ("suy ra từ các số trong tệp", "inferred from the numbers in the file"),
    "imp_summary_no_decimal": ("Tệp {file}: không có số nào cần dấu thập phân",
                               "File {file}: no number needed a decimal mark"),
    "imp_summary_counts": ("Thêm mới {added}, thay đổi {changed}, giữ nguyên {unchanged} số liệu; bản dữ liệu mới có "
                           "{facts_after} số liệu (trước {facts_before})",
                           "{added} added, {changed} changed, {unchanged} unchanged figures; the new snapshot has "
                           "{facts_after} figures (before: {facts_before})"),
    # the command line (python -m kpi import)
    "imp_cli_help_decimal": ("dấu thập phân của tệp (mặc định: suy ra từ các số trong tệp)",
                             "the file's decimal mark (by default inferred from the numbers in the file)"),
    "imp_cli_help_group": ("nhóm cột đọc từ bảng GSO có nhóm cột, ví dụ Total, Male, Urban (mặc định: Total)",
                           "the column group read from a GSO table with column groups, e.g. Total, Male, Urban "
                           "(default: Total)"),
    "imp_cli_help_accept": ("ghi cả khi có cảnh báo về số liệu bất thường (sau khi đã kiểm tra)",
                            "write even with warnings about unusual figures (once checked)"),
    "imp_cli_notice": ("Lưu ý: {text}", "Notice: {text}"),
    "imp_cli_warning": ("Cảnh báo: {text}", "Warning: {text}"),
    "imp_cli_error": ("Lỗi: {text}", "Error: {text}"),
    "imp_cli_refused": ("Không nhập: {n} lỗi; không ghi gì.", "Not imported: {n} error(s); nothing written."),
    "imp_cli_unconfirmed": ("Không nhập: {n} cảnh báo cần kiểm tra; nếu các số liệu đúng, chạy lại với "
                            "--accept-warnings. Không ghi gì.",
                            "Not imported: {n} warning(s) to check; if the figures are right, run again with "
                            "--accept-warnings. Nothing written."),
    "imp_cli_accepted": ("Đã chấp nhận {n} cảnh báo (--accept-warnings).", "{n} warning(s) accepted (--accept-warnings)."),
    "imp_cli_dry_run": ("Chạy thử (--dry-run): không ghi bản dữ liệu nào.",
                        "Dry run (--dry-run): no snapshot written."),
    "imp_cli_nothing": ("Không có số liệu nào thay đổi: không tạo bản dữ liệu mới.",
                        "No figure changed: no new snapshot."),
    "imp_cli_written": ("Đã ghi bản dữ liệu {id} (bản trước: {parent}).", "Wrote snapshot {id} (parent: {parent})."),
    "imp_cli_written_pending": ("Đã ghi bản dữ liệu {id} (bản trước: {parent}) — chờ duyệt.",
                                "Wrote snapshot {id} (parent: {parent}) — waiting for approval."),
    "imp_cli_no_parent": ("không có", "none"),
    "imp_cli_pending": ("Bản dữ liệu {id} đang chờ duyệt: người có quyền duyệt chạy 'python -m kpi approve {id}' "
                        "(hoặc 'reject {id} --comment ...'); đến khi đó các trang vẫn hiển thị bản đã duyệt.",
                        "Snapshot {id} is pending: an approver runs 'python -m kpi approve {id}' (or 'reject {id} "
                        "--comment ...'); until then the pages show the approved snapshot."),
    "imp_cli_help_pending": ("ghi bản dữ liệu ở trạng thái chờ duyệt (mặc định: dòng lệnh duyệt ngay khi ghi)",
                             "write the snapshot as pending (by default the command line approves it as it writes)"),
    # the Dữ liệu page
    "imp_decimal_choice": ("Dấu thập phân trong tệp", "Decimal mark in the file"),
    "imp_decimal_auto": ("Tự nhận biết từ các số trong tệp", "Inferred from the numbers in the file"),
    "imp_decimal_comma": ("Dấu phẩy: 3,5 và 18.382 (kiểu Việt Nam)", "Comma: 3,5 and 18.382 (Vietnamese style)"),
    "imp_decimal_dot": ("Dấu chấm: 3.5 và 18,382 (kiểu Anh)", "Dot: 3.5 and 18,382 (English style)"),
    "imp_column_group_choice": ("Nhóm cột của bảng TCTK", "Column group of the GSO table"),
    "imp_column_group_default": ("Tổng số (mặc định)", "Total (default)"),
    "imp_tab_catalogue": ("Danh mục chỉ tiêu", "Indicator catalogue"),
    "imp_catalogue_caption": ("{n} chỉ tiêu của bản dữ liệu đang xem: định nghĩa, đơn vị tính, chiều đánh giá, cách "
                              "tổng hợp vùng và cả nước, cơ quan phụ trách.",
                              "{n} indicators of the snapshot shown: definition, unit of measure, better direction, "
                              "how regions and the nation aggregate them, responsible department."),
    "imp_warning": ("Cảnh báo", "Warning"),
    "imp_report_warnings": ("Kết quả kiểm tra: {errors} lỗi, {warnings} cảnh báo, {notices} lưu ý",
                            "Check result: {errors} errors, {warnings} warnings, {notices} notices"),
    "imp_warnings_check": ("Có {n} cảnh báo: số liệu có thể đúng nhưng bất thường (xem bảng trên). Kiểm tra từng số, "
                           "rồi đánh dấu ô dưới đây để ghi.",
                           "{n} warning(s): figures that may be right but are unusual (see the table above). Check "
                           "each one, then tick the box below to write."),
    "imp_col_state": ("Tình trạng", "State"),
    "imp_damaged": ("bị hỏng, không xem hay so sánh được: {reason}", "damaged, cannot be viewed or compared: {reason}"),
    "imp_warnings_ok": ("Tôi đã kiểm tra các cảnh báo", "I have checked the warnings"),
    # targets as resolutions write them (kpi.importing.targets; the template's drop-down)
    "imp_field_plan_kind": ("Loại kế hoạch", "plan_kind"),
    "imp_field_plan_high": ("Kế hoạch mức trên", "plan_high"),
    "imp_plan_kind_level": ("đạt", "level"),
    "imp_plan_kind_min": ("từ … trở lên", "at least"),
    "imp_plan_kind_max": ("không quá", "at most"),
    "imp_plan_kind_below": ("dưới", "below"),
    "imp_plan_kind_above": ("trên", "above"),
    "imp_plan_kind_range": ("từ … đến …", "from … to …"),
    "imp_plan_kind_reduce_pp": ("giảm … điểm %", "down … points"),
    "imp_plan_kind_reduce_pct": ("giảm … %", "down … %"),
    "imp_plan_kind_increase_pct": ("tăng … %", "up … %"),
    "imp_plan_kind_unknown": ("'{cell}' không phải loại kế hoạch; dùng một trong: {choices}",
                              "'{cell}' is not a plan kind; use one of: {choices}"),
    "imp_plan_reduction_ambiguous": ("'{cell}': 'giảm …%' có thể là giảm điểm phần trăm hoặc giảm tương đối; ghi rõ "
                                     "'giảm … điểm %' hoặc 'giảm …% so với cùng kỳ' (hoặc chọn Loại kế hoạch)",
                                     "'{cell}': 'down …%' may mean percentage points or a relative fall; write "
                                     "'giam … diem %' or 'giam …% so voi cung ky' (or choose the plan kind)"),
    "imp_plan_phrase_unknown": ("'{cell}' không đọc được thành kế hoạch; ghi số (ví dụ 18.000) hoặc như nghị quyết: "
                                "'dưới 3%', 'từ 75% trở lên', 'giảm 0,78 điểm %', 'tăng 14% so với cùng kỳ'",
                                "'{cell}' cannot be read as a plan; write a number (e.g. 18.000) or as a resolution "
                                "does: 'duoi 3%', 'tu 75% tro len', 'giam 0,78 diem %', 'tang 14% so voi cung ky'"),
    "imp_plan_kind_conflict": ("kế hoạch '{cell}' và loại kế hoạch '{kind}' không khớp nhau",
                               "the plan '{cell}' and the plan kind '{kind}' disagree"),
    "imp_plan_kind_without_plan": ("có loại kế hoạch nhưng ô Kế hoạch trống", "a plan kind is given but the plan is empty"),
    "imp_plan_high_needs_range": ("mức trên của kế hoạch chỉ dùng cho khoảng ('từ … đến …') hoặc mức giảm/tăng; loại "
                                  "kế hoạch ở dòng này là '{kind}'",
                                  "an upper plan value is only for a range ('from … to …') or a change; this row's plan "
                                  "kind is '{kind}'"),
    "imp_plan_range_without_high": ("kế hoạch dạng khoảng ('từ … đến …') cần cả mức trên (cột Kế hoạch mức trên)",
                                    "a range plan ('from … to …') needs its upper value (column plan_high)"),
    # the figure's standing in its report (issue 11 item 8; kpi.importing.validate.ESTIMATE_STATUSES)
    "imp_field_estimate_status": ("Tình trạng số liệu", "estimate_status"),
    "imp_estimate_status_unknown": ("'{cell}' không phải tình trạng số liệu; để trống hoặc dùng một trong: {choices}",
                                    "'{cell}' is not a figure status; leave it empty or use one of: 'uoc' (estimate), "
                                    "'so bo' (preliminary), 'chinh thuc' (official), or the English words"),
    "imp_plan_high_below_plan": ("mức trên {high} nhỏ hơn mức dưới {plan} của kế hoạch",
                                 "the upper value {high} is below the lower value {plan}"),
}
