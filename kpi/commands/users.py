"""`python -m kpi users`: users and roles in the catalogue (kpi.access.roles), for an admin."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from kpi.access import roles
from kpi.access.signin import RolesFileError
from kpi.access.users import ROLES, local_user
from kpi.commands.common import FORMATS, CliError, emit
from kpi.text import fmt
from kpi.text.i18n import t


def cmd_users(args) -> int:
    """Users and roles in the catalogue (kpi.access.roles): list, grant, revoke, import a roles file.
    The command line acts as its named local user (KPI_USER), who holds the admin role."""
    user = local_user()
    unit = getattr(args, "unit", None) or ""
    suffix = t("acc_users_unit_suffix", unit=unit) if unit else ""
    if args.action == "list":
        rows = [{"email": g.email, "role": g.role, "unit": g.unit, "granted_by": g.by_name or g.by_id, "at": g.at}
                for g in roles.current_grants(args.data_dir)]
        if not rows:
            print(t("acc_users_empty"), file=sys.stderr)
            return 0
        emit(pd.DataFrame(rows), args.format)
    elif args.action == "grant":
        roles.grant(user, args.email, args.role, unit, args.data_dir)
        print(t("acc_users_granted", role=t(f"acc_role_{args.role}"), email=args.email.strip().lower(), unit=suffix))
    elif args.action == "revoke":
        roles.revoke(user, args.email, args.role, unit, args.data_dir)
        print(t("acc_users_revoked", role=t(f"acc_role_{args.role}"), email=args.email.strip().lower(), unit=suffix))
    else:
        if not Path(args.file).is_file():
            raise CliError(f"Không có tệp phân quyền {args.file}")
        try:
            written = roles.import_file(user, args.file, args.data_dir)
        except RolesFileError as exc:
            raise CliError(str(exc)) from exc
        print(t("acc_users_imported", n=fmt.number(written, 0), file=args.file))
    return 0


def add_commands(sub) -> None:
    """The users subcommand and its actions' arguments."""
    p = sub.add_parser("users", help="users and roles in the catalogue (admin)")
    users = p.add_subparsers(dest="action", required=True)
    q = users.add_parser("list", help="the current grants")
    q.add_argument("--format", choices=FORMATS, default="table")
    for action, text in (("grant", "grant a role"), ("revoke", "revoke a role")):
        q = users.add_parser(action, help=text)
        q.add_argument("email")
        q.add_argument("role", choices=list(ROLES))
        q.add_argument("--unit", help="a unit key (VN34-15): the role reaches that unit and what lies under it")
    q = users.add_parser("import", help="grant what a roles file lists (data/roles.example.toml's format)")
    q.add_argument("file")
    p.set_defaults(func=cmd_users)
