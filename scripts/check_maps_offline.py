"""Open every map kind of a domain page, for both province generations, in headless Chromium;
record every network request and fail if one leaves the machine; save a screenshot of each map.

Usage: python scripts/check_maps_offline.py OUT_DIR --base http://localhost:8514
(the running app should have KPI_BOUNDARIES_34 / KPI_BOUNDARIES_63 set, or the choropleth
falls back to the tile grid and says so).
"""
import argparse
import sys
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
CASES = [  # (page path, query) for each map kind and generation
    (f"{path}?geo={geo}&unit={unit}&period={period}&map={kind}", f"{name}_{kind}_{geo}")
    for path, name in (("giam-ngheo", "poverty"), ("viec-lam", "employment"))
    for geo, unit, period in (("34", "VN34-92", "2023"), ("63", "VN63-83", "2020"))
    for kind in ("tiles", "bubbles", "choropleth")
] + [  # the 63 former provinces after the merger: most are 'not comparable', shown grey and labelled
    (f"nguoi-co-cong?geo=63&unit=VN-01&period=2025-M09&map={kind}", f"merit_{kind}_63_after_merger")
    for kind in ("tiles", "bubbles", "choropleth")
]


def external(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about"):
        return False
    return parsed.hostname not in LOCAL_HOSTS


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--base", default="http://localhost:8514")
    parser.add_argument("--only", help="substring of the case name to run")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failures = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for path, name in CASES:
            if args.only and args.only not in name:
                continue
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            requests: list[str] = []
            page.on("request", lambda request, seen=requests: seen.append(request.url))
            page.goto(f"{args.base}/{path}")
            page.wait_for_selector("[data-testid='stMain']", timeout=30000)
            page.wait_for_timeout(1500)
            page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60000)
            page.wait_for_timeout(1500)
            try:
                page.wait_for_function("document.querySelectorAll('.stPlotlyChart').length >= 2", timeout=30000)
            except Exception:  # reported below as a failure
                pass
            page.wait_for_timeout(1000)
            errors = page.locator("[data-testid='stException']").count()
            charts = page.locator(".stPlotlyChart")
            n_charts = charts.count()
            # the map is the second Plotly chart of a domain page (after the focus chart)
            if n_charts >= 2:
                charts.nth(1).scroll_into_view_if_needed()
                page.wait_for_timeout(800)
                charts.nth(1).screenshot(path=str(out / f"{name}.png"))
            leaving = sorted({u for u in requests if external(u)})
            ok = not errors and not leaving and n_charts >= 2
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name}: {len(requests)} requests, {len(leaving)} external, "
                  f"{errors} exception box(es), {n_charts} charts" + (f" -> {leaving[:5]}" if leaving else ""))
            page.close()
        browser.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
