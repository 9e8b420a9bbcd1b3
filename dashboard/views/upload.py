"""Add articles: upload files, see how each one was read, and find the new articles on every page."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, ui

RESULTS = "_upload_results"


def _report_for(report: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Build-report rows of the given stored files (a CSV/JSONL corpus reports rows as `file.csv#12`)."""
    if report.empty or not names:
        return report.iloc[0:0]
    file_name = report["file"].astype(str).str.rsplit("/", n=1).str[-1].str.split("#").str[0]
    return report[file_name.isin(set(names))]


def main() -> None:
    ctx = ui.context()
    st.title("Add articles")
    if ctx.corpus.extra.get("frames_dir"):
        # A finished build (RIFT_FRAMES_DIR) is shown as it is: an upload would need the whole corpus pass again.
        st.info("This dashboard shows a finished build (RIFT_FRAMES_DIR), so uploads are off here. Add the files to "
                "the build's sources and run the build again, or start the dashboard without RIFT_FRAMES_DIR.")
        return
    limit = data.max_upload_mb()
    st.markdown(
        "Upload news articles as **.txt** or **.html** files (one article each), or as a **.csv** / **.jsonl** corpus "
        "(one article per row, with a text column and optional outlet, url, title and published columns). A **sources.csv** "
        "beside them (columns `file, outlet, url, title, published`) supplies metadata the text does not state. "
        f"Up to {limit} MB per file. Files are kept in the data folder across restarts of this server (on Streamlit Community Cloud the disk resets when the app restarts); the shipped seeds are never changed."
    )
    ss = st.session_state
    ss.setdefault("_upload_form", 0)
    with st.form("upload_form", clear_on_submit=True):
        files = st.file_uploader(
            "Article files", type=list(data.UPLOAD_TYPES), accept_multiple_files=True,
            key=f"uploader_{ss['_upload_form']}", max_upload_size=limit,
        )
        submitted = st.form_submit_button("Add to the corpus", type="primary", icon=":material/upload:")
    if submitted:
        if not files:
            st.warning("Choose one or more files first.")
        else:
            results = data.save_uploads([(f.name, f.getvalue()) for f in files], max_mb=limit)
            ss[RESULTS] = results
            ss["_upload_form"] += 1
            if any(r.status == "stored" for r in results):
                data.forget_cached_frames()
                st.rerun()  # the next run builds the new corpus (with a progress bar) before any page draws

    results = ss.get(RESULTS)
    if results:
        st.subheader("Last upload")
        upload_rows = pd.DataFrame([{"file": r.original, "stored as": r.stored_as or "", "upload": r.status, "note": r.reason}
                                    for r in results])
        st.dataframe(upload_rows, hide_index=True, key="upload_results")
        stored = [r.stored_as for r in results if r.stored_as]
        rows = _report_for(ctx.corpus.report, stored)
        if stored:
            st.markdown("**How the build read them**")
            if rows.empty:
                st.info("The build report has no entry for these files yet.")
            else:
                st.dataframe(rows, hide_index=True, key="upload_build_report")
            new = ctx.all_articles[ctx.all_articles["source"].astype(str).str.split("#").str[0].isin(stored)]
            if len(new):
                n_stmts = int(ctx.all_statements["article_id"].isin(set(new["article_id"])).sum())
                st.success(f"{len(new)} new article(s) with {n_stmts} statements are now on every page.", icon=":material/check_circle:")

    st.subheader("Build report for the whole corpus")
    st.caption("Every input file once: built, partial (some rows skipped), skipped and why, or a duplicate of an existing article.")
    if ctx.corpus.report.empty:
        st.info("No build report for this corpus.")
    else:
        st.dataframe(ctx.corpus.report, hide_index=True, key="upload_full_report")

    st.subheader("Uploaded files")
    uploaded = data.uploaded_files()
    if not uploaded:
        st.info("No uploaded files yet: the corpus is the shipped seeds.")
        return
    st.dataframe(pd.DataFrame({"file": [p.name for p in uploaded], "bytes": [p.stat().st_size for p in uploaded]}),
                 hide_index=True, key="upload_files")
    with st.form("remove_form"):
        doomed = st.multiselect("Remove uploaded files", [p.name for p in uploaded], key="remove_files")
        if st.form_submit_button("Remove", icon=":material/delete:") and doomed:
            removed = [n for n in doomed if data.remove_upload(n)]
            ss[RESULTS] = None
            if removed:
                data.forget_cached_frames()
                st.rerun()


main()
