"""Texts of the Word report page (Báo cáo), letterheads and drafted assessments: key -> (Vietnamese, English).

The drafted sentences are in Vietnamese in the report (Decree 30/2020 documents are Vietnamese);
their English forms serve the English interface's preview only."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # who issues the report (kpi.reports.letterhead)
    "rep_basis_user": ("Cơ quan ban hành: {agency}, cơ quan của người dùng đăng nhập (cấu hình trong settings.toml).",
                       "Issued by {agency}, the signed-in user's agency (configured in settings.toml)."),
    "rep_basis_province": ("Cơ quan ban hành: {agency} của chính địa phương được báo cáo ({subject}).",
                           "Issued by {agency} of the unit reported on ({subject})."),
    "rep_basis_successor": ("Cơ quan ban hành: {agency} của tỉnh, thành phố nay quản lý địa bàn {subject}.",
                            "Issued by {agency} of the province that now holds the territory of {subject}."),
    "rep_basis_national": ("Cơ quan ban hành: {agency} (báo cáo chung của cả nước, một vùng hoặc nhiều tỉnh).",
                           "Issued by {agency} (a report on the country, a region or several provinces)."),
    # the provinces slide without a rank by count of own targets met (kpi.reports.deck)
    "rep_provinces_summary": ("{name}: {good}/{rated} chỉ tiêu đạt và vượt kế hoạch của tỉnh; mỗi tỉnh so với kế "
                              "hoạch của chính mình nên không xếp hạng theo số chỉ tiêu đạt.",
                              "{name}: {good}/{rated} indicators met or beat the province's own plan; provinces "
                              "are measured against their own plans, so they are not ranked on this count."),
    # section I sentences (kpi.reports.assessment)
    "rep_change_up": ("tăng {change} so với cùng kỳ", "up {change} on the same period last year"),
    "rep_change_down": ("giảm {change} so với cùng kỳ", "down {change} on the same period last year"),
    "rep_change_same": ("bằng cùng kỳ", "the same as a year earlier"),
    "rep_plan_share": ("bằng {pct} kế hoạch năm ({plan})", "{pct} of the annual plan ({plan})"),
    "rep_plan_rate": ("kế hoạch năm {plan}", "annual plan {plan}"),
    "rep_exceeded_by": ("vượt {over} kế hoạch năm ({plan})", "{over} above the annual plan ({plan})"),
    "rep_exceeded": ("vượt kế hoạch năm ({plan})", "beyond the annual plan ({plan})"),
    "rep_met": ("đạt kế hoạch năm ({plan})", "meeting the annual plan ({plan})"),
    "rep_below_share": ("bằng {pct} kế hoạch năm ({plan}), chưa đạt kế hoạch",
                        "{pct} of the annual plan ({plan}), short of the plan"),
    "rep_below": ("chưa đạt kế hoạch năm ({plan})", "short of the annual plan ({plan})"),
    "rep_not_comparable": ("{name}: chưa đủ số liệu thành phần để tổng hợp.", "{name}: not enough parts to add up."),
    "rep_missing": ("{name}: chưa có số liệu.", "{name}: no figure yet."),
    "rep_context_only": ("chỉ tiêu theo dõi", "monitored, not rated"),
    "rep_incomplete": ("chưa đủ số liệu các đơn vị thành phần", "not every part has reported"),
    "rep_rank": ("đứng thứ {rank}/{total} tỉnh, thành phố có số liệu về {name} ({basis})",
                 "{rank} of {total} provinces with a figure on {name} ({basis})"),
    "rep_rank_tied": ("đồng hạng {rank}/{total} tỉnh, thành phố có số liệu về {name} ({basis})",
                      "tied {rank} of {total} provinces with a figure on {name} ({basis})"),
    "rep_rank_low_first": ("thấp hơn xếp trước", "lower ranks first"),
    "rep_rank_high_first": ("cao hơn xếp trước", "higher ranks first"),
    "rep_pct_of_plan": ("{pct} kế hoạch", "{pct} of plan"),
    # section II: ưu điểm, hạn chế
    "rep_strength_done": ("{n}/{rated} chỉ tiêu có kế hoạch đã đạt và vượt kế hoạch năm: {names}.",
                          "{n} of {rated} indicators with a plan met or beat the annual plan: {names}."),
    "rep_strength_done_cumulative": ("{n}/{rated} chỉ tiêu có kế hoạch đã hoàn thành kế hoạch cả năm: {names}.",
                                     "{n} of {rated} indicators with a plan already reached the annual plan: {names}."),
    "rep_strength_on_track": ("{n} chỉ tiêu vượt hoặc đúng tiến độ để hoàn thành kế hoạch năm: {names}.",
                              "{n} indicators ahead of or on schedule for the annual plan: {names}."),
    "rep_strength_changes": ("Chuyển biến tích cực so với cùng kỳ: {names}.", "Better than a year earlier: {names}."),
    "rep_strength_none": ("Chưa có chỉ tiêu nào đạt kế hoạch hoặc đúng tiến độ trong kỳ.",
                          "No indicator met its plan or is on schedule in the period."),
    "rep_gap": ("còn thiếu {gap} so với kế hoạch năm", "{gap} short of the annual plan"),
    "rep_weak_below": ("{n} chỉ tiêu chưa đạt kế hoạch năm: {names}.", "{n} indicators short of the annual plan: {names}."),
    "rep_weak_behind": ("{n} chỉ tiêu chậm tiến độ so với kế hoạch năm: {names}.",
                        "{n} indicators behind schedule for the annual plan: {names}."),
    "rep_weak_changes": ("Giảm sút so với cùng kỳ: {names}.", "Worse than a year earlier: {names}."),
    "rep_weak_missing": ("{n} chỉ tiêu chưa có số liệu trong kỳ: {names}.", "{n} indicators without a figure: {names}."),
    "rep_weak_not_comparable": ("Chưa tổng hợp được do thiếu số liệu thành phần: {names}.",
                                "Not added up for want of parts: {names}."),
    "rep_weak_none": ("Các chỉ tiêu có kế hoạch đều đạt hoặc đúng tiến độ; không có chỉ tiêu giảm sút đáng kể so với "
                      "cùng kỳ.", "Every indicator with a plan met it or is on schedule; none is much worse than a "
                      "year earlier."),
    # section III: phương hướng, nhiệm vụ
    "rep_next_rest_of_year": ("Tập trung hoàn thành các chỉ tiêu kế hoạch năm {year} còn lại:",
                              "Complete the remaining targets of {year}:"),
    "rep_next_all_done": ("Các chỉ tiêu có kế hoạch năm {year} đều đã hoàn thành; tiếp tục duy trì kết quả đến cuối năm.",
                          "Every target of {year} is already reached; keep the results to the end of the year."),
    "rep_next_year": ("Thực hiện {n} chỉ tiêu kế hoạch năm {year} đã được giao:",
                      "Carry out the {n} targets set for {year}:"),
    "rep_next_no_plans": ("Chưa có kế hoạch năm {year} trong dữ liệu; các chỉ tiêu sẽ được xác định khi kế hoạch năm "
                          "{year} được giao.", "No plans for {year} in the data yet; the targets follow once the "
                          "{year} plan is set."),
    "rep_no_proposals": ("Không có kiến nghị.", "No proposals."),
    # the page (pages/report.py, kpi/screens/report.py)
    "rep_page_title": ("Báo cáo", "Report"),
    "rep_intro": ("Báo cáo theo Nghị định 30/2020/NĐ-CP của {subject}, {period}: các đoạn đánh giá dưới đây được soạn "
                  "sẵn từ số liệu; sửa, lưu rồi tải về bản Word.",
                  "A Decree 30/2020 report on {subject}, {period}: the assessments below are drafted from the "
                  "figures; edit, save, then download the Word file."),
    "rep_domain": ("Lĩnh vực báo cáo", "Domain of the report"),
    "rep_whole_sector": ("Toàn ngành", "Whole sector"),
    "rep_letterhead": ("Tiêu đề văn bản", "Letterhead"),
    "rep_title_line": ("BÁO CÁO Kết quả thực hiện các chỉ tiêu {period} của {subject}",
                       "REPORT Results of the indicators, {period}, {subject}"),
    "rep_results": ("I. Kết quả thực hiện (soạn từ số liệu, không sửa ở đây)",
                    "I. Results (drafted from the figures, not edited here)"),
    "rep_strengths": ("II.1. Ưu điểm", "II.1. Strengths"),
    "rep_weaknesses": ("II.2. Hạn chế, nguyên nhân", "II.2. Shortcomings and their causes"),
    "rep_directions": ("III. Phương hướng, nhiệm vụ", "III. Directions and tasks"),
    "rep_proposals": ("IV. Kiến nghị", "IV. Proposals"),
    "rep_lines_help": ("Mỗi dòng là một đoạn của báo cáo.", "Each line is one paragraph of the report."),
    "rep_save": ("Lưu nội dung", "Save the texts"),
    "rep_saved": ("Đã lưu phiên bản {version} của nội dung báo cáo.", "Saved version {version} of the report's texts."),
    "rep_kept": ("Nội dung đã lưu: phiên bản {version}, {author}, {at}.", "Saved texts: version {version}, {author}, {at}."),
    "rep_drafted": ("Nội dung soạn sẵn từ số liệu (chưa lưu).", "Drafted from the figures (not saved yet)."),
    "rep_redraft": ("Soạn lại từ số liệu", "Draft again from the figures"),
    "rep_viewer_only": ("Cần quyền Nhập liệu để lưu nội dung báo cáo; vẫn tải được bản Word.",
                        "Saving the texts needs the editor role; the Word file can still be downloaded."),
    "rep_download": ("Tải báo cáo Word", "Download the Word report"),
    "rep_vietnamese_only": ("Báo cáo theo Nghị định 30/2020/NĐ-CP lập bằng tiếng Việt.",
                            "The Decree 30/2020 report is written in Vietnamese."),
    "rep_save_refused": ("Không lưu được: {error}", "Not saved: {error}"),
}
