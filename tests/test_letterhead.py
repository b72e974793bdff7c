"""Who issues a report and how its title names the unit (kpi.reports.letterhead, settings.toml)."""
from __future__ import annotations

import datetime as dt

import pytest

from kpi.access.users import User
from kpi.reports.letterhead import bloc_agency, issuing_agency, subject_name
from kpi.reports.settings import SettingsError, load_agencies
from kpi.units.table import build_units

TODAY = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def units():
    return build_units()


def _head(units, unit, period, **kw):
    return issuing_agency(units, unit, period, issued=kw.pop("issued", TODAY), **kw)


@pytest.mark.unit
def test_every_province_of_both_geographies_has_its_own_letterhead(units):
    provinces = units[(units["level"] == "province") & units["generation"].isin(["34", "63", "both"])]
    assert len(provinces) == 34 + 63 - 11  # the unchanged 11 are one unit in both geographies
    for _, row in provinces.iterrows():
        head = _head(units, row["unit"], "2025")
        issuer = row["successor"] if isinstance(row["successor"], str) else row["unit"]
        issuer_name = units.set_index("unit").loc[issuer, "name_full_vi"].upper()
        assert head.agency.parent_agency == f"UBND {issuer_name}", row["unit"]
        assert head.agency.agency == "SỞ NỘI VỤ" and head.agency.abbreviation == "SNV"
        assert head.issuer_unit == issuer


@pytest.mark.unit
def test_lao_cai_never_carries_vinh_long(units):
    for unit in ("VN34-15", "VN63-10"):  # new Lào Cai (with Yên Bái) and the former one
        for period in ("2024", "2025", "2026-M09"):
            head = _head(units, unit, period)
            assert head.agency.parent_agency == "UBND TỈNH LÀO CAI"
            assert "VĨNH LONG" not in head.agency.parent_agency and head.agency.place == "Lào Cai"
    assert _head(units, "VN34-15", "2025").subject == "tỉnh Lào Cai"
    # settings.toml's override of Lào Cai's letterhead: a deputy signs
    head = _head(units, "VN34-15", "2025")
    assert (head.agency.signatory_authority, head.agency.signatory_title) == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")


@pytest.mark.unit
def test_former_and_new_vinh_long_titles_differ(units):
    former, new = _head(units, "VN63-86", "2024"), _head(units, "VN34-86", "2024")
    assert former.subject == "tỉnh Vĩnh Long (cũ)"
    assert new.subject == "tỉnh Vĩnh Long (địa bàn mới, gồm các tỉnh Bến Tre, Trà Vinh và Vĩnh Long cũ)"
    assert former.subject != new.subject
    # after the merger the new province is simply itself; both are issued by today's Vĩnh Long
    assert _head(units, "VN34-86", "2025").subject == "tỉnh Vĩnh Long"
    assert former.agency.parent_agency == new.agency.parent_agency == "UBND TỈNH VĨNH LONG"
    assert former.basis == "successor" and new.basis == "province"


@pytest.mark.unit
def test_former_ben_tre_is_named_former_and_issued_by_its_successor(units):
    head = _head(units, "VN63-83", "2020")
    assert head.subject == "tỉnh Bến Tre (cũ)" and head.issuer_unit == "VN34-86"
    assert "Bến Tre" in head.basis_text("vi")
    # issued while Bến Tre existed (before the 1/3/2025 reform): its own Sở LĐ-TB&XH
    then = _head(units, "VN63-83", "2020", issued=dt.date(2021, 1, 15))
    assert then.subject == "tỉnh Bến Tre"
    assert (then.agency.parent_agency, then.agency.agency) == ("UBND TỈNH BẾN TRE",
                                                               "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI")
    assert then.agency.abbreviation == "SLĐTBXH" and then.agency.recipients[0] == "Bộ Lao động - Thương binh và Xã hội"


@pytest.mark.unit
def test_the_department_follows_the_domain(units):
    expected = {"employment": "SỞ NỘI VỤ", "merit": "SỞ NỘI VỤ", "training": "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
                "social": "SỞ Y TẾ", "poverty": "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", None: "SỞ NỘI VỤ"}
    for domain, agency in expected.items():
        head = _head(units, "VN34-15", "2025", domain=domain)
        assert head.agency.agency == agency, domain
        assert head.agency.recipients[0] != "Bộ Nội vụ" or agency == "SỞ NỘI VỤ"


@pytest.mark.unit
def test_nation_and_regions_by_the_ministry_cities_by_their_city(units):
    for unit in ("VN", "R34-RRD", "R63-MKD"):
        head = _head(units, unit, "2025")
        assert head.agency.agency == "BỘ NỘI VỤ" and head.agency.parent_agency == "" and head.basis == "national"
    assert _head(units, "VN", "2025").subject == "cả nước"
    assert _head(units, "R34-RRD", "2025").subject.startswith("vùng ")
    hcm = _head(units, "VN34-79", "2025")
    assert hcm.agency.parent_agency == "UBND THÀNH PHỐ HỒ CHÍ MINH" and hcm.agency.place == "Thành phố Hồ Chí Minh"
    assert "Thường trực Thành ủy" in hcm.agency.recipients


@pytest.mark.unit
def test_a_signed_in_users_configured_agency_wins(units):
    user = User(id="sub-1", name="Chuyên viên", email="ChuyenVien@demo.vn")
    head = _head(units, "VN34-15", "2025", user=user)
    assert head.basis == "user" and head.agency.parent_agency == "UBND TỈNH VĨNH LONG"
    stranger = User(id="sub-2", name="Khác", email="khac@demo.vn")
    assert _head(units, "VN34-15", "2025", user=stranger).agency.parent_agency == "UBND TỈNH LÀO CAI"


@pytest.mark.unit
def test_settings_override_a_department_and_refuse_unknown_keys(units, tmp_path):
    (tmp_path / "settings.toml").write_text(
        '[agencies."VN34-15:gd_dt"]\nsignatory_name = "Nguyễn Văn A"\n'
        '[provinces]\nsector_department = "y_te"\n[users."a@b.vn"]\nagency = "VN-01:nn_mt"\n', encoding="utf-8")
    agencies = load_agencies(tmp_path)
    assert agencies.home is None and agencies.sector_department == "y_te"
    assert issuing_agency(units, "VN34-15", "2025", domain="training", agencies=agencies,
                          issued=TODAY).agency.signatory_name == "Nguyễn Văn A"
    assert issuing_agency(units, "VN34-15", "2025", agencies=agencies, issued=TODAY).agency.agency == "SỞ Y TẾ"
    head = issuing_agency(units, "VN34-15", "2025", agencies=agencies, issued=TODAY,
                          user=User(id="x", name="x", email="a@b.vn"))
    assert head.agency.parent_agency == "UBND THÀNH PHỐ HÀ NỘI" and head.agency.agency == "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"
    assert bloc_agency(agencies).agency == "BỘ NỘI VỤ"  # no [agency]: the ministry
    (tmp_path / "settings.toml").write_text('[agencies."VN34-15"]\nboss = "x"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="boss"):
        load_agencies(tmp_path)


@pytest.mark.unit
def test_subject_name_of_units_that_did_not_change(units):
    assert subject_name(units, "VN-01", "2020", TODAY) == "thành phố Hà Nội"
    assert subject_name(units, "VN64-28", "2005", TODAY) == "tỉnh Hà Tây (cũ)"
