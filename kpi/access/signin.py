"""Who is signed in (DESIGN section 10): an OIDC provider's claims, or local mode, as a kpi.access.users.User.

No Streamlit here: dashboard.py passes st.user's claims (the id_token's) and the [auth] section of
the secrets in. Roles come from the provider's `roles` claim, else its `groups` claim, else the
catalogue's grants by e-mail address (kpi.access.roles.signed_in_user), which the roles file
(data/roles.toml, or $KPI_ROLES_FILE; example: data/roles.example.toml) seeds. An entry is a role
name (`editor`: every unit) or a role scoped to a unit and what lies under it (`editor:VN34-15`,
several entries add up); a group may carry a `kpi-`/`kpi_` prefix or a path (`/kpi/editor`).
Anything else in the claim is ignored. A user whose provider says the e-mail address is not
verified gets nothing from the catalogue (nor the roles file).

Without an [auth] section the app runs in local mode: one local user with every role, served on
127.0.0.1 only (scripts/serve.py) - `bind_address` decides the address or refuses.
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kpi.access.users import LOCAL_USER, ROLES, User
from kpi.paths import REPO_DIR, data_dir

ROLES_FILE_NAME = "roles.toml"
EXAMPLE_ROLES_FILE = REPO_DIR / "data" / "roles.example.toml"
LOOPBACK = "127.0.0.1"
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
# what st.login needs from [auth] (Streamlit's docs of st.login): shared keys, then a provider's
SHARED_AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_AUTH_KEYS = ("client_id", "client_secret", "server_metadata_url")
_GROUP_PREFIXES = ("kpi-", "kpi_", "kpi:")


class RolesFileError(ValueError):
    """The roles file cannot be read; the message names the file and the entry."""


class AuthConfigError(ValueError):
    """An [auth] section that st.login cannot use; the message names what is missing."""


@dataclass(frozen=True)
class Grant:
    """Roles and unit scopes for one person, from a claim or the roles file."""
    roles: frozenset[str]
    scopes: tuple[tuple[str, frozenset[str]], ...] = ()


NO_GRANT = Grant(frozenset())


# ---- roles from a claim ---------------------------------------------------------------------------

def _entries(value) -> list[str]:
    """A claim's entries: a list, or one string of names separated by commas or spaces."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return [str(v).strip() for v in value if isinstance(v, str) and v.strip()]
    return []


def _role_and_unit(entry: str, group: bool) -> tuple[str, str | None] | None:
    """`editor` -> ('editor', None); `editor:VN34-15` -> ('editor', 'VN34-15'); None when not a role."""
    text = entry.strip()
    if group:
        text = text.rstrip("/").rsplit("/", 1)[-1]
        lowered = text.lower()
        for prefix in _GROUP_PREFIXES:
            if lowered.startswith(prefix):
                text = text[len(prefix):]
                break
    role, _, unit = text.partition(":")
    role = role.strip().lower()
    if role not in ROLES:
        return None
    return role, (unit.strip() or None)


def grant_from_entries(entries: Iterable[str], group: bool = False) -> Grant:
    """Roles (and scopes) from claim entries; a role given once without a unit reaches every unit."""
    everywhere: set[str] = set()
    scoped: dict[str, set[str]] = {}
    for entry in entries:
        parsed = _role_and_unit(entry, group)
        if parsed is None:
            continue
        role, unit = parsed
        if unit is None:
            everywhere.add(role)
        else:
            scoped.setdefault(role, set()).add(unit)
    roles = frozenset(everywhere | set(scoped))
    scopes = tuple(sorted((role, frozenset(units)) for role, units in scoped.items() if role not in everywhere))
    return Grant(roles, scopes)


def grant_from_claims(claims: Mapping) -> Grant | None:
    """The grant the provider's claims carry (`roles`, else `groups`), or None when they carry none."""
    for name, group in (("roles", False), ("groups", True)):
        if name in claims:
            grant = grant_from_entries(_entries(claims.get(name)), group=group)
            if grant.roles:
                return grant
    return None


# ---- the roles file ---------------------------------------------------------------------------------

def roles_file_path(data_folder: str | os.PathLike | None = None) -> Path:
    """$KPI_ROLES_FILE, else roles.toml in the data folder."""
    env = os.environ.get("KPI_ROLES_FILE")
    return Path(env) if env else data_dir(data_folder) / ROLES_FILE_NAME


def read_roles_file(path: str | os.PathLike) -> dict[str, Grant]:
    """E-mail address (lower case) -> Grant, from a roles file; {} when the file does not exist.

    [users."chuyenvien.laocai@example.vn"]
    roles = ["editor", "viewer"]
    units = { editor = ["VN34-15"] }        # optional: the editor role reaches Lào Cai and its communes
    """
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RolesFileError(f"{path}: {exc}") from exc
    users = data.get("users", {})
    if not isinstance(users, dict):
        raise RolesFileError(f"{path}: [users] must be a table of e-mail addresses")
    out: dict[str, Grant] = {}
    for email, entry in users.items():
        where = f'{path}: users."{email}"'
        if not isinstance(entry, dict):
            raise RolesFileError(f"{where} must be a table with roles = [...]")
        roles = entry.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise RolesFileError(f"{where}: roles must be a list of role names")
        unknown = sorted({r for r in roles if r not in ROLES})
        if unknown:
            raise RolesFileError(f"{where}: unknown role {', '.join(unknown)} (roles: {', '.join(ROLES)})")
        units = entry.get("units", {})
        if not isinstance(units, dict):
            raise RolesFileError(f"{where}: units must be a table role = [unit keys]")
        scopes = []
        for role, keys in units.items():
            if role not in roles:
                raise RolesFileError(f"{where}: units names the role {role}, which roles does not list")
            if not isinstance(keys, list) or not keys or not all(isinstance(k, str) and k for k in keys):
                raise RolesFileError(f"{where}: units.{role} must be a non-empty list of unit keys")
            scopes.append((role, frozenset(keys)))
        out[email.strip().lower()] = Grant(frozenset(roles), tuple(sorted(scopes)))
    return out


# ---- the user ---------------------------------------------------------------------------------------

def claimed_email(claims: Mapping) -> str:
    value = claims.get("email") or ""
    return value.strip() if isinstance(value, str) else ""


def user_from_claims(claims: Mapping, roles_file: Mapping[str, Grant] | None = None) -> User | None:
    """The signed-in user of st.user's claims, or None when nobody is signed in. `roles_file`: grants
    by e-mail address (lower case) for a user whose claims carry no role (the catalogue's, or a file's).

    A user the provider and those grants give no role keeps an empty set of roles: signed in,
    allowed nothing (the app says so)."""
    if not claims or claims.get("is_logged_in") is not True or not (claims.get("sub") or claimed_email(claims)):
        return None
    email = claimed_email(claims)
    grant = grant_from_claims(claims)
    if grant is None:
        verified = claims.get("email_verified", True) is not False
        grant = (roles_file or {}).get(email.lower(), NO_GRANT) if email and verified else NO_GRANT
    name = claims.get("name") or claims.get("preferred_username") or email or str(claims.get("sub"))
    return User(id=email or str(claims["sub"]), name=str(name), email=email, roles=grant.roles,
                scopes=grant.scopes, local=False)


def local_mode_user() -> User:
    """The one user of local mode (no [auth] configured): every role, every unit."""
    return LOCAL_USER


# ---- [auth] and the address served -------------------------------------------------------------------

def auth_problems(section: Mapping | None) -> list[str]:
    """What st.login would miss in an [auth] section ([] when usable; None/{} is local mode, not a problem)."""
    if not section:
        return []
    missing = [key for key in SHARED_AUTH_KEYS if not section.get(key)]
    providers = [v for v in section.values() if isinstance(v, Mapping) and "client_id" in v]
    candidates = providers or [section]
    if not any(all(p.get(key) for key in PROVIDER_AUTH_KEYS) for p in candidates):
        missing += [key for key in PROVIDER_AUTH_KEYS if not candidates[0].get(key)]
    redirect = str(section.get("redirect_uri") or "")
    if redirect and not redirect.rstrip("/").endswith("/oauth2callback"):
        missing.append("redirect_uri …/oauth2callback")
    return missing


def read_auth_section(paths: Iterable[str | os.PathLike]) -> dict:
    """The [auth] section of the secrets files (later files win, as in Streamlit); {} when none has one."""
    section: dict = {}
    for path in paths:
        path = Path(path).expanduser()
        if path.is_file():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise AuthConfigError(f"{path}: {exc}") from exc
            if isinstance(data.get("auth"), dict):
                section.update(data["auth"])
    return section


def default_secrets_files(cwd: str | os.PathLike) -> list[Path]:
    """Where Streamlit looks for secrets.toml when --secrets.files is not given."""
    return [Path("~/.streamlit/secrets.toml").expanduser(), Path(cwd) / ".streamlit" / "secrets.toml"]


def bind_address(auth_section: Mapping | None, requested: str | None) -> str | None:
    """The address to serve on: with [auth] the one requested (None: Streamlit's default);
    in local mode 127.0.0.1, and a request for any other address is refused (AuthConfigError)."""
    problems = auth_problems(auth_section)
    if problems:
        raise AuthConfigError("[auth] thiếu / is missing: " + ", ".join(problems))
    if auth_section:
        return requested
    if requested is None or requested == "":
        return LOOPBACK
    if requested in LOOPBACK_NAMES or requested.startswith("127."):
        return requested
    raise AuthConfigError(
        f"Chế độ cục bộ (chưa cấu hình [auth] đăng nhập) chỉ phục vụ 127.0.0.1, không phục vụ {requested}. "
        f"/ Local mode (no [auth] sign-in configured) serves 127.0.0.1 only, not {requested}.")
