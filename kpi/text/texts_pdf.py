"""Texts of the PDF of a page: key -> (Vietnamese, English)."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "pdf_download": ("Tải PDF", "Download PDF"),
    "pdf_download_help": ("Bản PDF khổ A4 của trang này: bộ lọc, mọi dòng của mọi bảng, biểu đồ trọn vẹn, "
                          "số trang.", "An A4 PDF of this page: the filters, every row of every table, whole "
                          "charts, page numbers."),
    "pdf_print_caption": ("Để in đủ mọi dòng của bảng, dùng nút “Tải PDF”: lệnh In của trình duyệt chỉ in phần "
                          "bảng đang hiện trên màn hình.", "To print every row of the tables, use “Download PDF”: "
                          "the browser's Print prints only the part of a table shown on screen."),
    "pdf_page": ("Trang {n}/{total}", "Page {n}/{total}"),
    "pdf_language": ("Ngôn ngữ", "Language"),
    "pdf_language_name": ("Tiếng Việt", "English"),
    "pdf_snapshot": ("Bản dữ liệu: {id} (tạo lúc {created})", "Snapshot: {id} (created {created})"),
    "pdf_source": ("Nguồn số liệu: {sources}", "Source of the figures: {sources}"),
    "pdf_demo_notice": ("Dữ liệu minh họa: các số liệu do chương trình sinh ra để minh họa, không phải số liệu "
                        "báo cáo thật (trừ các số trích từ báo cáo đã công bố, có ghi nguồn).",
                        "Demo data: figures generated to illustrate, not real reported figures "
                        "(except those quoted from published reports, with their source)."),
    "pdf_demo_short": ("Dữ liệu minh họa", "Demo data"),
    "pdf_details": ("Kế hoạch, so với cùng kỳ", "Plan, change on last year"),
    "pdf_points": ("Tổng điểm", "Total points"),
    "pdf_length": ("Độ dài kỳ", "Length of period"),
    "pdf_scorecard": ("Bảng điểm thi đua", "Scorecard"),
    "pdf_map_tiles": ("Trong bản PDF, bản đồ được vẽ dạng ô lưới (mỗi tỉnh một ô, có ghi số liệu).",
                      "In the PDF the map is drawn as a tile grid (one tile per province, its figure written on it)."),
    "pdf_font_missing": ("Không tìm thấy phông chữ {file} (có đủ chữ tiếng Việt) để tạo PDF; đã tìm trong: {dirs}. "
                         "Cài gói Debian fonts-dejavu-core (bash scripts/setup.sh cài khi chạy quyền root) hoặc đặt "
                         "KPI_PDF_FONT_DIR là thư mục chứa tệp này.",
                         "The font {file} (with every Vietnamese letter) for the PDF was not found; looked in: {dirs}. "
                         "Install the Debian package fonts-dejavu-core (bash scripts/setup.sh installs it as root) or "
                         "set KPI_PDF_FONT_DIR to a folder holding the file."),
}
