"""Showing untrusted article text safely.

Article text comes from anywhere (scraped pages, uploads) and is never trusted:
HTML we build is made only of ``html.escape``-d pieces wrapped in tags we
generate, and text that goes through Markdown is backslash-escaped first, so
``<script>``, ``<img onerror>``, ``javascript:`` links and ``[markdown](links)``
all show as the characters they are.
"""
from __future__ import annotations

import html
import re
import string

import pandas as pd

from . import theme
from .frames import cues_text, parse_blocks

_MD_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")


def md_escape(text) -> str:
    """Text safe inside Streamlit Markdown: every ASCII punctuation mark is backslash-escaped."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    s = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", s)


SHOWN_BLOCKS = ("title", "body", "caption")
_BLOCK_STYLE = {
    "title": "font-weight:700;font-size:1.15em;margin:0 0 .6em 0;",
    "body": "margin:0 0 .7em 0;",
    "caption": "margin:0 0 .7em 0;font-style:italic;color:#555;",
    "boilerplate": "margin:0 0 .5em 0;color:#999;font-size:.85em;",
    "duplicate": "margin:0 0 .5em 0;color:#999;font-size:.85em;text-decoration:line-through;",
    "meta": "margin:0 0 .5em 0;color:#777;font-size:.85em;",
}


def _statement_title(row) -> str:
    parts = [str(row.get("speaker") or "speaker unknown")]
    if row.get("direction"):
        parts.append(str(row["direction"]))
    t = row.get("tension")
    if t is not None and t == t:
        parts.append(f"tension {t:+.2f}")
    cues = cues_text(row.get("cues"))
    if cues:
        parts.append(cues)
    return " · ".join(parts)


def highlight_html(text: str, blocks, statements: pd.DataFrame, *, show_hidden: bool = False) -> str:
    """The article as HTML: cleaned blocks, each statement in a <mark> coloured by tension with its speaker.

    Every piece of article text is escaped before any tag is added around it.
    """
    text = text or ""
    spans = parse_blocks(blocks) or [(0, len(text), "body")]
    rows = statements.sort_values("start").to_dict("records") if len(statements) else []
    out = ['<div style="line-height:1.65;font-size:1rem;white-space:pre-wrap;">']
    for b_start, b_end, kind in spans:
        if kind not in SHOWN_BLOCKS and not show_hidden:
            continue
        style = _BLOCK_STYLE.get(kind, _BLOCK_STYLE["body"])
        pieces = []
        cursor = b_start
        for row in rows:
            s, e = max(int(row["start"]), b_start), min(int(row["end"]), b_end)
            if e <= s or s < cursor:
                continue
            pieces.append(html.escape(text[cursor:s]))
            bg = theme.tension_rgba(row.get("tension"))
            # The outlet's own sentences are underlined, attributed statements filled.
            narrative = not row.get("speaker") or pd.isna(row.get("speaker"))
            title = html.escape(_statement_title(row), quote=True)
            sid = html.escape(str(row["statement_id"]), quote=True)
            pieces.append(
                f'<mark data-statement="{sid}" title="{title}" '
                + (f'style="background:transparent;border-bottom:2px dotted {theme.tension_rgba(row.get("tension"), 0.9)};color:inherit;">' if narrative else
                   f'style="background:{bg};padding:.05em .15em;border-radius:3px;color:inherit;">')
                + f"{html.escape(text[s:e])}</mark>"
            )
            if int(row["end"]) <= b_end and not narrative:
                who = html.escape(str(row.get("speaker") or "?"))
                pieces.append(
                    f'<sup style="font-size:.7em;color:#444;background:#EEE;border-radius:3px;padding:0 .3em;margin-left:.2em;">'
                    f"{who}</sup>"
                )
            cursor = e
        pieces.append(html.escape(text[cursor:b_end]))
        label = "" if kind in SHOWN_BLOCKS else f'<span style="font-size:.75em;color:#999;">[{html.escape(kind)}] </span>'
        body = "".join(pieces).strip("\n")
        if body.strip():
            out.append(f'<p style="{style}">{label}{body}</p>')
    out.append("</div>")
    return "".join(out)


def legend_html() -> str:
    swatches = [(-1.0, "conciliatory"), (0.0, "neutral"), (1.0, "hostile")]
    items = "".join(
        f'<span style="background:{theme.tension_rgba(t)};padding:.1em .5em;border-radius:3px;margin-right:.5em;">{label}</span>'
        for t, label in swatches
    )
    narrative = f'<span style="border-bottom:2px dotted {theme.tension_rgba(0.6, 0.9)};">the outlet\'s own sentence</span>'
    return (f'<div style="font-size:.85em;margin:.2em 0 .8em 0;">Highlight colour = statement tension: {items} '
            f'· attributed statements are filled and labelled with their speaker; {narrative} is underlined.</div>')

