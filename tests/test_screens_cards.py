"""A domain page's focus cards as one block of HTML (kpi.screens.badges.card_grid)."""
import pytest

from kpi import formulas
from kpi.screens.badges import card_grid, verdict_badge
from kpi.screens.overview import Card
from kpi.text.figure_text import verdict_text


@pytest.mark.unit
def test_card_grid_draws_every_card_with_its_figure_verdict_and_caption_lines_and_escapes_data_text():
    cards = [Card("jobs_created", "Giải quyết việc làm", "68.825 người", formulas.BELOW,
                  verdict_text(formulas.BELOW, "vi"), "Kế hoạch năm: 70.200 người  \nSo với cùng kỳ: +2,5%"),
             Card("x", "<b>Tên</b> & [liên kết](http://x)", "1.000 người", formulas.CONTEXT_ONLY,
                  verdict_text(formulas.CONTEXT_ONLY, "vi"), "Chỉ để theo dõi")]
    html = card_grid(cards, "vi")
    assert html.count("border:1px solid") == 2 and "repeat(2," in html
    assert "68.825 người" in html and verdict_badge(formulas.BELOW, "vi") in html
    assert "Kế hoạch năm: 70.200 người<br>So với cùng kỳ: +2,5%" in html  # the caption's lines, not one run-on
    assert "&lt;b&gt;Tên&lt;/b&gt; &amp; [liên kết](http://x)" in html and "<b>Tên</b>" not in html
    assert verdict_text(formulas.CONTEXT_ONLY, "vi") in html and verdict_badge(formulas.CONTEXT_ONLY, "vi") not in html
    assert "\n\n" not in html  # one HTML block for markdown: a blank line would end it
    assert "repeat(5," in card_grid(cards * 4, "vi")  # at most five side by side
