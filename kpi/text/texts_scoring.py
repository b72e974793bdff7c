"""Texts of the scoring messages that reach a page or the command line: key -> (Vietnamese, English)."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # scoring methods (kpi.scoring.methods.method_name)
    "score_method_plan_ratio": ("Tỷ lệ đạt kế hoạch (có mức trần)", "Achievement of plan (capped)"),
    "score_method_goalposts": ("Tuyến tính giữa hai mốc", "Linear between two goalposts"),
    "score_method_leader": ("So với đơn vị dẫn đầu khối", "Relative to the bloc leader"),
    "score_method_rank": ("Theo thứ hạng trong khối", "By rank in the bloc"),
    # inputs of one unit on one criterion
    "score_in_actual": ("Thực hiện {value}", "Actual {value}"),
    "score_in_plan": ("; kế hoạch {value}", "; plan {value}"),
    "score_in_goalposts": ("; mốc thấp {worst}, mốc cao {best}", "; worst {worst}, best {best}"),
    "score_in_leader": ("; dẫn đầu khối: {name} {value}", "; bloc leader: {name} {value}"),
    "score_in_rank": ("; hạng {rank} trong khối", "; rank {rank} in the bloc"),
    "score_in_no_actual": ("Không có số liệu thực hiện", "No actual figure"),
    # formulas of one unit on one criterion
    "score_f_ratio_up": ("TH / KH", "actual / plan"),
    "score_f_ratio_down": ("KH / TH (chỉ tiêu càng thấp càng tốt)", "plan / actual (lower is better)"),
    "score_f_plan_ratio": ("Tỷ lệ đạt KH = {kind} × 100 = {ratio} × 100 = {achievement}; "
                           "điểm = min(tỷ lệ; {cap}) / {cap} × {max} = {points}",
                           "Achievement = {kind} × 100 = {ratio} × 100 = {achievement}; "
                           "points = min(achievement, {cap}) / {cap} × {max} = {points}"),
    "score_f_goalposts": ("điểm = {max} × (TH − mốc thấp) / (mốc cao − mốc thấp) = {max} × ({actual} − {worst}) / "
                          "({best} − {worst}), giới hạn trong 0 – {max} = {points}",
                          "points = {max} × (actual − worst) / (best − worst) = {max} × ({actual} − {worst}) / "
                          "({best} − {worst}), limited to 0 – {max} = {points}"),
    "score_f_leader_up": ("điểm = {max} × TH / TH dẫn đầu = {max} × {actual} / {best} = {points}",
                          "points = {max} × actual / leader's actual = {max} × {actual} / {best} = {points}"),
    "score_f_leader_down": ("điểm = {max} × TH dẫn đầu / TH (chỉ tiêu càng thấp càng tốt) = {max} × {best} / "
                            "{actual} = {points}",
                            "points = {max} × leader's actual / actual (lower is better) = {max} × {best} / "
                            "{actual} = {points}"),
    "score_f_rank": ("điểm = {max} × (số đơn vị − hạng) / (số đơn vị − 1) = {max} × ({n} − {rank}) / ({n} − 1) "
                     "= {points}",
                     "points = {max} × (units − rank) / (units − 1) = {max} × ({n} − {rank}) / ({n} − 1) = {points}"),
    "score_f_rank_alone": ("đơn vị duy nhất có số liệu: {max}", "the only unit with a figure: {max}"),
    "score_f_not_scored": ("Không chấm: {reason}", "Not scored: {reason}"),
    # why a figure is not scored (kpi.scoring.inputs codes)
    "score_missing_no_figure": ("không có số liệu trong bản dữ liệu", "no figure in the snapshot"),
    "score_missing_not_comparable": ("không so sánh được (đơn vị không tồn tại ở địa giới của kỳ này)",
                                     "not comparable (the unit does not exist within this period's boundaries)"),
    "score_missing_no_actual": ("thiếu số liệu thực hiện", "no actual figure"),
    "score_missing_incomplete": ("số liệu tổng hợp chưa đủ", "incomplete aggregate"),
    "score_missing_no_plan": ("thiếu kế hoạch", "no plan"),
    "score_missing_not_finite": ("số liệu hoặc kế hoạch không phải số hữu hạn", "the figure or plan is not finite"),
    "score_missing_no_baseline": ("thiếu số cùng kỳ năm trước để tính mức giảm/tăng của kế hoạch",
                                  "no figure for last year to measure the targeted change"),
    "score_in_target": ("; kế hoạch {target}", "; target {target}"),
    "score_in_change": ("Thực hiện {figure} (cùng kỳ {baseline}): {change} {unit}",
                        "Actual {figure} (last year {baseline}): {change} {unit}"),
    "score_missing_not_scored": ("không tính được điểm", "points cannot be computed"),
    # units missing a figure ([scorecard] incomplete = "after"): the page, the workbook, the command line
    "score_rank_after": ("{rank} (xếp sau: thiếu số liệu)", "{rank} (after: missing figures)"),
    "score_incomplete_rule_after": ("Đơn vị thiếu số liệu được xếp sau mọi đơn vị đủ số liệu và chưa đề xuất "
                                    "danh hiệu (quy tắc của bảng điểm: incomplete = \"after\").",
                                    "Units missing a figure are ranked after every complete unit, with no award "
                                    "proposed (the scorecard's rule: incomplete = \"after\")."),
    "rank_apart": ("Đơn vị chưa xếp hạng (thiếu số liệu, liệt kê riêng)", "Units not ranked (missing figures, listed apart)"),
    "score_rank_apart": ("Không xếp hạng (thiếu số liệu)", "Not ranked (missing figures)"),
    "score_incomplete_rule_apart": ("Đơn vị thiếu số liệu không được xếp hạng, được liệt kê riêng sau các đơn vị "
                                    "đủ số liệu và chưa đề xuất danh hiệu (quy tắc của bảng điểm: incomplete = "
                                    "\"apart\").",
                                    "Units missing a figure are not ranked: they are listed apart after the "
                                    "complete units, with no award proposed (the scorecard's rule: incomplete = "
                                    "\"apart\")."),
    "score_lead_none": ("Không đơn vị nào đủ số liệu để xếp hạng, nên không phân tích độ vững của kết quả.",
                        "No unit has every figure, so none is ranked and there is no robustness analysis."),
    # the scorecard chooser of the ranking page (one malformed file never hides the others)
    "score_invalid_listed": ("Tệp bảng điểm không hợp lệ: {names} (chọn tệp để xem lỗi); các bảng điểm khác vẫn "
                             "dùng được.",
                             "Scorecard files that are not valid: {names} (choose one to see why); the other "
                             "scorecards still work."),
    "score_invalid_chosen": ("Bảng điểm {name} không dùng được. Các bảng điểm khác không bị ảnh hưởng: chọn bảng "
                             "điểm khác ở trên.",
                             "The scorecard {name} cannot be used. The other scorecards are not affected: choose "
                             "another one above."),
    # bonus and penalty items
    "score_bonus": ("Điểm thưởng", "Bonus"),
    "score_penalty": ("Điểm trừ", "Penalty"),
    # robustness of the leader (kpi.scoring.sensitivity.leader_sentence)
    "score_and": (" và ", " and "),
    "score_lead_share": ("{name} đứng đầu {share}", "{name} first in {share}"),
    "score_lead_tied": ("{names} đồng hạng nhất theo bảng điểm; trong {draws} phương án trọng số và cách tính khác, "
                        "{shares} số phương án: hội đồng cần xem xét thêm để phân định.",
                        "{names} tie for first place on the scorecard; across {draws} other weightings and scoring "
                        "methods, {shares} of the draws: the committee needs to look further to decide."),
    "score_lead_head": ("{name} đứng đầu trong {share} của {draws} phương án trọng số và cách tính điểm được "
                        "thử{rival}",
                        "{name} is first in {share} of {draws} weightings and scoring methods tried{rival}"),
    "score_lead_rival": ("; {name} đứng đầu trong {share} số phương án", "; {name} is first in {share} of them"),
    "score_lead_robust": ("{head}: vị trí dẫn đầu là vững chắc.", "{head}: the lead is robust."),
    "score_lead_fair": ("{head}: vị trí dẫn đầu tương đối vững nhưng phụ thuộc một phần vào trọng số và cách tính "
                        "điểm.",
                        "{head}: the lead is fairly robust but depends in part on the weights and scoring methods."),
    "score_lead_shaky": ("{head}: vị trí dẫn đầu không vững, thay đổi khi trọng số hoặc cách tính điểm thay đổi.",
                         "{head}: the lead is not robust; it changes when the weights or scoring methods change."),
    # scorecards that cannot be used (kpi.scoring.scorecard.ScorecardError)
    "score_source_default": ("bảng điểm", "scorecard"),
    "score_source_new_version": ("phiên bản mới", "new version"),
    "score_invalid_title": ("(bảng điểm không hợp lệ)", "(invalid scorecard)"),
    "score_where_head": ("{source}, [scorecard]", "{source}, [scorecard]"),
    "score_where_criteria": ("{source}, [[criteria]] số {number}", "{source}, [[criteria]] no. {number}"),
    "score_where_criterion": ("{where} ('{id}')", "{where} ('{id}')"),
    "score_where_adjustments": ("{source}, [[adjustments]] số {number}", "{source}, [[adjustments]] no. {number}"),
    "score_where_tiers": ("{source}, [[tiers]] số {number}", "{source}, [[tiers]] no. {number}"),
    "score_type_str": ("chuỗi", "a string"),
    "score_type_float": ("số", "a number"),
    "score_type_list": ("danh sách", "a list"),
    "score_type_int": ("số nguyên", "an integer"),
    "score_type_table": ("bảng", "a table"),
    "score_where_new_adjustment": ("{source}, điểm cộng/trừ mới", "{source}, new bonus or penalty"),
    "score_err_read": ("{path}: không đọc được tệp ({error})", "{path}: the file cannot be read ({error})"),
    "score_err_save": ("Không ghi được phiên bản mới vào {folder} ({error}); không có tệp nào được ghi.",
                       "The new version cannot be written to {folder} ({error}); no file was written."),
    "score_err_not_finite": ("{where}: trường '{field}' phải là một số hữu hạn, đang là {value}",
                             "{where}: the field '{field}' must be a finite number, not {value}"),
    "score_err_table_list": ("{source}: '{table}' phải là danh sách các bảng [[{table}]]",
                             "{source}: '{table}' must be an array of tables [[{table}]]"),
    "score_err_version": ("{where}: 'version' phải là số nguyên từ 1 đến {max}, đang là {value}",
                          "{where}: 'version' must be a whole number from 1 to {max}, not {value}"),
    "score_err_incomplete_rule": ("{where}: 'incomplete' không hợp lệ: {value} (chọn một trong: {rules})",
                                  "{where}: 'incomplete' is not valid: {value} (choose one of: {rules})"),
    "score_err_sheet_points": ("{source}: tổng điểm tối đa của các tiêu chí là {total}, vượt quá {max}",
                               "{source}: the criteria's maximum points add up to {total}, more than {max}"),
    "score_err_max_bonus": ("{where}: 'max_bonus' phải từ 0 đến tổng điểm của bảng ({sheet}), đang là {value}",
                            "{where}: 'max_bonus' must be from 0 to the sheet's total ({sheet}), not {value}"),
    "score_err_adjust_points": ("{where}: 'points' phải trong khoảng −{sheet} đến {sheet} (tổng điểm của bảng), "
                                "đang là {value}",
                                "{where}: 'points' must be within −{sheet} to {sheet} (the sheet's total), "
                                "not {value}"),
    "score_err_tier_name": ("{where}: tên mức danh hiệu ('name') không được để trống",
                            "{where}: the award tier's 'name' must not be empty"),
    "score_err_version_sha": ("Phiên bản bảng điểm {name} trong sổ bản dữ liệu không khớp mã SHA-256 đã lưu; "
                              "không dùng phiên bản này",
                              "The scorecard version {name} in the catalogue does not match its stored SHA-256; "
                              "it is not used"),
    "score_err_no_file": ("Không tìm thấy tệp bảng điểm {path}", "Scorecard file {path} not found"),
    "score_err_toml": ("{path}: không đọc được TOML ({error})", "{path}: the TOML cannot be read ({error})"),
    "score_err_missing_field": ("{where}: thiếu trường '{field}'", "{where}: the field '{field}' is missing"),
    "score_err_field_type": ("{where}: trường '{field}' phải là {expected}, đang là {value}",
                             "{where}: the field '{field}' must be {expected}, not {value}"),
    "score_err_no_head": ("{source}: thiếu bảng [scorecard]", "{source}: the [scorecard] table is missing"),
    "score_err_period": ("{where}: {detail}",
                         "{where}: invalid period '{period}' (write e.g. 2020 or 2023-M06, a year from 1945 to 2100)"),
    "score_err_units": ("{where}: 'units' phải liệt kê ít nhất 2 đơn vị (mã hoặc tên)",
                        "{where}: 'units' must list at least 2 units (keys or names)"),
    "score_err_no_criteria": ("{source}: cần ít nhất một tiêu chí [[criteria]]",
                              "{source}: at least one criterion [[criteria]] is needed"),
    "score_err_duplicate_ids": ("{source}: mã tiêu chí bị trùng: {ids}", "{source}: duplicate criterion ids: {ids}"),
    "score_err_no_reason": ("{where}: điểm cộng/trừ phải có lý do ('reason')",
                            "{where}: a bonus or penalty needs a reason ('reason')"),
    "score_err_method": ("{where}: phương pháp '{method}' không hợp lệ (chọn một trong: {methods})",
                         "{where}: the method '{method}' is not valid (choose one of: {methods})"),
    "score_err_points": ("{where}: 'points' phải lớn hơn 0", "{where}: 'points' must be greater than 0"),
    "score_err_indicator_choice": ("{where}: cần đúng một trong hai trường 'indicator' hoặc 'indicator_by_unit'",
                                   "{where}: exactly one of the fields 'indicator' or 'indicator_by_unit' is needed"),
    "score_err_by_unit_table": ("{where}: 'indicator_by_unit' phải là bảng đơn vị = mã chỉ tiêu",
                                "{where}: 'indicator_by_unit' must be a table of unit = indicator code"),
    "score_err_by_unit_method": ("{where}: chỉ tiêu khác nhau theo đơn vị chỉ so sánh được bằng tỷ lệ đạt kế hoạch "
                                 "(method = \"{method}\")",
                                 "{where}: different indicators per unit compare only by achievement of plan "
                                 "(method = \"{method}\")"),
    "score_err_indicator_code": ("{where}: 'indicator' phải là mã chỉ tiêu",
                                 "{where}: 'indicator' must be an indicator code"),
    "score_err_cap": ("{where}: 'cap_pct' phải lớn hơn 0 và không quá {max}, đang là {value}",
                      "{where}: 'cap_pct' must be greater than 0 and at most {max}, not {value}"),
    "score_err_goalposts": ("{where}: phương pháp goalposts cần hai mốc 'worst' và 'best' khác nhau",
                            "{where}: the goalposts method needs two different values 'worst' and 'best'"),
    "score_err_unit": ("{name}: {detail}",
                       "{name}: the unit '{unit}' is not recognised for period {period} (an unknown name, or a "
                       "province merged or not yet created at that date)"),
    "score_err_unit_twice": ("{name}: một đơn vị được liệt kê hai lần trong 'units'",
                             "{name}: a unit is listed twice in 'units'"),
    "score_err_adjust_unit": ("{name}: điểm cộng/trừ cho '{unit}', đơn vị không thuộc khối",
                              "{name}: a bonus or penalty for '{unit}', a unit outside the bloc"),
    "score_err_by_unit_lacking": ("{name}: tiêu chí '{id}' chưa chỉ định chỉ tiêu cho {units}",
                                  "{name}: the criterion '{id}' names no indicator for {units}"),
    "score_err_unknown_indicator": ("{name}: chỉ tiêu '{code}' không có trong danh mục",
                                    "{name}: the indicator '{code}' is not in the catalogue"),
    "score_err_context_indicator": ("{name}: chỉ tiêu '{code}' chỉ để tham khảo (không có chiều tốt/xấu), "
                                    "không dùng để chấm điểm",
                                    "{name}: the indicator '{code}' is for context only (no better direction) and "
                                    "cannot be scored"),
    # award decisions (kpi.scoring.decisions): locking, finding, reproducing
    "dec_err_no_snapshot": ("Không có bản dữ liệu '{id}'", "There is no snapshot '{id}'"),
    "dec_err_no_figures": ("Bản dữ liệu {id} không có số liệu kỳ {period} cho các đơn vị của bảng điểm: không chốt "
                           "được kết quả",
                           "The snapshot {id} has no figures for {period} for the scorecard's units: nothing to lock"),
    "dec_err_not_approved": ("Chỉ chốt kết quả trên bản dữ liệu đã duyệt; bản dữ liệu {id} đang ở trạng thái: {state}",
                             "A decision is locked on an approved snapshot only; the snapshot {id} is: {state}"),
    "dec_state_unknown": ("chưa có trong sổ bản dữ liệu", "not in the snapshot catalogue"),
    "dec_state_pending": ("chờ duyệt", "pending"),
    "dec_state_rejected": ("bị từ chối", "rejected"),
    "dec_err_not_found": ("Không có quyết định chốt kết quả '{id}'", "There is no locked decision '{id}'"),
    "dec_err_sha": ("Quyết định {id}: nội dung bảng điểm đã lưu không khớp SHA-256 đã ghi",
                    "Decision {id}: the stored scorecard text does not match its recorded SHA-256"),
    # the ranking page: lock a decision, the locked decisions and their documents
    "rank_lock": ("Chốt kết quả", "Lock the result"),
    "rank_lock_help": ("Chốt kết quả lưu lại bảng điểm (nội dung và mã SHA-256), bản dữ liệu đã duyệt {id}, bảng "
                       "xếp hạng và kết quả phân tích độ vững, người chốt và thời điểm; kết quả đã chốt không sửa "
                       "được và tính lại đúng như cũ về sau.",
                       "Locking stores the scorecard (its text and SHA-256), the approved snapshot {id}, the ranking "
                       "and the robustness result, who locked it and when; a locked result cannot be changed and "
                       "recomputes exactly later."),
    "rank_lock_button": ("Chốt kết quả xếp hạng", "Lock the ranking"),
    "rank_locked": ("Đã chốt kết quả {id}.", "Locked as {id}."),
    "rank_lock_not_approved": ("Bản dữ liệu đang xem ({id}) chưa được duyệt: chỉ chốt kết quả trên bản dữ liệu đã "
                               "duyệt.",
                               "The snapshot shown ({id}) is not approved: a result is locked on an approved "
                               "snapshot only."),
    "rank_committee_only": ("Chỉ thành viên Hội đồng thi đua được sửa bảng điểm và chốt kết quả.",
                            "Only the award committee edits scorecards and locks results."),
    "rank_decisions": ("Kết quả đã chốt", "Locked results"),
    "rank_decisions_none": ("Chưa có kết quả nào được chốt.", "No result has been locked yet."),
    "rank_decision_choose": ("Xem kết quả đã chốt", "View a locked result"),
    "rank_decision_stored": ("Kết quả lưu lúc chốt (không tính lại từ dữ liệu hiện tại)",
                             "The result as stored when locked (not recomputed from current data)"),
    "rank_decision_caption": ("Kết quả {id}: chốt lúc {when} bởi {who}; bảng điểm {scorecard}, phiên bản {version}, "
                              "SHA-256 {sha}; bản dữ liệu {snapshot}.",
                              "Result {id}: locked at {when} by {who}; scorecard {scorecard}, version {version}, "
                              "SHA-256 {sha}; snapshot {snapshot}."),
    "rank_download_totrinh": ("Tải Tờ trình đề nghị khen thưởng (Word)", "Download the award proposal (Word)"),
    "rank_download_bienban": ("Tải Biên bản họp xét thi đua (Word)", "Download the committee minutes (Word)"),
    "dec_col_id": ("Mã kết quả", "Result id"),
    "dec_col_locked_at": ("Thời điểm chốt", "Locked at"),
    "dec_col_locked_by": ("Người chốt", "Locked by"),
    "dec_col_title": ("Bảng điểm", "Scorecard"),
    "dec_col_scorecard": ("Tệp", "File"),
    "dec_col_version": ("Phiên bản", "Version"),
    "dec_col_snapshot": ("Bản dữ liệu", "Snapshot"),
}
