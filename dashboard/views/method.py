"""Method and data quality: how each number is made, how well it holds up, and what the corpus does not say."""
from __future__ import annotations

import numbers

import pandas as pd
import streamlit as st

from dashboard import engine, frames, ui

HOW = """
**Statements.** Each article is cleaned (share widgets, related-link lists, repeated lines and metadata are set aside but kept
in the text so offsets stay exact), split into sentences, and every sentence that quotes or reports someone, or that the outlet
states itself, becomes a statement: `quote` (words inside quotation marks), `reported` (indirect speech) or `narrative`.

**Speakers and sides.** A speaker is named only when the text attributes the words (a speech verb, “according to”, a colon,
a continuing quotation, a pronoun or role pointing back at a named person). The side is the country or organisation the speaker
speaks for, from the shipped actor list. **Direction** is the speaker's side → the side the statement is about.

**Dates.** A statement's date is the date the text gives for it (“on Monday”, “in March”), resolved against the article's
publication date; when nothing dates it, the publication date stands in (precision `published`) and the timeline can be switched
to publication dates. Dates inside quotations are what a speaker talks about, not when they spoke, and are ignored.

**Tension.** A score in [−1, 1] from cue words (threats, withdrawals, accusations, warnings, demands … vs dialogue, reassurance,
praise, cooperation) whose classes and weights follow a published event scale, with negation and hedging handled; the cues of
each statement are listed next to its score. TextBlob polarity stays in the data as a secondary, clearly labelled signal.

**The index.** For each period and line (direction, speaker, side or outlet): the mean tension of the statements, the number of
statements, articles and stories (syndicated copies count once), and a 90% bootstrap interval. Periods with too few statements
are drawn with open markers, never hidden. **Rising** compares the latest period with the mean of the previous ones, with named
thresholds and a low-count guard (as ACLED's Trendfinder does).

The full write-up, with sources, is `docs/method.md` in the repository.
"""

LIMITS = """
- **TextBlob leans positive on news.** On the NewsMTSC benchmark its three-way sentiment reaches a macro-F1 of about 0.42; it
  reads “I cannot rule out that Armenia may withdraw from the CSTO” as neutral. It is shown only as a secondary column.
- **Cue words miss irony, long arguments and context** outside the sentence; the cues column shows what was matched, so a score
  can always be checked against the words.
- **Coverage is not reality.** Counts measure what these outlets published, not how often things happened; a few prolific
  outlets or syndicated copies can dominate (stories count copies once).
- **Small periods are noisy.** Look at the counts and intervals before reading a trend; open markers flag periods with too few statements.
- **Names and sides come from a shipped actor list**; people missing from it have no side, so their statements have no direction.
"""


@st.cache_data(show_spinner="Scoring the pipeline against the hand-annotated gold…", ttl=3600)
def _evaluation(engine_key: str) -> dict:
    return engine.evaluate_corpus()


RATE_HINTS = ("recall", "accuracy", "f1", "precision", "rate", "share")


def _is_rate(name: str, value) -> bool:
    return isinstance(value, float) and any(h in name for h in RATE_HINTS)


def _show_evaluation(result: dict) -> None:
    """Every figure the evaluation returns: rates and counts as metrics, lists and tables in expanders."""
    scalars = {k: v for k, v in result.items()
               if v is None or (isinstance(v, numbers.Number) and not isinstance(v, bool))}
    rates = {k: v for k, v in scalars.items() if _is_rate(k, v) or (v is None and any(h in k for h in RATE_HINTS))}
    counts = {k: v for k, v in scalars.items() if k not in rates}
    others = {k: v for k, v in result.items() if k not in scalars}
    for group in (rates, counts):
        items = list(group.items())
        for i in range(0, len(items), 4):
            cols = st.columns(4)
            for col, (k, v) in zip(cols, items[i:i + 4]):
                shown = "n/a" if v is None else f"{v:.2f}" if isinstance(v, float) else f"{v:,}"
                col.metric(k.replace("_", " "), shown,
                           help="n/a: nothing to score (no gold item matched)." if v is None else None)
    for k, v in others.items():
        label = k.replace("_", " ")
        if isinstance(v, dict):
            with st.expander(f"{label} ({len(v)})"):
                st.dataframe(pd.DataFrame({"measure": list(map(str, v)), "value": [str(x) for x in v.values()]}),
                             hide_index=True, key=f"eval_{k}")
        elif isinstance(v, (list, tuple)):
            with st.expander(f"{label} ({len(v)})"):
                if not v:
                    st.caption("none")
                elif isinstance(v[0], dict):
                    st.dataframe(pd.DataFrame(v).astype(str), hide_index=True, key=f"eval_{k}")
                else:
                    st.dataframe(pd.DataFrame({label: [str(x) for x in v]}), hide_index=True, key=f"eval_{k}")
        elif isinstance(v, pd.DataFrame):
            with st.expander(f"{label} ({len(v)})"):
                st.dataframe(v, hide_index=True, key=f"eval_{k}")
        else:
            st.markdown(f"**{ui.safe(label)}**: {ui.safe(v)}")


def main() -> None:
    ctx = ui.context()
    st.title("Method and data quality")
    st.markdown(HOW)

    st.header("Validation against hand annotations")
    st.caption("Computed now from the evaluation against the gold annotations shipped in `analysis/data/gold/`, not typed in. "
               "F1 and accuracy run from 0 to 1; higher is better.")
    try:
        from analysis.version import code_fingerprint

        result = _evaluation(code_fingerprint())
    except engine.EngineMissing as exc:
        ui.engine_missing(exc)
    except Exception as exc:  # noqa: BLE001 - the evaluation failing must not take the page down
        st.warning(f"The evaluation could not run here ({type(exc).__name__}: {exc}).", icon=":material/warning:")
    else:
        if result:
            _show_evaluation(result)
        else:
            st.info("The evaluation returned no figures.")

    st.header("The two sentiment scores on a news benchmark")
    st.markdown(
        "Each statement carries two sentiment scores. **polarity** is TextBlob's (a general-purpose word list, kept "
        "as a secondary signal). **sentiment** comes from a model trained on the training split of NewsMTSC, news "
        "sentences whose sentiment toward a named person or country was labelled by human coders; it scores the "
        "statement toward its first target. Here both are scored on NewsMTSC's held-out test splits: macro-F1 and "
        "accuracy in %, three classes (negative, neutral, positive), 33 = chance.")
    try:
        bench = pd.DataFrame(engine.newsmtsc_figures())
    except engine.EngineMissing as exc:
        ui.engine_missing(exc)
        bench = pd.DataFrame()
    if bench.empty:
        st.info("No benchmark figures recorded (run `python -m analysis evaluate --newsmtsc --write`).")
    else:
        wide = bench.pivot_table(index="model", columns="split", values=["macro_f1", "accuracy"], sort=False)
        table = pd.DataFrame({
            "model": wide.index,
            "real-world news (rw): macro-F1": wide[("macro_f1", "rw")].round(1).to_numpy(),
            "rw: accuracy": wide[("accuracy", "rw")].round(1).to_numpy(),
            "several targets per sentence (mt): macro-F1": wide[("macro_f1", "mt")].round(1).to_numpy(),
            "mt: accuracy": wide[("accuracy", "mt")].round(1).to_numpy(),
        })
        st.dataframe(table, hide_index=True, key="method_newsmtsc")
        st.caption("TextBlob's row is the polarity column; the model rows are the sentiment column (which one a statement "
                   "got is in its sentiment_model column: the encoder for small corpora, the fast model for large ones). "
                   "Reference: the benchmark paper's fine-tuned RoBERTa, run on a GPU, reaches 83.1 (rw) and 82.5 (mt).")

    st.header("Known limits")
    st.markdown(LIMITS)

    st.header("What the corpus does not say")
    unk = frames.unknowns(ctx.all_articles, ctx.all_statements)
    st.dataframe(unk, hide_index=True, key="method_unknowns",
                 column_config={"share": st.column_config.ProgressColumn("share", min_value=0.0, max_value=1.0, format="percent")})
    a = ctx.all_articles
    missing = a[a["outlet"].isna() | a["published"].isna()]
    if missing.empty:
        st.caption("Every article names its outlet and its publication date.")
    else:
        st.markdown("**Articles without an outlet or a publication date**")
        st.dataframe(pd.DataFrame({
            "file": missing["source"],
            "outlet": missing["outlet"].fillna("unknown"),
            "published": missing["published"].dt.strftime("%Y-%m-%d").fillna("unknown"),
            "reference date": missing["reference_date"].dt.strftime("%Y-%m-%d").fillna("unknown"),
            "why (reference evidence)": missing["reference_evidence"].fillna(""),
        }), hide_index=True, key="method_missing")

    st.header("Build report")
    st.caption("Every input file once: built, partial (some rows skipped), skipped (and why), or a duplicate of another file.")
    if ctx.corpus.report.empty:
        st.info("No build report for this corpus.")
    else:
        st.dataframe(ctx.corpus.report, hide_index=True, key="method_report")

    with st.expander("Frame schema (every column and what it means)"):
        from analysis.schema import schema_markdown

        st.markdown(schema_markdown())


main()
