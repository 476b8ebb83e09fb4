"""The enriched parts (``posts_enriched``, ``crimes_enriched``) are assembled in DuckDB: the city's posts or crimes,
their labels and locations joined, month and ISO week of the UTC timestamp, ordered by key, in the lake schema.
Checked against the pandas assembly they replaced (merge, ``isocalendar``, stable sort) on rows built to break
it: timestamps at ISO-year boundaries and missing, posts without a label or with two, a language missing or
empty, keys whose order differs between byte and case-insensitive sorting, and a DuckDB session in a time zone
far from UTC."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from shapely.geometry import box

from geo.locate import locate_crimes, locate_posts
from scn import lake
from scn.enrich import tables
from scn.lake.schema import LAKE_SCHEMAS, as_table
from scn.scratch import scratch
from scn.settings import override

EDGES = ["2020-12-31T23:59:59Z", "2021-01-03T12:00:00Z", "2021-01-04T00:00:00Z", "2024-12-30T00:30:00Z",
         "2026-12-27T23:59:59Z", "2026-12-28T00:00:00Z", None, "2015-06-15T08:00:00Z"]
KEYS = ["b:2", "B:1", "a:10", "a:9", "é:1", "e:1", "_:1", "z:0"]


def _periods(ts: pd.Series) -> pd.DataFrame:
    """The pandas period columns the DuckDB assembly replaced."""
    ts = pd.to_datetime(ts, utc=True)
    iso = ts.dt.isocalendar()
    week = iso["year"].astype("string") + "-W" + iso["week"].astype("string").str.zfill(2)
    return pd.DataFrame({"month": ts.dt.strftime("%Y-%m"), "week": week.where(ts.notna())}, index=ts.index)


def _world(home: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    n = len(KEYS)
    posts = pd.DataFrame({
        "post_key": KEYS, "platform": "x", "post_id": [str(i) for i in range(n)], "city_id": "saida",
        "created_at": pd.to_datetime(EDGES, utc=True), "text": "t", "lang": ["en", None, "", "fr", None, "ar", "en", "en"],
        "lat": [33.55, None, 33.55, None, 99.0, 33.52, None, 33.58], "lon": [35.35, None, 35.45, None, 35.3, 35.31, None, 35.48],
        "place": [None, "Old Town, Saida", "Saida", "nowhere", None, None, "Haret Saida / Old Town", None],
        "author_pseudo": "p", "url": None, "source_file": "f.csv", "source_row": range(n)})
    first = pd.DataFrame({"post_key": ["b:2", "a:10", "é:1", "B:1"], "label": ["hate", "none", "offensive", "none"],
                          "score_hate": [0.9, 0.1, 0.3, 0.2], "target": ["religion", None, None, None],
                          "assessed": [True, True, True, False], "method": ["model", "model", "model", None],
                          "lang_detected": ["en", "de", "fr", "it"], "model_version": "m1"})
    second = first.iloc[[0]].assign(label="none", score_hate=0.0)  # a second label for b:2, in a later part
    areas = pd.DataFrame({"city_id": "saida", "area_code": ["S1", "S2"], "area_name": ["Old Town", "Haret Saida"],
                          "area_name_local": None, "population": 10,
                          "geometry_wkt": [box(35.30, 33.50, 35.40, 33.60).wkt, box(35.40, 33.50, 35.50, 33.60).wkt],
                          "centroid_lat": 33.55, "centroid_lon": [35.35, 35.45]})
    cities = pd.DataFrame({"city_id": ["saida"], "name": ["Saida"], "country": "Lebanon", "country_code": "LB",
                           "region": None})
    crimes = pd.DataFrame({"crime_key": KEYS, "source": "police", "crime_id": [str(i) for i in range(n)],
                           "city_id": "saida", "occurred_at": pd.to_datetime(EDGES, utc=True),
                           "category": ["assault", "hate", None, "theft", "hate", "other", "x", "y"],
                           "is_hate": [False, True, False, False, True, False, False, True],
                           "lat": posts["lat"], "lon": posts["lon"], "lsoa_code": [None, "S2", "S9", None, None,
                                                                                   None, None, None]})
    with override(home=home):
        lake.write_part("posts", as_table("posts", posts), "one")
        lake.write_part("post_labels", as_table("post_labels", first), "a-first")
        lake.write_part("post_labels", as_table("post_labels", second), "b-second")
        lake.write_part("areas", as_table("areas", areas), "one")
        lake.write_part("cities", cities.reindex(columns=LAKE_SCHEMAS["cities"].names), "one")
        lake.write_part("crimes", crimes.reindex(columns=LAKE_SCHEMAS["crimes"].names), "one")
    return posts, first, areas, cities.assign(name_local=None), crimes


def _same(home: Path, table: str, want: pd.DataFrame) -> pd.DataFrame:
    """The city's part as written, checked equal (Arrow schema and values) to ``want`` in the lake schema."""
    with override(home=home):
        (path,) = lake.table_dir(table).glob("part-saida--*.parquet")
    got, expected = pq.read_table(path), as_table(table, want)
    assert got.schema == expected.schema
    assert got.equals(expected), pd.concat({"got": got.to_pandas(), "want": expected.to_pandas()}, axis=1)
    return got.to_pandas()


@pytest.fixture()
def far_time_zone():
    """The process's DuckDB sessions in a time zone 14 hours from UTC (periods must stay those of UTC)."""
    with scratch() as con:
        before = con.execute("select current_setting('TimeZone')").fetchone()[0]
        con.execute("set global TimeZone = 'Pacific/Kiritimati'")
    yield
    with scratch() as con:
        con.execute(f"set global TimeZone = '{before}'")


def test_posts_enriched_equals_the_pandas_assembly(tmp_path: Path, far_time_zone: None) -> None:
    tmp_path = tmp_path / "o'brien's home"  # pasted into DuckDB queries as a path
    posts, first, areas, cities, _ = _world(tmp_path)
    with override(home=tmp_path):
        done = tables.enrich_posts(res=8)
    assert done["cities"] == ["saida"] and done["rows"] == len(posts)
    located = locate_posts(posts[["post_key", "city_id", "created_at", "lat", "lon", "place", "lang"]],
                           areas, cities, 8)
    want = (posts[["post_key", "city_id", "created_at", "lang"]]
            .merge(first, on="post_key", how="left")  # b:2: the label of the part named first
            .merge(located, on="post_key", how="left"))
    want["lang"] = want["lang"].fillna(want["lang_detected"])
    want = pd.concat([want, _periods(want["created_at"])], axis=1)
    want["assessed"] = want["assessed"].fillna(False).astype(bool)
    want["method"] = want["method"].where(want["method"].notna(), "not_assessed")
    got = _same(tmp_path, "posts_enriched", want.sort_values("post_key", kind="stable"))
    assert got["post_key"].tolist() == ["B:1", "_:1", "a:10", "a:9", "b:2", "e:1", "z:0", "é:1"]  # code points
    by_key = got.set_index("post_key")
    assert by_key.loc["b:2", ["month", "week"]].tolist() == ["2020-12", "2020-W53"]  # 2021-01-01 at Kiritimati
    assert by_key.loc["e:1", "week"] == "2026-W53" and by_key.loc["é:1", "week"] == "2026-W52"
    assert pd.isna(by_key.loc["_:1", "week"]) and pd.isna(by_key.loc["_:1", "month"])
    assert got.set_index("post_key").loc["B:1", "lang"] == "it" and got.set_index("post_key").loc["a:10", "lang"] == ""
    assert got.set_index("post_key").loc["b:2", "label"] == "hate"
    assert got.set_index("post_key").loc["_:1", "area_code"] == "S2"  # the first-named place of two areas


def test_crimes_enriched_equals_the_pandas_assembly(tmp_path: Path, far_time_zone: None) -> None:
    *_, areas, _, crimes = _world(tmp_path)
    with override(home=tmp_path):
        done = tables.enrich_crimes(res=8)
    assert done["cities"] == ["saida"]
    located = locate_crimes(crimes[["crime_key", "city_id", "lat", "lon", "lsoa_code"]], areas, 8)
    want = crimes[["crime_key", "city_id", "occurred_at", "category", "is_hate"]].merge(located, on="crime_key",
                                                                                        how="left")
    want = pd.concat([want, _periods(want["occurred_at"])], axis=1)
    got = _same(tmp_path, "crimes_enriched", want.sort_values("crime_key", kind="stable"))
    assert got["month"].isna().sum() == 1 and got["week"].isna().sum() == 1


def test_a_lake_without_labels_enriches_every_post_as_not_assessed(tmp_path: Path) -> None:
    posts, *_ = _world(tmp_path)
    with override(home=tmp_path):
        for part in lake.table_dir("post_labels").glob("*.parquet"):
            part.unlink()
        lake.table_dir("post_labels").rmdir()
        assert not lake.has_table("post_labels")
        tables.enrich_posts(res=8)
        (path,) = lake.table_dir("posts_enriched").glob("part-saida--*.parquet")
    got = pq.read_table(path).to_pandas()
    assert len(got) == len(posts) and not got["assessed"].any()
    assert set(got["method"]) == {"not_assessed"} and got["label"].isna().all()
    assert pd.isna(got.set_index("post_key").loc["B:1", "lang"])  # no language given, none detected


def test_a_missing_score_is_stored_as_null(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A classifier's NaN score is written as a null, as the pandas writer did (SQL averages skip it)."""
    posts, *_ = _world(tmp_path)
    real = tables.classify

    def with_nan(texts: list, langs: list) -> pd.DataFrame:
        out = real(texts, langs)
        out.loc[0, "score_hate"] = float("nan")
        return out

    monkeypatch.setattr(tables, "classify", with_nan)
    with override(home=tmp_path):
        for part in lake.table_dir("post_labels").glob("*.parquet"):
            part.unlink()
        tables.classify_new_posts()
        labels = pq.read_table(next(lake.table_dir("post_labels").glob("part-*.parquet")))
    assert labels["score_hate"].null_count == 1 and labels.num_rows == len(posts)
    assert not any(v != v for v in labels["score_hate"].to_pylist() if v is not None)  # no NaN left


def test_label_parts_of_the_old_pandas_writer_and_the_arrow_writer_read_together(tmp_path: Path) -> None:
    """A lake labelled before the Arrow writer (e5d5c2b) holds parts the pandas writer made: its all-missing
    ``target`` a null-typed column, ``method`` a pandas string, the version an object column. The next labelling
    adds lake-schema parts beside them; the enriched part reads both (DuckDB unions the parts by name)."""
    posts, first, *_ = _world(tmp_path)
    with override(home=tmp_path):
        for part in lake.table_dir("post_labels").glob("*.parquet"):
            part.unlink()
        version = tables.current_labelling_version()  # the parts of the labelling in force (not stale)
        tag = tables.label_version_tag(version)
        old = pd.DataFrame({"post_key": ["b:2", "a:10"], "label": ["hate", "none"],
                            "score_hate": [0.9, float("nan")], "target": None,
                            "assessed": [True, True], "method": pd.array(["model", None], dtype="string"),
                            "lang_detected": pd.array(["en", "de"], dtype="string"), "model_version": version})
        lake.write_part("post_labels", old, f"{tag}-old")  # as the pandas writer did: no cast to the lake schema
        kinds = {f.name: str(f.type) for f in pq.read_schema(next(lake.table_dir("post_labels").glob("*.parquet")))}
        assert kinds["target"] == "null" and kinds["target"] != str(LAKE_SCHEMAS["post_labels"].field("target").type)
        tables.classify_new_posts()  # labels the other six posts with the Arrow writer, in the lake schema
        assert len(list(lake.table_dir("post_labels").glob("*.parquet"))) == 2
        done = tables.enrich_posts(res=8)
        (path,) = lake.table_dir("posts_enriched").glob("part-saida--*.parquet")
    got = pq.read_table(path)
    assert done["rows"] == len(posts) and got.schema == LAKE_SCHEMAS["posts_enriched"]
    by_key = got.to_pandas().set_index("post_key")
    assert by_key.loc["b:2", "label"] == "hate" and by_key.loc["a:10", "label"] == "none"  # the old part's
    assert pd.isna(by_key.loc["a:10", "score_hate"]) and pd.isna(by_key.loc["b:2", "target"])
    assert by_key["label"].notna().all()  # every post has its label row, from one part or the other
