"""Results shared between page runs and sessions (kpi.memo)."""
from __future__ import annotations

import threading

import pandas as pd
import pytest

from kpi.memo import shared, shared_call

pytestmark = pytest.mark.unit


def test_same_arguments_give_the_same_object_and_run_once():
    calls = []

    @shared(maxsize=8)
    def view(frame, period, units):
        calls.append(period)
        return {"rows": len(frame), "period": period, "units": tuple(units)}

    frame = pd.DataFrame({"a": [1, 2]})
    first = view(frame, "2024", ["VN-01", "VN-02"])
    assert view(frame, "2024", ["VN-01", "VN-02"]) is first  # a list built afresh: by value
    assert calls == ["2024"]
    assert view(frame, "2025", ["VN-01", "VN-02"]) is not first
    assert view(frame.copy(), "2024", ["VN-01", "VN-02"]) is not first  # another table: by identity
    assert calls == ["2024", "2025", "2024"]


def test_least_recently_used_entries_leave_and_arguments_stay_alive():
    @shared(maxsize=2)
    def double(frame):
        return frame["a"].sum() * 2

    frames = [pd.DataFrame({"a": [k]}) for k in range(3)]
    assert [double(f) for f in frames] == [0, 2, 4]
    assert double(frames[0]) == 0  # evicted, computed again, right


def test_shared_call_and_threads():
    built = []

    def chart(frame, lang):
        built.append(lang)
        return object()

    frame = pd.DataFrame({"a": [1]})
    results = []
    threads = [threading.Thread(target=lambda: results.append(shared_call(chart, frame, "vi"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and shared_call(chart, frame, "vi") in results
    assert shared_call(chart, frame, "en") is not shared_call(chart, frame, "vi")
