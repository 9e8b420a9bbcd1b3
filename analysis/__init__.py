"""Statements, speakers, dates and tension from news about the Armenia–Russia rift.

    >>> from analysis import build
    >>> articles, statements = build(["seeds"])

The frames' columns are documented once, in ``analysis.schema``.
"""
from __future__ import annotations

__all__ = ["build", "build_corpus", "BuildResult"]


def build(paths=None, **kwargs):
    from .pipeline import build
    return build(paths, **kwargs)


def build_corpus(paths=None, **kwargs):
    from .pipeline import build_corpus
    return build_corpus(paths, **kwargs)


def __getattr__(name):
    if name == "BuildResult":
        from .pipeline import BuildResult
        return BuildResult
    raise AttributeError(name)
