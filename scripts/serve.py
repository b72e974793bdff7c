"""Start Streamlit for dashboard.py (used by scripts/start.sh and the browser tests).

dashboard.py declares its pages with st.navigation. Streamlit still treats a folder named
`pages/` beside the entry script as an old-style multipage folder until the first script run
calls st.navigation, so the very first visitor of a deep link (/so-sanh) would see a spurious
"Page not found" dialog. Declaring up front that the folder is not used that way avoids it.
It also loads the newest snapshot into DuckDB in the background while the server starts.
"""
import sys
import threading
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

PagesManager.uses_pages_directory = False


def _preload_newest_snapshot() -> None:
    """Load the newest snapshot into DuckDB while the server starts, so the first visitor does not wait."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    try:
        from kpi import figures, store

        snapshot = store.get_snapshot()
        if snapshot is not None:
            figures.units(snapshot), figures.indicators(snapshot), figures.available_periods(snapshot)
    except Exception:  # noqa: BLE001 - the pages report any problem with the data themselves
        pass

if __name__ == "__main__":
    sys.argv = ["streamlit", *sys.argv[1:]]
    threading.Thread(target=_preload_newest_snapshot, daemon=True).start()
    sys.exit(cli.main())
