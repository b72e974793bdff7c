"""Results shared between page runs and sessions: a view model or a chart is built once per
(snapshot, filters, language) and every later run that asks the same gets the same object.

Arguments are told apart by value when they are hashable (a Snapshot, a period, a language, a
tuple of units) and by identity otherwise (the snapshot's units and catalogue tables, which
kpi.figures shares read-only per snapshot, and the frames of a shared view model that its charts
are drawn from). An entry keeps its arguments alive, so an identity is never reused while it is
cached. What a shared function returns must be treated as read-only by every caller.
"""
from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

_MISSING = object()


def _key_part(value):
    if isinstance(value, (list, tuple)) and len(value) <= 4096:
        return ("seq", tuple(_key_part(v) for v in value))  # units or periods built afresh each run: by value
    if isinstance(value, (list, dict, set)):
        return ("id", id(value))  # a large or nested structure (a boundary file's GeoJSON): by identity
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return ("value", type(value).__name__, value)


def shared(maxsize: int = 128) -> Callable:
    """Memoise a pure function across page runs and sessions (thread-safe, least recently used)."""
    def decorate(function: Callable) -> Callable:
        cache: OrderedDict[Hashable, tuple[tuple, dict, object]] = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            key = (tuple(_key_part(a) for a in args), tuple(sorted((k, _key_part(v)) for k, v in kwargs.items())))
            with lock:
                hit = cache.get(key, _MISSING)
                if hit is not _MISSING:
                    cache.move_to_end(key)
                    return hit[2]
            result = function(*args, **kwargs)
            with lock:
                cache[key] = (args, kwargs, result)  # the arguments stay alive: their ids stay theirs
                cache.move_to_end(key)
                while len(cache) > maxsize:
                    cache.popitem(last=False)
            return result

        wrapper.cache_clear = cache.clear  # type: ignore[attr-defined]
        return wrapper
    return decorate


@shared(maxsize=512)
def shared_call(function: Callable, *args, **kwargs):
    """function(*args, **kwargs), shared like a @shared function: for a chart a page draws from a
    shared view model (the same frames come back, so the same figure does)."""
    return function(*args, **kwargs)
