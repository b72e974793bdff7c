"""The text catalogue: every key in both languages, none unused, English free of Vietnamese, and
every surface saying a figure the same way (kpi.text.figure_text)."""
from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi.text import figure_text
from kpi.text.i18n import TEXTS, t

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parent.parent
VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]",
                                re.IGNORECASE)
# English texts that name a unit or quote a Vietnamese document on purpose
ENGLISH_QUOTES_VIETNAMESE = {"imp_defunct_ha_tay"}


def _code_files() -> list[Path]:
    return [REPO / "dashboard.py", *(REPO / "kpi").rglob("*.py"), *(REPO / "pages").glob("*.py")]


def _strings_and_prefixes() -> tuple[set[str], set[str]]:
    """Every string constant in the code, and the fixed prefixes of f-strings (keys built at run time)."""
    constants, prefixes = set(), set()
    for path in _code_files():
        if path.name.startswith("texts_") or path.name == "i18n.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = str(node.values[0].value)
                if re.fullmatch(r"[a-z0-9_]+_", head):
                    prefixes.add(head)
    return constants, prefixes


def test_every_key_has_both_languages():
    for key, pair in TEXTS.items():
        assert isinstance(pair, tuple) and len(pair) == 2, key
        vietnamese, english = pair
        assert vietnamese.strip() and english.strip(), key


def test_no_key_is_unused():
    constants, prefixes = _strings_and_prefixes()
    unused = sorted(k for k in TEXTS if k not in constants and not any(k.startswith(p) for p in prefixes))
    assert unused == []


def test_english_texts_have_no_vietnamese():
    leaking = sorted(k for k, (_, en) in TEXTS.items()
                     if VIETNAMESE_LETTERS.search(en) and k not in ENGLISH_QUOTES_VIETNAMESE)
    assert leaking == []


def test_figure_texts_per_language():
    row = {"aggregation": "sum", "change_pct": 2.5, "change_pp": math.nan}
    rate = {"aggregation": "ratio", "change_pct": -10.0, "change_pp": -0.35}
    assert figure_text.change_text(row, "vi") == "+2,5%" and figure_text.change_text(row, "en") == "+2.5%"
    assert figure_text.change_text(rate, "vi") == "−0,35 điểm %" and figure_text.change_text(rate, "en") == "−0.35 pp"
    assert figure_text.change_words(rate, "vi") == "giảm 0,35 điểm % so với cùng kỳ"
    assert figure_text.achievement_text(102.1222, "vi") == "102,1%"
    assert figure_text.achievement_text(math.inf, "vi") == t("achievement_unbounded", "vi")
    assert figure_text.achievement_text(math.nan, "vi") == "–"
    assert figure_text.rank_text(3, True, 34, "vi") == "3/34 (đồng hạng)"
    assert figure_text.rank_text(3, False, None, "en") == "3"
    assert figure_text.rank_text(math.nan) == "–"


@given(value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(min_value=-10**400, max_value=10**400),
                       st.none(), st.text(max_size=5)),
       decimals=st.integers(min_value=0, max_value=3), lang=st.sampled_from(["vi", "en"]))
def test_formatting_never_raises(value, decimals, lang):
    """Any value, finite, infinite, huge, missing or not a number at all, is shown, never a crash."""
    from kpi.text import fmt

    for text in (fmt.number(value, decimals, lang), fmt.percent(value, decimals, lang),
                 fmt.signed_percent(value, decimals, lang), fmt.signed_points(value, decimals, lang),
                 fmt.figure(value, "người", decimals, lang), fmt.figure(value, "%", decimals, lang),
                 figure_text.achievement_text(value if not isinstance(value, str) else None, lang)):
        assert isinstance(text, str) and text
