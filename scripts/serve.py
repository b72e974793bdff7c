"""Start Streamlit for dashboard.py (used by scripts/start.sh and the browser tests).

The one workaround the project keeps, here and only here: dashboard.py declares its pages with
st.navigation, but Streamlit (1.67, `PagesManager.__init__`) decides from the mere existence of a
`pages/` folder beside the entry script that the app is an old-style multipage app until the
first script run calls st.navigation. The very first visitor of a deep link (/so-sanh) on a fresh
server would then see a spurious "Page not found" dialog. Streamlit offers no setting for this
(looked up in its configuration options and issue #9624); the folder must keep its name (DESIGN
section 6), so the class attribute is set before the server starts. The browser test
`test_deep_link_on_a_fresh_server` (tests/test_browser.py) fails if an upgrade breaks it.

It also loads the newest snapshot into DuckDB in the background while the server starts.
"""
import sys
import threading

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from kpi import figures, store

PagesManager.uses_pages_directory = False


def _preload_newest_snapshot() -> None:
    """Load the newest snapshot into DuckDB while the server starts, so the first visitor does not wait."""
    try:
        store.remove_stale_temporaries()  # folders left by killed imports
        snapshot = store.get_snapshot()
        if snapshot is not None:
            figures.units(snapshot), figures.indicators(snapshot), figures.available_periods(snapshot)
    except Exception:  # noqa: BLE001 - the pages report any problem with the data themselves
        pass


if __name__ == "__main__":
    sys.argv = ["streamlit", *sys.argv[1:]]
    threading.Thread(target=_preload_newest_snapshot, daemon=True).start()
    sys.exit(cli.main())
