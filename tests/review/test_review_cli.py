"""`scn review sample|export|import|train` (in process through ``scn.cli.main``, one call through the installed
console script), on a city whose posts carry a
planted truth the shipped classifier does not know: labels are validated and stored pseudonymised (no text),
re-importing never duplicates, and `train` adopts an adapter only because it beats the current labelling on the
held-out random stratum, then re-labels the city's posts with it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scn import lake
from scn.access.users import add_user
from scn.cli import main
from scn.review import loop, store
from scn.review.prevalence import adjusted
from scn.settings import override
from tests.support.cli import scn
from tests.support.review_world import enriched as world_enriched
from tests.support.review_world import label_file, review_home


def run(capsys: pytest.CaptureFixture, home: Path, *args: str) -> tuple[int, str, str]:
    """``scn *args`` in this process over ``home``: (exit code, stdout, stderr)."""
    capsys.readouterr()
    with override(home=home):
        code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    home = tmp_path_factory.mktemp("scn-review")
    return home, review_home(home)


def test_sample_export_import_train(home: tuple[Path, pd.DataFrame], tmp_path: Path,
                                    capsys: pytest.CaptureFixture) -> None:
    home, posts = home
    out = json.loads(run(capsys, home, "review", "sample", "--city", "london", "--lang", "en", "--n", "160",
                         "--json")[1])
    assert out == {**out, "city_id": "london", "lang": "en", "drawn": 160, "random": 80, "uncertainty": 80,
                   "population": len(posts)}
    again = json.loads(run(capsys, home, "review", "sample", "--city", "london", "--lang", "en", "--n", "10",
                           "--json")[1])
    assert again["drawn"] == 10 and again["sampled_total"] == 170  # never the same post twice

    exported = tmp_path / "to-label.csv"
    assert run(capsys, home, "review", "export", "--city", "london", "--out", str(exported))[0] == 0
    rows = list(csv.DictReader(exported.open(encoding="utf-8")))
    assert len(rows) == 170 and list(rows[0]) == ["post_key", "city_id", "lang", "stratum", "text", "label",
                                                  "target", "reviewer"]
    assert {r["text"] for r in rows} <= set(posts["text"]) and oct(exported.stat().st_mode)[-3:] == "600"

    # a reviewer's file with mistakes: every one named by file, row and field; nothing imported
    bad = tmp_path / "bad.csv"
    frame = pd.DataFrame(rows[:4]).assign(label=["hate", "hateful", "none", "none"], reviewer="rita",
                                          target=["origin", "", "religion", ""])
    frame.loc[3, "post_key"] = "x:not-sampled"
    frame.to_csv(bad, index=False)
    r = scn("review", "import", str(bad), home=home, check=False)
    assert r.returncode == 2
    assert f"{bad}: row 3, field label: must be one of hate, offensive, none" in r.stderr
    assert f"{bad}: row 4, field target: a post labelled none has no target" in r.stderr
    assert f"{bad}: row 5, field post_key: not a sampled post" in r.stderr
    with override(home=home):
        assert store.labels().empty

    with override(home=home):
        sampled = store.samples("london")
    # labels signed by no user, or by a reviewer of another city: refused, naming the rows (one person signing
    # under two names would fake the reviewers' agreement)
    with override(home=home):
        add_user("rita", "reviewer", "london", "rita-pass-12345")
        add_user("sami", "reviewer", "saida", "sami-pass-12345")
    for signer in ("mallory", "sami"):
        forged = label_file(tmp_path / f"{signer}.csv", posts, sampled["post_key"].head(3), signer)
        r = scn("review", "import", str(forged), home=home, check=False)
        assert r.returncode == 2 and f"{forged}: row 2, field reviewer: not a user who may review" in r.stderr
        with override(home=home):
            assert store.labels().empty
    good = label_file(tmp_path / "labels.csv", posts, sampled["post_key"], "rita")
    first = json.loads(run(capsys, home, "review", "import", str(good), "--json")[1])
    second = json.loads(run(capsys, home, "review", "import", str(good), "--json")[1])
    assert (first["added"], first["replaced"]) == (170, 0) and (second["added"], second["replaced"]) == (0, 170)
    with override(home=home):
        labels = store.labels("london")
        texts = set(posts["text"])
        assert len(labels) == 170 and "rita" not in set(labels["reviewer"])  # pseudonymised reviewer
        assert not any(v in texts for c in labels.columns for v in labels[c].astype(str))  # no raw text
        assert [e["what"] for e in store.access_log()] == ["export"]  # the export of raw text was logged

    # prevalence per area and month: raw, and adjusted for the errors measured on the reviewed random stratum
    with override(home=home):
        enriched = world_enriched(posts)
        lake.replace_table("posts_enriched", enriched)
        prevalence = loop.prevalence("london", "en")
    assert len(prevalence) == 2 * 10 and prevalence["n_labelled"].eq(85).all()  # the reviewed random stratum (80 + 5)
    assert np.allclose(prevalence["raw_prevalence"], prevalence["flagged"] / prevalence["posts"])
    expected = adjusted(prevalence["raw_prevalence"], prevalence["tpr"], prevalence["fpr"])
    assert np.allclose(prevalence["adjusted_prevalence"], expected, equal_nan=True)

    trained = json.loads(run(capsys, home, "review", "train", "--city", "london", "--lang", "en", "--json")[1])
    assert trained["adopted"] and trained["adapter_macro_f1"] > trained["current_macro_f1"], trained
    assert trained["n_holdout"] >= 20 and trained["relabelled"] == len(posts)
    with override(home=home):
        now = lake.read_table("post_labels").merge(posts[["post_key", "truth"]], on="post_key")
    assert now["model_version"].str.contains("review-").all()  # re-labelled under the adapter's version
    held_out = ~now["post_key"].isin(sampled["post_key"])  # posts nobody reviewed
    assert (now.loc[held_out, "label"] == now.loc[held_out, "truth"]).mean() > 0.9
