"""Start Streamlit for dashboard.py (used by scripts/start.sh and the browser tests).

dashboard.py declares its pages with st.navigation. Streamlit still treats a folder named
`pages/` beside the entry script as an old-style multipage folder until the first script run
calls st.navigation, so the very first visitor of a deep link (/so-sanh) would see a spurious
"Page not found" dialog. Declaring up front that the folder is not used that way avoids it.
"""
import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

PagesManager.uses_pages_directory = False

if __name__ == "__main__":
    sys.argv = ["streamlit", *sys.argv[1:]]
    sys.exit(cli.main())
