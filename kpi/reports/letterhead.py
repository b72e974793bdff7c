"""Who issues a report, and how its title names the unit: the one function every export calls
(Word report, PowerPoint footer, Excel header, decision documents).

`issuing_agency(units, unit, period, ...)` decides, in this order:
  1. a signed-in user whose agency settings.toml names ([users."e-mail"] agency = "UNIT[:DEPT]"; without
     a department, the department of the report's domain in that province);
  2. a report on a province (or on a commune or agency of it): that province's own department -
     the department holding the report's domain since 2025 (data/catalogue/indicators.csv
     `responsible_agency`, departments.csv), for a whole-sector report [provinces] sector_department;
     a former province (ended 30/6/2025, or an earlier boundary change) issued after it ended: its
     successor's department; before 1/3/2025 the Sở Lao động - Thương binh và Xã hội;
  3. a report on the nation, a region or several units: [national] (Bộ Nội vụ by default).
Each derived letterhead ("UBND TỈNH LÀO CAI / SỞ NỘI VỤ", place "Lào Cai") is overridden by
[agencies."UNIT"], then [agencies."UNIT:DEPT"], and, for the deployment's own province and the
sector's department, by [agency].

`subject_name` is the unit as the report's title names it across the merger: 'tỉnh Bến Tre (cũ)'
for a former province, 'tỉnh Vĩnh Long (địa bàn mới, gồm các tỉnh Bến Tre, Trà Vinh và Vĩnh Long
cũ)' for a province formed on 1/7/2025 reported for a period before it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from kpi.access.users import User
from kpi.periods import MERGER_DATE, parse_period
from kpi.reports.settings import Agencies, Settings, SettingsError, load_agencies
from kpi.store.indicators import departments, load_indicators
from kpi.text.i18n import t
from kpi.units.table import NATION

# Sở LĐ-TB&XH merged into Sở Nội vụ on 1 March 2025 (Decree 45/2025/NĐ-CP and the provinces' decisions)
DEPARTMENT_REFORM_DATE = dt.date(2025, 3, 1)
FORMER_DEPARTMENT = "ldtbxh"
FORMER_DEPARTMENT_NAME = "Sở Lao động - Thương binh và Xã hội"
FORMER_MINISTRY = "Bộ Lao động - Thương binh và Xã hội"
ABBREVIATIONS = {"noi_vu": "SNV", "gd_dt": "SGDĐT", "y_te": "SYT", "nn_mt": "SNNMT", FORMER_DEPARTMENT: "SLĐTBXH"}
MINISTRIES = {"noi_vu": "Bộ Nội vụ", "gd_dt": "Bộ Giáo dục và Đào tạo", "y_te": "Bộ Y tế",
              "nn_mt": "Bộ Nông nghiệp và Môi trường", FORMER_DEPARTMENT: FORMER_MINISTRY}
ISSUING_DEPARTMENTS = tuple(k for k in ABBREVIATIONS if k != FORMER_DEPARTMENT)  # a Sở that issues reports
NATIONAL_DEFAULT = Settings(parent_agency="", agency="BỘ NỘI VỤ", agency_in_text="Bộ Nội vụ", abbreviation="BNV",
                            province_unit=NATION, place="Hà Nội", signatory_title="BỘ TRƯỞNG",
                            recipients=("Văn phòng Chính phủ", "Lưu: VT"))
PLACE_NAMES = {"Hồ Chí Minh": "Thành phố Hồ Chí Minh"}  # Decree 30, Annex I: the city's name in full
BASIS_USER, BASIS_PROVINCE, BASIS_SUCCESSOR, BASIS_NATIONAL = "user", "province", "successor", "national"


@dataclass(frozen=True)
class Letterhead:
    """The agency a report comes from, the unit as its title names it, and why that agency."""
    agency: Settings
    subject: str          # 'tỉnh Lào Cai', 'tỉnh Bến Tre (cũ)', 'cả nước'
    basis: str            # BASIS_*: the rule that chose the agency
    unit: str             # the unit the report is about
    issuer_unit: str      # the province whose department issues it ('VN' for a ministry)

    def basis_text(self, lang: str = "vi", subject: str | None = None) -> str:
        """Why this agency, in words (the report page shows it under the letterhead's preview)."""
        return t(f"rep_basis_{self.basis}", lang, agency=self.agency.agency_in_text, subject=subject or self.subject)


def _row(units: pd.DataFrame, unit: str) -> pd.Series | None:
    found = units.loc[units["unit"] == unit]
    return None if found.empty else found.iloc[0]


def _date(value) -> dt.date | None:
    if value is None or value is pd.NaT or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    return value.date() if isinstance(value, dt.datetime | pd.Timestamp) else value


def province_of(units: pd.DataFrame, unit: str) -> str | None:
    """The province a unit is or belongs to (a commune's or an agency's province); None for the
    nation, a region or an unknown unit."""
    seen = set()
    current = unit
    while current not in seen:
        seen.add(current)
        row = _row(units, current)
        if row is None:
            return None
        if row["level"] == "province":
            return current
        parent = row.get("parent")
        if not isinstance(parent, str) or not parent:
            return None
        current = parent
    return None


def in_force(units: pd.DataFrame, province: str, on: dt.date) -> str:
    """The province that holds `province`'s territory on the date: itself while it exists, else its
    successor (followed across several changes: Hà Tây 2008 → Hà Nội)."""
    current = province
    for _ in range(8):
        row = _row(units, current)
        ended = _date(row["valid_to"]) if row is not None else None
        successor = row["successor"] if row is not None else None
        if ended is None or on <= ended or not isinstance(successor, str) or not successor:
            return current
        current = successor
    return current


def domain_department(domain: str | None, sector_department: str) -> str:
    """The department that holds a domain's indicators since 2025 (the most of its indicators'
    `responsible_agency`); a whole-sector report (no domain), or a domain held by no Sở, by the
    sector's department."""
    if not domain:
        return sector_department
    catalogue = load_indicators()
    held = catalogue.loc[catalogue["domain"] == domain, "responsible_agency"]
    held = held[held.isin(ISSUING_DEPARTMENTS)]
    return str(held.value_counts().index[0]) if len(held) else sector_department


def _department_name(department: str) -> str:
    if department == FORMER_DEPARTMENT:
        return FORMER_DEPARTMENT_NAME
    names = departments().set_index("department")["name_vi"]
    return str(names.get(department, department))


def derived_agency(units: pd.DataFrame, province: str, department: str, provinces: dict | None = None) -> Settings:
    """The letterhead settings.toml does not need to spell out: 'UBND TỈNH LÀO CAI' / 'SỞ NỘI VỤ',
    place 'Lào Cai', the ministry and the province's leadership among the recipients."""
    row = _row(units, province)
    if row is None or row["level"] != "province":
        raise SettingsError(f"Đơn vị {province} không phải là một tỉnh, thành phố")
    full = str(row["name_full_vi"] or row["name_vi"])
    city = full.lower().startswith("thành phố")
    name = _department_name(department)
    scope = "thành phố" if city else "tỉnh"
    agency = Settings(
        parent_agency=f"UBND {full.upper()}", agency=name.upper(), agency_in_text=name,
        abbreviation=ABBREVIATIONS.get(department, ""), province_unit=province,
        place=PLACE_NAMES.get(str(row["name_vi"]), str(row["name_vi"])), signatory_title="GIÁM ĐỐC",
        recipients=(MINISTRIES.get(department, MINISTRIES["noi_vu"]), f"Thường trực {'Thành ủy' if city else 'Tỉnh ủy'}",
                    f"Thường trực HĐND {scope}", f"UBND {scope}", "Lưu: VT, VP"),
        department=department)
    return replace(agency, **(provinces or {}))


def configured_agency(agencies: Agencies, units: pd.DataFrame, province: str, department: str) -> Settings:
    """A province's department as settings.toml makes it: derived, then [agencies."UNIT"], then
    [agencies."UNIT:DEPT"]; the deployment's own [agency] for its province's sector department."""
    home = agencies.home
    if home is not None and home.province_unit == province and department == agencies.sector_department:
        return replace(home, department=department)
    agency = derived_agency(units, province, department, agencies.provinces)
    for key in (province, f"{province}:{department}"):
        agency = replace(agency, **agencies.overrides.get(key, {}))
    return replace(agency, path=agencies.path)


def national_agency(agencies: Agencies) -> Settings:
    return replace(NATIONAL_DEFAULT, **agencies.national, path=agencies.path)


def _user_agency(agencies: Agencies, units: pd.DataFrame, user: User | None, department: str) -> Settings | None:
    if user is None:
        return None
    key = agencies.users.get((user.email or "").strip().lower()) or agencies.users.get(user.id.strip().lower())
    if not key:
        return None
    unit, _, own = key.partition(":")
    if unit == NATION:
        return national_agency(agencies)
    province = province_of(units, unit)
    if province is None:
        raise SettingsError(f"{agencies.path} [users]: '{key}' không phải là một tỉnh, thành phố")
    return configured_agency(agencies, units, province, own or department)


def subject_name(units: pd.DataFrame, unit: str, period: str, issued: dt.date) -> str:
    """The unit as the report's title names it, told apart across the merger."""
    row = _row(units, unit)
    if row is None:
        return unit
    if row["level"] == "nation":
        return "cả nước"
    full = str(row["name_full_vi"] or row["name_vi"])
    if row["level"] == "region" and not full.lower().startswith("vùng"):
        full = "vùng " + full
    text = full[:1].lower() + full[1:]
    ended = _date(row["valid_to"])
    if row["level"] == "province" and ended is not None and issued > ended:
        return f"{text} (cũ)"
    started = _date(row["valid_from"])
    if (row["level"] == "province" and str(row["generation"]) == "34" and started == MERGER_DATE
            and parse_period(period).end_date < MERGER_DATE):
        pieces = sorted(units.loc[(units["successor"] == unit) & (units["generation"] == "63"), "name_vi"])
        if pieces:
            kind = "thành phố" if full.lower().startswith("thành phố") else "tỉnh"
            listed = ", ".join(pieces[:-1]) + " và " + pieces[-1] if len(pieces) > 1 else pieces[0]
            return f"{text} (địa bàn mới, gồm các {kind} {listed} cũ)"
    return text


def issuing_agency(units: pd.DataFrame, unit: str, period: str, *, domain: str | None = None,
                   user: User | None = None, agencies: Agencies | None = None, data_dir=None,
                   issued: dt.date | None = None) -> Letterhead:
    """Who issues the report on `unit` for `period` (see the module's docstring for the rules)."""
    agencies = agencies or load_agencies(data_dir)
    issued = issued or dt.date.today()
    subject = subject_name(units, unit, period, issued)
    department = (domain_department(domain, agencies.sector_department) if issued >= DEPARTMENT_REFORM_DATE
                  else FORMER_DEPARTMENT)
    own = _user_agency(agencies, units, user, department)
    if own is not None:
        return Letterhead(own, subject, BASIS_USER, unit, own.province_unit)
    province = province_of(units, unit)
    if province is None:
        return Letterhead(national_agency(agencies), subject, BASIS_NATIONAL, unit, NATION)
    issuer = in_force(units, province, issued)
    agency = configured_agency(agencies, units, issuer, department)
    return Letterhead(agency, subject, BASIS_PROVINCE if issuer == province else BASIS_SUCCESSOR, unit, issuer)


def of_settings(settings: Settings, subject: str, unit: str) -> Letterhead:
    """A letterhead from settings a caller already chose (an export given its agency explicitly)."""
    return Letterhead(settings, subject, BASIS_NATIONAL if settings.province_unit == NATION else BASIS_PROVINCE,
                      unit, settings.province_unit)


def report_letterhead(deck, settings: Settings | None = None) -> Letterhead:
    """The letterhead of an export of `deck` (kpi.reports.deck.Deck): the one build_deck chose with
    issuing_agency; a deck built without one (its settings could not be read) uses `settings`."""
    if deck.letterhead is not None:
        return deck.letterhead
    if settings is None:
        raise SettingsError("Chưa xác định được cơ quan ban hành báo cáo")
    return of_settings(settings, deck.unit_full_name, deck.unit)


def bloc_agency(agencies: Agencies | None = None, data_dir=None) -> Settings:
    """Who issues the documents of an emulation bloc's decision (Tờ trình, Biên bản): several units,
    so the deployment's own configured agency ([agency], the bloc's chair), else [national]."""
    agencies = agencies or load_agencies(data_dir)
    return agencies.home if agencies.home is not None else national_agency(agencies)
