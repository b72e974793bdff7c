"""The download buttons of a page (Excel, PDF): each file built only when clicked, and audited."""
from __future__ import annotations

import streamlit as st

from kpi.access import audit
from kpi.reports import page_pdf
from kpi.reports.pdf import PDF_MIME, build_pdf
from kpi.reports.spreadsheet import XLSX_MIME, table_to_xlsx_bytes
from kpi.text.i18n import t
from pages._sidebar import Context, context


def audited_export(build, file_name: str, ctx: Context | None = None):
    """What a download button calls for its file: builds it and writes the export to the audit log."""
    ctx = ctx or context()
    page = st.session_state.get("_page_url", "")
    snapshot_ids = [ctx.snapshot.id] if ctx.snapshot is not None else []

    def built() -> bytes:
        data = build()
        audit.record("export", ctx.user, what=f"{file_name} ({page or '/'})", ids=snapshot_ids)
        return data
    return built


def xlsx_download(sheet, sheet_name: str, title: str, file_name: str, lang: str) -> None:
    """The "Tải bảng (Excel)" button under a table; the file is built only when clicked (and audited)."""
    # `sheet` is a table, or what builds it: built only when the button is clicked, not on every rerun
    build = lambda: table_to_xlsx_bytes(sheet() if callable(sheet) else sheet, sheet_name, title)
    st.download_button(t("download_xlsx", lang), audited_export(build, file_name), file_name=file_name,
                       mime=XLSX_MIME, on_click="ignore", icon=":material/download:")


def pdf_info(ctx: Context, title: str, extra: list[tuple[str, str]] | None = None) -> page_pdf.PageInfo:
    """What a page's PDF names at the top: the sidebar's filters, the page's own (`extra`), the snapshot."""
    return page_pdf.page_info(ctx.lang, title, ctx.snapshot, ctx.units, ctx.unit, ctx.period, ctx.geography, extra)


def pdf_download(build, file_name: str, title: str, extra: list[tuple[str, str]] | None = None) -> None:
    """The "Tải PDF" button of a page: `build(info)` returns its kpi.reports.pdf.PageDocument (see
    kpi.reports.page_pdf); the file is built only when clicked, and audited. Beside it, that the PDF is
    how to print every row (the browser prints only the rows a table shows on screen)."""
    ctx = context()
    info = pdf_info(ctx, title, extra)
    st.download_button(t("pdf_download", ctx.lang), audited_export(lambda: build_pdf(build(info)), file_name, ctx),
                       file_name=file_name, mime=PDF_MIME, on_click="ignore", icon=":material/picture_as_pdf:",
                       help=t("pdf_download_help", ctx.lang), key="pdf_download")
    st.caption(t("pdf_print_caption", ctx.lang))
