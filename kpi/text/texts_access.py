"""Texts of sign-in, roles, local mode and the audit-log page: key -> (Vietnamese, English)."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # local mode (no [auth] configured) and sign-in
    "acc_local_banner": ("Chế độ cục bộ: chưa cấu hình đăng nhập ([auth]); ứng dụng chỉ phục vụ máy này (127.0.0.1) "
                         "và người dùng cục bộ có mọi quyền (xem, nhập liệu, duyệt, hội đồng thi đua, quản trị).",
                         "Local mode: no sign-in ([auth]) is configured; the app serves this machine only (127.0.0.1) "
                         "and the local user holds every role (view, import, approve, emulation committee, admin)."),
    "acc_local_remote": ("Chế độ cục bộ chỉ phục vụ máy chạy ứng dụng (127.0.0.1); kết nối từ {ip} bị từ chối. "
                         "Cấu hình đăng nhập ([auth] trong secrets.toml) để phục vụ người dùng khác.",
                         "Local mode serves only the machine the app runs on (127.0.0.1); the connection from {ip} is "
                         "refused. Configure sign-in ([auth] in secrets.toml) to serve other users."),
    "acc_signin_title": ("Đăng nhập", "Sign in"),
    "acc_signin_body": ("Bảng chỉ tiêu dành cho cán bộ được cấp quyền. Đăng nhập bằng tài khoản của cơ quan.",
                        "The dashboard is for authorised staff. Sign in with your organisation's account."),
    "acc_signin_button": ("Đăng nhập", "Sign in"),
    "acc_signout_button": ("Đăng xuất", "Sign out"),
    "acc_signed_in_as": ("Đăng nhập: **{name}** ({email})", "Signed in: **{name}** ({email})"),
    "acc_roles": ("Quyền: {roles}", "Roles: {roles}"),
    "acc_role_viewer": ("xem", "view"),
    "acc_role_editor": ("nhập liệu", "import"),
    "acc_role_approver": ("duyệt số liệu", "approve"),
    "acc_role_committee": ("hội đồng thi đua", "emulation committee"),
    "acc_role_admin": ("quản trị", "admin"),
    "acc_role_scoped": ("{role} ({units})", "{role} ({units})"),
    "acc_no_roles": ("Tài khoản {email} đã đăng nhập nhưng chưa được cấp quyền nào trên bảng chỉ tiêu. "
                     "Đề nghị quản trị viên cấp quyền (nhóm/quyền của nhà cung cấp đăng nhập, hoặc sổ phân quyền: "
                     "trang Nhật ký hệ thống, lệnh python -m kpi users grant).",
                     "The account {email} is signed in but holds no role on the dashboard. Ask an administrator for "
                     "one (the sign-in provider's roles or groups, or the roles in the catalogue: the Audit log page, "
                     "the command python -m kpi users grant)."),
    "acc_roles_file_error": ("Không đọc được quyền của người dùng: {error}", "The user's roles cannot be read: {error}"),
    "acc_auth_error": ("Cấu hình đăng nhập [auth] chưa dùng được: {error}", "The [auth] sign-in configuration cannot be used: {error}"),
    "acc_no_import_role": ("Nhập số liệu cần quyền nhập liệu; tài khoản này chỉ xem được lịch sử và khác biệt giữa các bản.",
                           "Importing needs the import role; this account can see the history and the differences only."),
    "acc_denied": ("Không được phép: {reason}", "Not allowed: {reason}"),
    # approval on the Dữ liệu page (approvers)
    "acc_pending_title": ("Bản dữ liệu chờ duyệt", "Snapshots waiting for approval"),
    "acc_pending_item": ("**{id}** — nhập bởi {who}, lúc {when}; ghi chú: {note}",
                         "**{id}** — imported by {who} at {when}; note: {note}"),
    "acc_comment": ("Ý kiến (bắt buộc khi từ chối)", "Comment (required to reject)"),
    "acc_approve": ("Duyệt", "Approve"),
    "acc_reject": ("Từ chối", "Reject"),
    "acc_decided": ("Đã ghi: bản {id} {state}.", "Recorded: snapshot {id} {state}."),
    "acc_review_heading": ("Khác biệt so với bản đã duyệt {id}", "Differences from the approved snapshot {id}"),
    "acc_review_no_approved": ("Chưa có bản đã duyệt để so sánh: đây là những số liệu đầu tiên.",
                               "No approved snapshot to compare with: these are the first figures."),
    "acc_review_unavailable": ("Không so sánh được: {reason}", "Cannot compare: {reason}"),
    # pending snapshots in the sidebar and on every page (editors and approvers)
    "acc_pending_label": ("chờ duyệt", "pending"),
    "acc_pending_banner": ("Có {n} bản dữ liệu chờ duyệt (mới nhất: {id}, do {who} nhập lúc {when}).",
                           "{n} snapshot(s) waiting for approval (newest: {id}, imported by {who} at {when})."),
    "acc_pending_link": ("Xem và duyệt trên trang Dữ liệu", "Review them on the Data page"),
    "acc_pending_viewing": ("Đang xem bản chờ duyệt {id} (do {who} nhập lúc {when}): số liệu chưa được duyệt, người "
                            "xem chưa thấy. Bản đã duyệt mới nhất: {newest}.",
                            "Viewing the pending snapshot {id} (imported by {who} at {when}): its figures are not "
                            "approved and viewers do not see them. Newest approved snapshot: {newest}."),
    "acc_show_approved": ("Xem bản đã duyệt mới nhất", "Show the newest approved snapshot"),
    "acc_pending_hidden": ("Bản dữ liệu {id} đang chờ duyệt: chỉ người nhập liệu và người duyệt xem được. Đang hiển "
                           "thị bản {shown}.",
                           "Snapshot {id} is waiting for approval: only editors and approvers may view it. Showing "
                           "snapshot {shown}."),
    "acc_snapshot_unavailable": ("Không xem được bản dữ liệu {id} (không có trong sổ bản dữ liệu, bị từ chối hoặc bị "
                                 "hỏng). Đang hiển thị bản {shown}.",
                                 "Snapshot {id} cannot be viewed (not in the catalogue, rejected or damaged). Showing "
                                 "snapshot {shown}."),
    # the audit-log page (admins)
    "page_audit": ("Nhật ký hệ thống", "Audit log"),
    "aud_caption": ("Mỗi dòng là một việc đã làm: đăng nhập, nhập số liệu, duyệt, từ chối, phiên bản bảng điểm, "
                    "quyết định khen thưởng, xuất tệp, đổi cấu hình, cấp và thu hồi quyền. Nhật ký chỉ ghi thêm; ứng "
                    "dụng không sửa hay xóa được.",
                    "One row per action: sign-in, import, approval, rejection, scorecard version, award decision, "
                    "export, settings change, role granted or revoked. The log is append-only; nothing in the app can "
                    "edit or delete it."),
    "aud_empty": ("Nhật ký chưa có dòng nào.", "The log holds no row yet."),
    "aud_unavailable": ("Chưa đọc được nhật ký: {error}", "The log cannot be read yet: {error}"),
    "aud_none_match": ("Không có dòng nào khớp bộ lọc.", "No row matches the filters."),
    "aud_all": ("Tất cả", "All"),
    "aud_filter_action": ("Việc", "Action"),
    "aud_filter_user": ("Người dùng", "User"),
    "aud_filter_from": ("Từ ngày", "From"),
    "aud_filter_to": ("Đến ngày", "To"),
    "aud_filter_text": ("Tìm trong nội dung, mã", "Search the details and ids"),
    "aud_count": ("{shown} / {total} dòng", "{shown} of {total} rows"),
    "aud_col_time": ("Thời điểm", "Time"),
    "aud_col_user": ("Người dùng", "User"),
    "aud_col_action": ("Việc", "Action"),
    "aud_col_what": ("Nội dung", "Details"),
    "aud_col_ids": ("Mã liên quan", "Ids"),
    "aud_download_xlsx": ("Tải nhật ký (Excel)", "Download the log (Excel)"),
    "aud_download_csv": ("Tải nhật ký (CSV)", "Download the log (CSV)"),
    "aud_sheet_title": ("Nhật ký hệ thống", "Audit log"),
    "aud_action_sign_in": ("Đăng nhập", "Sign-in"),
    "aud_action_import": ("Nhập số liệu", "Import"),
    "aud_action_approve": ("Duyệt", "Approval"),
    "aud_action_reject": ("Từ chối", "Rejection"),
    "aud_action_scorecard_version": ("Phiên bản bảng điểm", "Scorecard version"),
    "aud_action_decision": ("Quyết định khen thưởng", "Award decision"),
    "aud_action_export": ("Xuất tệp", "Export"),
    "aud_action_settings": ("Đổi cấu hình", "Settings change"),
    "aud_action_role_grant": ("Cấp quyền", "Role granted"),
    "aud_action_role_revoke": ("Thu hồi quyền", "Role revoked"),
    "aud_tab_log": ("Nhật ký", "Log"),
    "aud_tab_users": ("Người dùng và quyền", "Users and roles"),
    # users and roles in the catalogue (the audit-log page's second tab; python -m kpi users)
    "acc_users_caption": ("Quyền do nhà cung cấp đăng nhập ghi trong id_token (roles, groups) được ưu tiên; quyền "
                          "dưới đây áp dụng cho người có địa chỉ thư điện tử đã xác thực mà id_token không ghi quyền. "
                          "Mọi lần cấp, thu hồi được ghi vào nhật ký; sổ phân quyền chỉ ghi thêm.",
                          "Roles the sign-in provider writes in the id_token (roles, groups) come first; the roles "
                          "below apply to people with a verified e-mail address whose id_token names none. Every "
                          "grant and revocation is written to the log; the roles are append-only."),
    "acc_users_empty": ("Sổ phân quyền chưa có quyền nào.", "No role is granted in the catalogue yet."),
    "acc_users_count": ("{n} quyền của {people} người", "{n} role(s) of {people} people"),
    "acc_users_col_email": ("Thư điện tử", "E-mail"),
    "acc_users_col_role": ("Quyền", "Role"),
    "acc_users_col_unit": ("Đơn vị", "Unit"),
    "acc_users_col_by": ("Cấp bởi", "Granted by"),
    "acc_users_col_at": ("Thời điểm", "Time"),
    "acc_users_every_unit": ("mọi đơn vị", "every unit"),
    "acc_users_grant_title": ("Cấp quyền", "Grant a role"),
    "acc_users_email": ("Địa chỉ thư điện tử", "E-mail address"),
    "acc_users_role": ("Quyền", "Role"),
    "acc_users_unit": ("Mã đơn vị (bỏ trống: mọi đơn vị)", "Unit key (empty: every unit)"),
    "acc_users_grant_button": ("Cấp quyền", "Grant"),
    "acc_users_revoke_title": ("Thu hồi quyền", "Revoke a role"),
    "acc_users_revoke_choice": ("Quyền đang có", "Current role"),
    "acc_users_revoke_button": ("Thu hồi", "Revoke"),
    "acc_users_granted": ("Đã cấp quyền {role} cho {email}{unit}.", "Granted {role} to {email}{unit}."),
    "acc_users_revoked": ("Đã thu hồi quyền {role} của {email}{unit}.", "Revoked {role} from {email}{unit}."),
    "acc_users_refused": ("Không thực hiện được: {error}", "Not done: {error}"),
    "acc_users_unit_suffix": (" ({unit})", " ({unit})"),
    "acc_users_imported": ("Đã nhập {n} quyền mới từ tệp {file} (quyền đã có được giữ nguyên; không thu hồi quyền nào).",
                           "Imported {n} new role(s) from {file} (roles already held kept; none revoked)."),
}
