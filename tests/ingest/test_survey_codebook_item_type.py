"""The codebook's optional ``item_type`` column (binary / scale): read in any case, blank or absent left to dbt's
inference (scale_max - scale_min = 1: binary), another value a reject; it reaches the lake as its own column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scn.ingest.model import Source
from scn.ingest.survey import parse_codebook
from scn.lake.schema import as_table


def _parse(tmp_path: Path, text: str):
    path = tmp_path / "codebook.csv"
    path.write_text(text)
    return parse_codebook(Source(path, path, "survey", "c", "x"))


def test_a_stated_item_type_is_read_and_an_unknown_one_rejected(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, "question,construct,scale_min,scale_max,item_type\n"
                              "q1,k,0,1, Binary \nq2,k,1,5,\nq3,k,1,5,SCALE\nq4,k,1,5,maybe\n")
    book = parsed.tables["survey_codebook"]
    types = [None if pd.isna(v) else v for v in book["item_type"]]
    assert dict(zip(book["question"], types, strict=True)) == {"q1": "binary", "q2": None, "q3": "scale"}
    assert len(parsed.rejects) == 1 and "item_type" in " ".join(parsed.rejects.astype(str).to_numpy().ravel())
    assert as_table("survey_codebook", book).column("item_type").to_pylist() == ["binary", None, "scale"]


def test_a_codebook_without_item_type_leaves_it_to_inference(tmp_path: Path) -> None:
    parsed = _parse(tmp_path, "question,construct,scale_min,scale_max\nq1,k,0,1\nq2,k,1,5\n")
    book = parsed.tables["survey_codebook"]
    assert book["item_type"].isna().all() and len(book) == 2
    assert pd.isna(as_table("survey_codebook", book).column("item_type").to_pylist()).all()
