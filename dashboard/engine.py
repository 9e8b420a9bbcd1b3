"""The analysis functions the dashboard calls, imported lazily.

Pages never parse text: everything they show comes from these functions of the
``analysis`` package. Imports are lazy and guarded so a page whose engine part
is missing says so instead of failing the whole app.
"""
from __future__ import annotations

import importlib


class EngineMissing(RuntimeError):
    """The analysis function a view needs is not available in this installation."""


def _get(module: str, name: str):
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise EngineMissing(f"{module} is not available ({exc})") from exc
    fn = getattr(mod, name, None)
    if fn is None:
        raise EngineMissing(f"{module}.{name} is not available")
    return fn


def available(module: str, name: str) -> bool:
    try:
        _get(module, name)
        return True
    except EngineMissing:
        return False


def build_corpus(paths, *, cache_dir=None, progress=None):
    return _get("analysis.pipeline", "build_corpus")(paths, cache_dir=cache_dir, progress=progress)


def tension_over_time(statements, **kwargs):
    return _get("analysis.aggregate", "tension_over_time")(statements, **kwargs)


def rising_flag(series, **kwargs):
    return _get("analysis.aggregate", "rising_flag")(series, **kwargs)


def direction_groups(directions):
    """Directions with Russia and the CSTO merged into one side ("Armenia→Russia/CSTO")."""
    return _get("analysis.aggregate", "direction_groups")(directions)


def key_events(statements, articles):
    return _get("analysis.timeline", "key_events")(statements, articles)


def evaluate_corpus(**kwargs):
    return _get("analysis.evaluate", "evaluate_corpus")(**kwargs)


def newsmtsc_figures():
    return _get("analysis.benchmarks_newsmtsc", "recorded_table")()
