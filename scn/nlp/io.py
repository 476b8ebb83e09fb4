"""Reading texts to classify and labelled evaluation files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scn.nlp.labels import CLASSES


def _table(path: Path) -> pd.DataFrame | None:
    """CSV/JSONL with a header as a frame, or None when the file is plain lines."""
    suffix = "".join(path.suffixes[-2:]).lower()
    if suffix.endswith((".jsonl", ".ndjson", ".jsonl.gz")):
        return pd.read_json(path, lines=True, dtype=False)
    if suffix.endswith((".csv", ".csv.gz", ".tsv")):
        return pd.read_csv(path, sep="\t" if suffix.endswith(".tsv") else ",", dtype=str, keep_default_na=False)
    with path.open(encoding="utf-8") as fh:
        first = fh.readline().strip().lower()
    if first == "text" or first.startswith(("text,", "id,text", "lang,")) and "text" in first.split(","):
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    return None


def read_classify_input(path: Path) -> list[str]:
    """Texts of a file: one per non-empty line, or the `text` column of a CSV/JSONL (by extension or header)."""
    path = Path(path)
    table = _table(path)
    if table is None:
        return [line.rstrip("\r\n") for line in path.open(encoding="utf-8") if line.strip()]
    if "text" not in table.columns:
        raise ValueError(f"{path}: no `text` column (columns: {', '.join(map(str, table.columns))})")
    return table["text"].fillna("").astype(str).tolist()


def read_labelled(path: Path) -> pd.DataFrame:
    """A labelled CSV/JSONL with columns text, label (hate|offensive|none, any case; any other label is refused)
    and optionally lang."""
    table = _table(Path(path))
    if table is None or not {"text", "label"} <= set(table.columns):
        raise ValueError(f"{path}: a labelled file needs `text` and `label` columns (CSV or JSONL)")
    out = table.assign(text=table["text"].fillna("").astype(str),
                       label=table["label"].fillna("").astype(str).str.strip().str.lower())
    unknown = out["label"][~out["label"].isin(CLASSES)].value_counts()
    if len(unknown):  # scored as no class, they crashed the interval or lowered every figure unseen
        found = ", ".join(f"{label!r} ({n})" for label, n in unknown.items())
        raise ValueError(f"{path}: labels must be one of {', '.join(CLASSES)}; found {found}")
    if "lang" in out:
        out["lang"] = out["lang"].replace("", None)
    return out.reset_index(drop=True)
