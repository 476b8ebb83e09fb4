"""A `scn run` with nothing new costs little: inbox hashes come from a stamp cache, the labelling version from a
memo keyed by its inputs' stamps, the asset graph from a summary keyed by its code; the Dagster definitions, dbt,
scikit-learn and the dashboards are not imported. The settled home's run also proves that re-sent boundaries are
published once (issue "Also found")."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import joblib
import pytest
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from scn.enrich import parts
from scn.hashing import cached_sha256, file_sha256
from scn.publish import serving
from tests.support.cli import scn, scn_env, scn_home

HEAVY = ("orchestration.definitions", "dagster_dbt", "dbt", "sklearn", "dash", "scn.nlp.model", "geo.locate")


def test_inbox_hashes_are_cached_by_stamp(tmp_path: Path) -> None:
    a, b, state = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "state" / "hashes.json"
    a.write_text("id,text\n1,hello\n")
    b.write_text("id,text\n2,world\n")
    first = cached_sha256([a, b], state)
    assert first == {a: file_sha256(a), b: file_sha256(b)}
    assert set(json.loads(state.read_text())) == {str(a), str(b)}
    # a cached hash is trusted while the stamp holds: plant a wrong one to see it is not recomputed
    cache = json.loads(state.read_text())
    cache[str(a)][-1] = "0" * 64
    state.write_text(json.dumps(cache))
    assert cached_sha256([a], state)[a] == "0" * 64
    assert set(json.loads(state.read_text())) == {str(a)}  # b left the inbox: its entry is dropped


def test_a_file_rewritten_in_place_with_its_size_and_mtime_is_hashed_again(tmp_path: Path) -> None:
    """The ctime (which no one can set back) is in the stamp: same size, mtime forced back -> detected."""
    f, state = tmp_path / "posts.csv", tmp_path / "hashes.json"
    f.write_text("id,text\n1,aaaa\n")
    before = cached_sha256([f], state)[f]
    st = f.stat()
    with open(f, "r+b") as fh:  # in place: same inode, same size
        fh.write(b"id,text\n1,bbbb\n")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (f.stat().st_size, f.stat().st_mtime_ns, f.stat().st_ino) == (st.st_size, st.st_mtime_ns, st.st_ino)
    after = cached_sha256([f], state)[f]
    assert after != before and after == file_sha256(f)


@pytest.mark.parametrize("damage", [b"{not json", b"[1, 2]", b'{"x": "not a stamp list"}', b"\xff\xfe"])
def test_a_damaged_hash_cache_is_ignored(tmp_path: Path, damage: bytes) -> None:
    f, state = tmp_path / "a.csv", tmp_path / "hashes.json"
    f.write_text("id\n1\n")
    state.write_bytes(damage)
    assert cached_sha256([f, tmp_path / "gone.csv"], state) == {f: file_sha256(f), tmp_path / "gone.csv": None}
    assert json.loads(state.read_text())[str(f)][-1] == file_sha256(f)


def _tiny_model(path: Path, c: float) -> None:
    texts = ["you are vermin", "go away scum", "I hate you all", "lovely day", "nice weather", "see you soon"]
    labels = ["hate", "hate", "offensive", "none", "none", "none"]
    joblib.dump(make_pipeline(CountVectorizer(), LogisticRegression(C=c)).fit(texts, labels), path)


def test_the_labelling_version_changes_with_the_artefact_and_the_rules(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "tiny.joblib"
    _tiny_model(model, 1.0)
    rules = tmp_path / "rules.py"
    rules.write_text("CUES = ['vermin']\n")
    monkeypatch.setattr(parts, "rule_files", lambda: [rules])
    with scn_home(tmp_path / "home"):
        monkeypatch.setenv("SCN_CLASSIFIER", str(model))
        v1 = parts.current_labelling_version()
        assert v1.startswith(f"tiny-{file_sha256(model)[:12]}+") and v1 == parts._compute_labelling_version()
        assert parts.current_labelling_version() == v1  # from the memo
        memo = tmp_path / "home" / "state" / "labelling_version.json"
        assert json.loads(memo.read_text())["value"] == v1

        _tiny_model(model, 0.01)  # another fit: other bytes
        v2 = parts.current_labelling_version()
        assert v2 != v1 and v2.startswith(f"tiny-{file_sha256(model)[:12]}+")

        rules.write_text("CUES = ['vermin', 'rats']\n")  # a rule (cue word) changes
        v3 = parts.current_labelling_version()
        assert v3 not in {v1, v2} and v3 == parts._compute_labelling_version()

        memo.write_text("{broken")  # a damaged memo is recomputed
        assert parts.current_labelling_version() == v3


RESENT = "areas-resent.geojson"  # Saida's boundary file sent again, every area's population changed


@pytest.fixture(scope="module")
def settled_home(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo home with Saida's boundaries re-sent (``RESENT``), after one `scn run` (a copied home's
    warehouse is rebuilt whole: this settles it, and fills the caches), shared by the tests below: each leaves it
    with nothing new, as it found it. One run serves both the re-sent boundaries and the settled home: each cost
    a copy of the demo home and a whole rebuild of its own."""
    home = tmp_path_factory.mktemp("noop") / "home"
    shutil.copytree(demo_home, home, symlinks=True)
    src = home / "inbox" / "boundaries" / "saida"
    doc = json.loads(next(src.glob("*.geojson")).read_text())
    for feature in doc["features"]:
        feature["properties"] = {**feature["properties"], "population": 1234}
    (src / RESENT).write_text(json.dumps(doc))
    scn("run", home=home)
    return home


def test_resent_boundaries_are_published_once(settled_home: Path) -> None:
    """`areas`/`cities` were published from the lake, bypassing staging's newest-wins rule: a re-sent boundary
    file duplicated every area on the dashboard. They are marts now, built from staging. (Issue "Also found";
    the run of ``settled_home`` is the one that received the re-sent file.)"""
    home = settled_home
    doc = json.loads((home / "inbox" / "boundaries" / "saida" / RESENT).read_text())
    with scn_home(home):
        areas = serving.read_serving("areas")
        cities = serving.read_serving("cities")
    assert not areas.duplicated(["city_id", "area_code"]).any()
    assert not cities.duplicated(["city_id"]).any()
    saida = areas[areas["city_id"] == "saida"]
    assert len(saida) == len(doc["features"]) and (saida["population"] == 1234).all()  # the newest version wins


def test_a_run_with_nothing_new_imports_no_heavy_stack(settled_home: Path) -> None:
    home = settled_home
    code = ("import sys; from orchestration.run import run_pipeline; ok = run_pipeline(); "
            f"print(ok, [m for m in {HEAVY!r} if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], env=scn_env(home), capture_output=True, text=True,
                          timeout=600, check=True)
    assert proc.stdout.strip().splitlines()[-1] == "True []", proc.stdout[-2000:]
    assert "nothing new" in proc.stdout
    # the caches are files under $SCN_HOME/state, each readable JSON
    assert {p.name for p in (home / "state").glob("*.json")} >= {"inbox_sha256.json", "labelling_version.json",
                                                                 "asset_graph.json"}


def test_changed_settings_are_those_differing_from_the_last_complete_run(tmp_path: Path) -> None:
    """A home without a record counts every output setting as changed; after ``record_settings`` none is; a
    changed suppression threshold is named (and a setting no table depends on is not)."""
    from orchestration.run import changed_settings, record_settings
    from scn.settings import OUTPUT_SETTINGS, override

    with override(home=tmp_path / "home"):
        assert changed_settings() == list(OUTPUT_SETTINGS)
        record_settings()
        assert changed_settings() == []
        with override(suppress_below=9, retries=7):
            assert changed_settings() == ["suppress_below"]
        (tmp_path / "home" / "state" / "output_settings.json").write_text("[not, an, object")
        assert changed_settings() == list(OUTPUT_SETTINGS)  # a damaged record: recompute, never trust it


def test_each_asset_is_compared_with_the_settings_it_was_computed_with(tmp_path: Path) -> None:
    """A `scn run --select` records the settings of the assets it computed; an asset without its own record
    counts the last complete run's, and with neither every setting counts as changed."""
    from dagster import AssetKey

    from orchestration.run import changed_settings, record_settings
    from scn.settings import OUTPUT_SETTINGS, override

    a, b = AssetKey(["analysis", "alerts"]), AssetKey(["serving", "snapshot"])
    with override(home=tmp_path / "home"):
        record_settings([a])
        assert changed_settings([a]) == []
        assert changed_settings([a, b]) == changed_settings() == list(OUTPUT_SETTINGS)  # b: no record at all
        record_settings()  # a complete run: every asset computed with these
        assert changed_settings([a, b]) == []
        with override(suppress_below=9):
            record_settings([a])  # a selection recomputed a with another threshold
            assert changed_settings([a]) == []
            assert changed_settings([a, b]) == ["suppress_below"]  # b was computed with the old one
        assert changed_settings([a]) == ["suppress_below"] and changed_settings([b]) == []
        state = tmp_path / "home" / "state" / "output_settings.json"
        state.write_text(json.dumps({"settings": json.loads(state.read_text())["settings"], "assets": [1]}))
        assert changed_settings([a, b]) == []  # a damaged per-asset record is ignored, the complete one holds


def test_a_home_built_by_selected_runs_is_not_recomputed_whole(settled_home: Path) -> None:
    """A home whose assets were computed by `scn run --select` runs (as `make bench` builds its cold run, stage
    by stage) has nothing new for the next `scn run`: each selection recorded the settings of what it computed.
    Here every asset but the snapshot carries its record, and a real `scn run --select key:serving/snapshot`
    must write the last one; before, no selection recorded anything, and the next `scn run` recomputed every
    city ("settings changed since the last complete run")."""
    from assets.keys import SNAPSHOT_KEY
    from orchestration.instance import scn_instance
    from orchestration.run import graph_summary, record_settings
    from scn.settings import override

    home = settled_home  # settled by the fixture's `scn run`: nothing new
    (home / "state" / "output_settings.json").unlink()  # no complete run on record
    with override(home=home):
        keys = graph_summary().keys
        latest = scn_instance().get_latest_materialization_events(sorted(keys))
        record_settings([k for k in keys if latest.get(k) is not None and k != SNAPSHOT_KEY])
    scn("run", "--select", "key:serving/snapshot", home=home)
    proc = scn("run", home=home)
    assert "nothing new" in proc.stdout and "settings changed" not in proc.stdout, [
        line for line in proc.stdout.splitlines() if line.startswith("scn run")]


def test_a_lake_part_rewritten_within_one_mtime_tick_changes_the_dbt_state(tmp_path: Path) -> None:
    """The dbt state's lake fingerprints use the full file stamp (ctime, inode): a part rewritten in place with
    its size and mtime put back still counts as changed (a per-city build on it would keep stale rows)."""
    from assets.transforms.state import lake_fingerprints
    from scn.settings import override

    part = tmp_path / "home" / "lake" / "posts_enriched" / "part-london--abc.parquet"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"PAR1aaaa")
    with override(home=tmp_path / "home"):
        before = lake_fingerprints()
        st = part.stat()
        with open(part, "r+b") as fh:
            fh.write(b"PAR1bbbb")
        os.utime(part, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert lake_fingerprints()["posts_enriched"] != before["posts_enriched"]
