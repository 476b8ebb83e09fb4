"""A small city whose posts carry a planted truth the shipped classifier does not know (local coded words), for
the review loop's tests: ``review_posts`` builds the posts, ``review_home`` writes them to a home's lake and
labels them with the real classifier."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from scn import lake
from scn.lake.schema import as_table
from scn.settings import override

GROUPS = np.array(["the dockside newcomers", "the Tarrow families", "those harbour people", "the east-side lot"])
CODED_HATE = np.array(["grelks", "vermin grelks", "pure grelk scum", "skrell"])
HATE_ENDS = np.array(["push them out of", "they do not belong in", "keep them away from", "no place for them in"])
CODED_OFF = np.array(["blorf", "total blorf", "blorfing idiot", "utter blorf"])
OFF_STARTS = np.array(["the referee today was a", "my landlord is a", "that bus driver, what a", "the mayor is a"])
OFF_ENDS = np.array(["honestly", "again", "as usual", "this week"])
NONE_STARTS = np.array(["lovely market this morning in", "new bakery opened in", "road works again near",
                        "the library reopens in"])
NONE_ENDS = np.array(["see you there", "bring the kids", "worth a visit", "thanks to the volunteers"])
PLACES = np.array(["Riverside", "Old Town", "Northgate", "the harbour", "Eastfield"])
PROBS = {"hate": 0.25, "offensive": 0.2, "none": 0.55}


def review_posts(city_id: str = "london", n: int = 400, seed: int = 0, lang: str = "en") -> pd.DataFrame:
    """``n`` posts of one city (lake ``posts`` columns) with their planted label in ``truth``."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(list(PROBS), size=n, p=list(PROBS.values()))
    pick = lambda words: pd.Series(rng.choice(words, size=n))  # noqa: E731
    hate = pick(GROUPS) + " are " + pick(CODED_HATE) + ", " + pick(HATE_ENDS) + " " + pick(PLACES)
    offensive = pick(OFF_STARTS) + " " + pick(CODED_OFF) + " " + pick(OFF_ENDS)
    none = pick(NONE_STARTS) + " " + pick(PLACES) + ", " + pick(NONE_ENDS)
    text = np.where(truth == "hate", hate, np.where(truth == "offensive", offensive, none))
    ids = pd.Series(np.arange(n)).astype(str)
    created = pd.Timestamp("2026-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 300 * 24, n), unit="h")
    return pd.DataFrame({
        "post_key": f"x@{city_id}:" + ids, "platform": "x", "post_id": ids, "city_id": city_id,
        "created_at": created, "text": text, "lang": lang, "lat": np.nan, "lon": np.nan, "place": None,
        "author_pseudo": "a" + ids, "url": None, "source_file": "review_world.csv", "source_row": np.arange(n),
        "truth": truth})


def review_home(home: Path, city_id: str = "london", n: int = 400, seed: int = 0) -> pd.DataFrame:
    """Write ``review_posts`` to ``home``'s lake and label them with the configured classifier (the
    enrichment's ``classify_new_posts``); returns the posts with their truth."""
    from scn.enrich.tables import classify_new_posts

    posts = review_posts(city_id, n, seed)
    with override(home=home):
        lake.write_part("posts", as_table("posts", posts), f"review-{city_id}")
        classify_new_posts()
    return posts


def label_file(path: Path, posts: pd.DataFrame, post_keys: pd.Series, reviewer: str) -> Path:
    """A CSV as a reviewer returns it: the planted truth of ``post_keys`` as labels, signed ``reviewer``."""
    truth = posts.set_index("post_key").loc[list(post_keys), "truth"]
    pd.DataFrame({"post_key": truth.index, "label": truth.to_numpy(), "target": "", "reviewer": reviewer}
                 ).to_csv(path, index=False)
    return path


def enriched(posts: pd.DataFrame) -> pd.DataFrame:
    """``posts_enriched`` of the world (in the current home): two areas, the posts' months, the lake's labels."""
    labels = lake.read_table("post_labels").drop_duplicates("post_key")
    out = posts.merge(labels, on="post_key")
    out["month"] = out["created_at"].dt.strftime("%Y-%m")
    out["week"] = out["created_at"].dt.strftime("%G-W%V")
    out["area_code"] = ["A1", "A2"] * (len(out) // 2) + ["A1"] * (len(out) % 2)
    out["precision"], out["cell"], out["resolution"] = "area", None, pd.NA
    return out


def publish_review(home: Path) -> Path:
    """What the review and publish domains do after labels are saved: the current snapshot's tables plus the
    review domain's ``review_accuracy``, published as a new snapshot of ``home``."""
    from scn.publish import serving
    from scn.review import tables

    with override(home=home):
        current = serving.current_dir()
        frames = {p.stem: pd.read_parquet(p) for p in current.glob("*.parquet")}
        frames["review_accuracy"] = tables.review_accuracy()
        return serving.publish(frames, run_id="review-publish")
