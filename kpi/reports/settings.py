"""Agency settings for the exports and the presentation mode (data/settings.toml).

The data folder may hold its own settings.toml (a deployment's agency); otherwise the repository's
data/settings.toml is used. It holds:

- `[agency]`, `[signatory]`, `[report]`: the deployment's own agency (its `province_unit` is the
  presentation mode's default unit); it is also the letterhead of that province's whole-sector
  reports, overriding the derived one;
- `[national]`: who issues a report on the whole country, a region or several provinces (by
  default Bộ Nội vụ);
- `[provinces]`: what every derived provincial letterhead starts from (signatory, recipients) and
  `sector_department`, the department that issues a whole-sector report (default `noi_vu`);
- `[agencies."UNIT"]` or `[agencies."UNIT:DEPARTMENT"]`: overrides of one province's (one
  department's) derived letterhead, any of the keys of AGENCY_KEYS;
- `[users."e-mail or user id"]` with `agency = "UNIT"` or `"UNIT:DEPARTMENT"`: the agency a
  signed-in user reports for.

Which agency issues a given report is decided once, in kpi.reports.letterhead.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kpi.paths import REPO_DIR
from kpi.paths import data_dir as resolve_data_dir

DEFAULT_SETTINGS = REPO_DIR / "data" / "settings.toml"
SECTOR_DEPARTMENT = "noi_vu"
# the keys an [agencies."..."] or [national] table may set, and the Settings field each one fills
AGENCY_KEYS = {"parent": "parent_agency", "name": "agency", "name_in_text": "agency_in_text",
               "abbreviation": "abbreviation", "place": "place", "signatory_authority": "signatory_authority",
               "signatory_title": "signatory_title", "signatory_name": "signatory_name", "recipients": "recipients"}


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    """One issuing agency as a letterhead names it (Decree 30/2020, Annex I)."""
    parent_agency: str          # cơ quan chủ quản, 'UBND TỈNH LÀO CAI'; '' for a ministry
    agency: str                 # cơ quan ban hành, 'SỞ NỘI VỤ'
    agency_in_text: str         # as a sentence writes it, 'Sở Nội vụ'
    abbreviation: str           # in the document symbol: Số: .../BC-SNV
    province_unit: str          # the unit the agency belongs to ('VN34-15'; 'VN' for a ministry)
    place: str                  # địa danh: 'Lào Cai, ngày ... tháng ... năm ...'
    signatory_authority: str = ""
    signatory_title: str = ""
    signatory_name: str = ""
    recipients: tuple[str, ...] = field(default_factory=tuple)
    path: str = ""
    department: str = ""        # data/catalogue/departments.csv code ('noi_vu'), '' when not a department


@dataclass(frozen=True)
class Agencies:
    """Everything settings.toml says about who issues reports (kpi.reports.letterhead reads it)."""
    home: Settings | None                          # [agency]: the deployment's own agency
    national: dict[str, object]                    # [national]: overrides of the ministry-level agency
    provinces: dict[str, object]                   # [provinces]: overrides of every derived provincial agency
    overrides: dict[str, dict[str, object]]        # [agencies."UNIT[:DEPARTMENT]"]
    users: dict[str, str]                          # user e-mail or id -> "UNIT[:DEPARTMENT]"
    sector_department: str = SECTOR_DEPARTMENT
    path: str = ""


def settings_path(data_dir: str | Path | None = None) -> Path:
    local = resolve_data_dir(data_dir) / "settings.toml"
    return local if local.is_file() else DEFAULT_SETTINGS


def _text(table: dict, key: str, where: str, required: bool = True) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise SettingsError(f"{where}: khóa '{key}' phải là chuỗi ký tự")
    if required and not value.strip():
        raise SettingsError(f"{where}: thiếu khóa '{key}'")
    return value.strip()


def _recipients(table: dict, where: str) -> tuple[str, ...]:
    recipients = table.get("recipients", [])
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        raise SettingsError(f"{where}: 'recipients' phải là danh sách chuỗi ký tự")
    return tuple(r.strip() for r in recipients if r.strip())


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SettingsError(f"Không tìm thấy tệp cấu hình {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"Tệp cấu hình {path} không đúng định dạng TOML: {exc}") from exc


def _table(raw: dict, key: str, where: str) -> dict:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise SettingsError(f"{where}: [{key}] phải là một bảng")
    return value


def _home(raw: dict, path: Path) -> Settings | None:
    agency = _table(raw, "agency", str(path))
    if not agency:
        return None
    signatory = _table(raw, "signatory", str(path))
    report = _table(raw, "report", str(path))
    return Settings(
        parent_agency=_text(agency, "parent", f"{path} [agency]"),
        agency=_text(agency, "name", f"{path} [agency]"),
        agency_in_text=_text(agency, "name_in_text", f"{path} [agency]"),
        abbreviation=_text(agency, "abbreviation", f"{path} [agency]", required=False),
        province_unit=_text(agency, "province_unit", f"{path} [agency]"),
        place=_text(agency, "place", f"{path} [agency]"),
        signatory_authority=_text(signatory, "authority", f"{path} [signatory]", required=False),
        signatory_title=_text(signatory, "title", f"{path} [signatory]"),
        signatory_name=_text(signatory, "name", f"{path} [signatory]", required=False),
        recipients=_recipients(report, f"{path} [report]"),
        path=str(path),
        department=_text(agency, "department", f"{path} [agency]", required=False) or SECTOR_DEPARTMENT,
    )


def _overrides(table: dict, where: str) -> dict[str, object]:
    """The keys of an agency table that are set, as Settings field -> value (checked)."""
    unknown = sorted(set(table) - set(AGENCY_KEYS) - {"sector_department"})
    if unknown:
        raise SettingsError(f"{where}: khóa không dùng được: {', '.join(unknown)} "
                            f"(dùng: {', '.join(AGENCY_KEYS)})")
    out: dict[str, object] = {}
    for key, attribute in AGENCY_KEYS.items():
        if key not in table:
            continue
        out[attribute] = _recipients(table, where) if key == "recipients" else _text(table, key, where,
                                                                                      required=False)
    return out


def load_agencies(data_dir: str | Path | None = None) -> Agencies:
    """The whole agency table of settings.toml (raise SettingsError, naming file and key, when wrong)."""
    path = settings_path(data_dir)
    raw = _read(path)
    provinces = _table(raw, "provinces", str(path))
    sector = _text(provinces, "sector_department", f"{path} [provinces]", required=False) or SECTOR_DEPARTMENT
    overrides = {}
    for key, table in _table(raw, "agencies", str(path)).items():
        if not isinstance(table, dict):
            raise SettingsError(f"{path} [agencies.\"{key}\"] phải là một bảng")
        overrides[key] = _overrides(table, f"{path} [agencies.\"{key}\"]")
    users = {}
    for who, table in _table(raw, "users", str(path)).items():
        if not isinstance(table, dict):
            raise SettingsError(f"{path} [users.\"{who}\"] phải là một bảng")
        users[who.strip().lower()] = _text(table, "agency", f"{path} [users.\"{who}\"]")
    return Agencies(home=_home(raw, path), national=_overrides(_table(raw, "national", str(path)),
                                                                f"{path} [national]"),
                    provinces=_overrides(provinces, f"{path} [provinces]"), overrides=overrides, users=users,
                    sector_department=sector, path=str(path))


def load_settings(data_dir: str | Path | None = None) -> Settings:
    """The deployment's own agency ([agency]): the presentation mode's default province."""
    path = settings_path(data_dir)
    home = _home(_read(path), path)
    if home is None:
        raise SettingsError(f"{path}: thiếu bảng [agency]")
    return home
