"""Agency settings for the exports and the presentation mode (data/settings.toml).

The data folder may hold its own settings.toml (a deployment's agency); otherwise the repository's
data/settings.toml is used.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kpi.paths import REPO_DIR
from kpi.paths import data_dir as resolve_data_dir

DEFAULT_SETTINGS = REPO_DIR / "data" / "settings.toml"


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    parent_agency: str
    agency: str
    agency_in_text: str
    abbreviation: str
    province_unit: str
    place: str
    signatory_authority: str = ""
    signatory_title: str = ""
    signatory_name: str = ""
    recipients: tuple[str, ...] = field(default_factory=tuple)
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


def load_settings(data_dir: str | Path | None = None) -> Settings:
    path = settings_path(data_dir)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SettingsError(f"Không tìm thấy tệp cấu hình {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"Tệp cấu hình {path} không đúng định dạng TOML: {exc}") from exc
    agency = raw.get("agency", {})
    signatory = raw.get("signatory", {})
    report = raw.get("report", {})
    recipients = report.get("recipients", [])
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        raise SettingsError(f"{path} [report]: 'recipients' phải là danh sách chuỗi ký tự")
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
        recipients=tuple(r.strip() for r in recipients if r.strip()),
        path=str(path),
    )
