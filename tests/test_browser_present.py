"""The presentation page in headless Chromium: the keys a presentation clicker sends step the slides,
and the slide, its navigation and the exit link fit the meeting room's screens without scrolling."""
import pytest
from browser_support import needs_chromium, settle

pytestmark = [needs_chromium, pytest.mark.browser]

PRESENT = "/trinh-chieu?unit=VN34-86&period=2025"


def _number(page) -> tuple[int, int]:
    shown, count = page.locator("p.slide-count").inner_text().split("/")
    return int(shown), int(count)


def _press(page, key: str, expected: int) -> None:
    page.keyboard.press(key)
    page.wait_for_function(f"document.querySelector('p.slide-count')?.innerText.trim().startsWith('{expected}/')",
                           timeout=30000)
    page.wait_for_timeout(300)  # the rerun that drew it has finished before the next key
    assert _number(page)[0] == expected


def test_clicker_keys_step_through_the_slides(app_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{app_url}{PRESENT}")
    settle(page)
    page.wait_for_selector("p.slide-count", timeout=30000)
    shown, count = _number(page)
    assert shown == 1 and count >= 4
    _press(page, "PageDown", 2)
    _press(page, " ", 3)              # Space
    _press(page, "ArrowRight", 4)
    _press(page, "PageUp", 3)
    _press(page, "ArrowLeft", 2)
    _press(page, "ArrowDown", 3)
    _press(page, "ArrowUp", 2)
    _press(page, "End", count)
    assert page.get_by_role("button", name="Tiếp ▶").first.is_disabled()
    _press(page, "PageDown", count)   # stays on the last slide
    _press(page, "Home", 1)
    # a click on the visible button, then Space: one step, not two (the focused button is not pressed again)
    page.get_by_role("button", name="Tiếp ▶").first.click()
    page.wait_for_function("document.querySelector('p.slide-count')?.innerText.trim().startsWith('2/')", timeout=30000)
    page.wait_for_timeout(300)
    _press(page, " ", 3)
    page.wait_for_timeout(2500)
    assert _number(page)[0] == 3
    assert "slide=3" in page.url  # the link shows the slide, for coming back to it
    page.close()


def test_keys_do_nothing_while_typing_in_an_input(app_url, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{app_url}{PRESENT}")
    settle(page)
    page.wait_for_selector("p.slide-count", timeout=30000)
    page.evaluate("() => { const box = document.createElement('input'); box.id = 'typing';"
                  " document.querySelector('[data-testid=stMain]').prepend(box); }")
    page.locator("#typing").click()
    for key in ("PageDown", " ", "ArrowRight", "End"):
        page.keyboard.press(key)
    page.keyboard.type("Ban chỉ đạo")
    page.wait_for_timeout(3000)
    assert _number(page)[0] == 1
    assert page.locator("#typing").input_value() == " Ban chỉ đạo"  # the Space went into the text
    page.close()


@pytest.mark.parametrize("width,height", [(1024, 768), (1280, 720), (1920, 1080)])
@pytest.mark.parametrize("slide", ["1", "last"])
def test_slide_navigation_and_exit_fit_the_screen(app_url, browser, width, height, slide):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{app_url}{PRESENT}")
    settle(page)
    page.wait_for_selector("p.slide-count", timeout=30000)
    if slide == "last":  # the last slide adds the downloads to the navigation bar
        _press(page, "End", _number(page)[1])
        page.locator("[data-testid='stDownloadButton']").first.wait_for(timeout=30000)
    boxes = page.evaluate("""() => Object.fromEntries(
        ['div.pre-slide', 'img.slide-chart', 'p.slide-title', 'p.slide-summary', 'p.slide-source', 'p.slide-count',
         '.st-key-pre_prev button', '.st-key-pre_next button', '[data-testid=stPageLink] a',
         '[data-testid=stDownloadButton] button']
        .flatMap(s => Array.from(document.querySelectorAll(s)).filter(e => e.offsetParent !== null)
                 .map((e, i) => [s + '#' + i, e.getBoundingClientRect().toJSON()])))""")
    assert any(k.startswith("[data-testid=stPageLink]") for k in boxes) and any(k.startswith("img.") for k in boxes)
    for name, box in boxes.items():  # every part of the slide and every control inside the window
        assert box["left"] >= 0 and box["top"] >= 0, (name, box)
        assert box["right"] <= width + 0.5 and box["bottom"] <= height + 0.5, (name, box)
    for name in [k for k in boxes if "button" in k or "stPageLink" in k]:  # labels not cut
        label = page.locator(name.split("#")[0]).nth(int(name.split("#")[1]))
        assert label.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), name
    navigation = min(b["top"] for k, b in boxes.items() if "button" in k or "stPageLink" in k)
    assert boxes["p.slide-summary#0"]["bottom"] <= navigation, "the summary is under the navigation bar"
    assert page.evaluate("document.scrollingElement.scrollHeight <= window.innerHeight + 1")
    main = page.locator("[data-testid='stMain']")
    assert main.evaluate("e => e.scrollHeight <= e.clientHeight + 1"), "the page scrolls"
    title_px = float(page.locator("p.slide-title").evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert title_px >= 0.05 * height - 1 or title_px >= 56, title_px  # large enough for the back of the room
    page.close()
