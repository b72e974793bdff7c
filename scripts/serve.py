"""Start Streamlit for dashboard.py (used by scripts/start.sh and the browser tests).

The one workaround the project keeps, here and only here: dashboard.py declares its pages with
st.navigation, but Streamlit (1.67, `PagesManager.__init__`) decides from the mere existence of a
`pages/` folder beside the entry script that the app is an old-style multipage app until the
first script run calls st.navigation. The very first visitor of a deep link (/so-sanh) on a fresh
server would then see a spurious "Page not found" dialog. Streamlit offers no setting for this
(looked up in its configuration options and issue #9624); the folder must keep its name (DESIGN
section 6), so the class attribute is set before the server starts. The browser test
`test_deep_link_on_a_fresh_server` (tests/test_browser.py) fails if an upgrade breaks it.

It also loads the newest snapshot into DuckDB in the background while the server starts, and
enforces local mode's address: without an [auth] section in the secrets files (--secrets.files,
$STREAMLIT_SECRETS_FILES, else Streamlit's defaults ~/.streamlit/secrets.toml and
./.streamlit/secrets.toml) the app serves 127.0.0.1 only - `--server.address 127.0.0.1` is added,
and any other address is refused (kpi.access.signin.bind_address). An [auth] section that st.login
could not use is refused too, before the server starts.
"""
import os
import sys
import threading
import time
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from kpi import figures, store
from kpi.access import signin

PagesManager.uses_pages_directory = False


PRELOAD_EVERY_S = 1.0  # how often a server looks for a newer approved snapshot (another replica's import)


def _preload_newest_snapshot() -> None:
    """Load the newest snapshot into DuckDB while the server starts, and again whenever a newer one
    is approved (an import through another process or replica: the catalogue is shared), so the
    first visitor after it does not wait."""
    loaded = None
    try:
        store.remove_stale_temporaries()  # folders left by killed imports
    except Exception:  # noqa: BLE001 - the pages report any problem with the data themselves
        pass
    while True:
        try:
            snapshot = store.get_snapshot()
            if snapshot is not None and snapshot.id != loaded:
                figures.units(snapshot), figures.indicators(snapshot), figures.available_periods(snapshot)
                loaded = snapshot.id
        except Exception:  # noqa: BLE001 - the pages report any problem with the data themselves
            pass
        time.sleep(PRELOAD_EVERY_S)


def _option(args: list[str], name: str) -> tuple[str | None, int | None]:
    """The value of `--name value` or `--name=value` in args, and its index (None when absent)."""
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1], i
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1], i
    return None, None


def secured_args(args: list[str], cwd: Path) -> list[str]:
    """The Streamlit arguments with local mode's address enforced (SystemExit with a message when refused)."""
    files, _ = _option(args, "--secrets.files")
    files = files or os.environ.get("STREAMLIT_SECRETS_FILES")
    paths = [Path(p) for p in files.split(",")] if files else signin.default_secrets_files(cwd)
    requested, index = _option(args, "--server.address")
    try:
        address = signin.bind_address(signin.read_auth_section(paths), requested or os.environ.get("STREAMLIT_SERVER_ADDRESS"))
    except signin.AuthConfigError as exc:
        raise SystemExit(f"serve.py: {exc}") from None
    if address is not None and index is None:
        args = [*args, "--server.address", address]
    return args


if __name__ == "__main__":
    sys.argv = ["streamlit", *secured_args(sys.argv[1:], Path.cwd())]
    threading.Thread(target=_preload_newest_snapshot, daemon=True).start()
    sys.exit(cli.main())
