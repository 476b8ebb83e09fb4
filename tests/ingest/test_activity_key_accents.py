"""An activity id as the warehouse keys it (transforms/macros/activity_key.sql), at ingest too: a participant list
naming the activity ``ÉTÉ-1`` with its accents as combining marks, without accents, or with a doubled space names
it, and gets no ``activity_not_found`` warning; an id naming nothing still does."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd

from scn.ingest.pipeline import ingest_file
from tests.support.city_name_worlds import tricky_names
from tests.support.programme_files import ACT, PEOPLE

NFD = unicodedata.normalize("NFD", "été-1")


def test_the_python_key_is_the_warehouse_key() -> None:
    """scn.ingest.programme.activity_key and the dbt macro give the same key to every spelling (the macro rendered
    and run in DuckDB over the same ids)."""
    import duckdb
    import jinja2

    from scn.ingest.programme import activity_key

    ids = ["ÉTÉ-1", NFD, "ete-1", " Ete-1 ", "ACT 7", "act\u00a0 7", "act\u202f7", "C-2"]
    macro = (Path(__file__).resolve().parents[2] / "transforms" / "macros" / "activity_key.sql").read_text()
    sql = jinja2.Environment().from_string(macro + "{{ activity_key('id') }}").render()
    warehouse = [r[0] for r in duckdb.execute(f"select {sql} from unnest(?) as t(id)", [ids]).fetchall()]
    python = activity_key(pd.Series(ids, dtype="string")).tolist()
    assert python == warehouse == ["ete-1"] * 4 + ["act 7"] * 3 + ["c-2"]
    assert activity_key(pd.Series([None], dtype="string")).isna().all()


def test_the_python_key_is_the_warehouse_key_over_a_world_of_names() -> None:
    """Over 20,029 names (ligatures, full-width forms, Turkish i's, marks of many scripts: ``tricky_names``) the
    ingest's key is the macro's, run by DuckDB as dbt renders it. Was: a Python twin (NFD, ``combining``, ``lower``)
    keyed 6,698 of them apart (a spacing mark ``strip_accents`` drops, ``ẞ``...)."""
    import duckdb
    import jinja2

    from scn.ingest.programme import activity_key

    ids = tricky_names()
    macro = (Path(__file__).resolve().parents[2] / "transforms" / "macros" / "activity_key.sql").read_text()
    sql = jinja2.Environment().from_string(macro + "{{ activity_key('id') }}").render()
    warehouse = [r[0] for r in duckdb.execute(f"select {sql} from unnest(?) with ordinality as t(id, i) order by i",
                                              [ids]).fetchall()]
    python = activity_key(pd.Series(ids, dtype="string")).tolist()
    assert len(ids) == 20029 and len(set(warehouse)) > 19000
    assert [(i, p, w) for i, p, w in zip(ids, python, warehouse, strict=True) if p != w] == []


def test_participants_name_an_activity_whatever_its_accents(home: Path, tmp_path: Path) -> None:
    (tmp_path / "activities-e.csv").write_text(ACT + "ÉTÉ-1,training,workshop,T,Saida,Lebanon,saida,2025-03-10,\n",
                                               encoding="utf-8")
    ingest_file("programme", tmp_path / "activities-e.csv")
    (tmp_path / "participants-e.csv").write_text(PEOPLE + "".join([
        f"R1,{NFD},p1,mayor,Saida,Lebanon,m\n", "R2,ete-1,p2,mayor,Saida,Lebanon,m\n",
        "R3,ETE-2,p3,mayor,Saida,Lebanon,m\n"]), encoding="utf-8")
    r = ingest_file("programme", tmp_path / "participants-e.csv")
    assert [w for w in r.warnings if w["code"] == "activity_not_found"] == [
        {"code": "activity_not_found", "rows": 1, "activity_ids": ["ETE-2"], "field": "activity_id"}]
