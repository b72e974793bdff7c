"""Emulation scoring (DESIGN section 5)."""
from kpi.scoring.core import *  # noqa: F401,F403 - temporary facade during the split
from kpi.scoring.core import PLAN_RATIO, GOALPOSTS, LEADER, RANK  # noqa: F401
