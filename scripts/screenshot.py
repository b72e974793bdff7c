"""Take screenshots of dashboard pages in headless Chromium (for looking at them).

Usage: python scripts/screenshot.py URL_PATH[?query] OUT.png [--width 1600 --height 1000]
"""
import argparse
import sys

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("out")
    parser.add_argument("--base", default="http://localhost:8501")
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        page.goto(f"{args.base}/{args.path.lstrip('/')}")
        page.wait_for_selector("[data-testid='stMain']", timeout=30000)
        page.wait_for_timeout(1500)
        page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30000)
        page.wait_for_timeout(1500)
        errors = page.locator("[data-testid='stException']").count()
        page.screenshot(path=args.out, full_page=args.full)
        browser.close()
    print(f"{args.out}: {errors} exception box(es)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
