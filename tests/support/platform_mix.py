"""A city whose platform mix moved after its review sample was drawn (tests/review/test_rates_platform_mix.py and
the many-worlds measurement in docs/review.md): English posts on X and Telegram, the classifier over-flagging X
and missing Telegram's slang, the random stratum drawn when the posts were mostly X (``SAMPLE_MIX``) and the posts
corrected now mostly Telegram (``COUNT_MIX``). The truth (hateful posts per row) is known."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

KEYS = ["city_id", "area_code", "period"]
# (tpr, fpr, prevalence) of the classifier and the posts on each platform
BEHAVIOUR = {"x": (0.85, 0.08, 0.06), "telegram": (0.45, 0.02, 0.20)}
SAMPLE_MIX = {"x": 0.85, "telegram": 0.15}  # the posts when the random stratum was drawn
COUNT_MIX = {"x": 0.40, "telegram": 0.60}  # the posts counted (and corrected) now


@dataclass(frozen=True)
class World:
    """``grid``: counts (KEYS, lang, platform, posts, flagged_posts); ``hate``: true hateful posts per grid row;
    ``reviewed``: the reviewed random stratum (post_key led by its platform, truth, label)."""

    grid: pd.DataFrame
    hate: np.ndarray
    reviewed: pd.DataFrame

    @property
    def truth(self) -> float:
        """The city's hateful posts."""
        return float(self.hate.sum())


def world(seed: int = 0, sample: int = 300, sample_mix: dict[str, float] | None = None,
          count_mix: dict[str, float] | None = None, posts: int = 50_000) -> World:
    """8 areas x 6 months of the city's posts (``posts`` in all, platforms in ``count_mix``) and a reviewed random
    stratum of ``sample`` posts drawn under ``sample_mix`` (each post's platform, truth and label drawn from
    ``BEHAVIOUR``)."""
    sample_mix, count_mix = sample_mix or SAMPLE_MIX, count_mix or COUNT_MIX
    rng = np.random.default_rng(seed)
    names = list(BEHAVIOUR)
    grid = pd.MultiIndex.from_product([["tyre"], [f"A{a}" for a in range(8)], [f"2026-{m:02d}" for m in range(1, 7)],
                                       ["en"], names], names=[*KEYS, "lang", "platform"]).to_frame(index=False)
    tpr, fpr, prev = (grid["platform"].map({p: b[i] for p, b in BEHAVIOUR.items()}).to_numpy() for i in range(3))
    share = grid["platform"].map(count_mix).to_numpy()
    grid["posts"] = rng.poisson(posts / 48 * share).clip(min=1)
    hate = rng.binomial(grid["posts"], prev)
    grid["flagged_posts"] = rng.binomial(hate, tpr) + rng.binomial(grid["posts"] - hate, fpr)
    platform = rng.choice(names, size=sample, p=[sample_mix[p] for p in names])
    s_tpr, s_fpr, s_prev = (pd.Series(platform).map({p: b[i] for p, b in BEHAVIOUR.items()}).to_numpy()
                            for i in range(3))
    truth = rng.random(sample) < s_prev
    label = np.where(truth, rng.random(sample) < s_tpr, rng.random(sample) < s_fpr)
    reviewed = pd.DataFrame({"post_key": [f"{p}:{i}" for i, p in enumerate(platform)],
                             "truth": np.where(truth, "hate", "none"), "label": np.where(label, "hate", "none")})
    return World(grid, hate, reviewed)


def stub_review(monkeypatch: pytest.MonkeyPatch | None, reviewed: pd.DataFrame, city_id: str = "tyre",
                lang: str = "en") -> None:
    """The city's review store stubbed with its reviewed random stratum (``loop.measured``, ``store.samples``);
    without ``monkeypatch`` the functions are replaced for good (a measurement script)."""
    from scn.review import loop, store

    def measured(c: str, lg: str) -> pd.DataFrame:
        return reviewed.copy()

    def samples(*a: object, **k: object) -> pd.DataFrame:
        keys = reviewed["post_key"] if "post_key" in reviewed.columns else pd.Series(range(len(reviewed)))
        return pd.DataFrame({"city_id": city_id, "lang": lang, "post_key": keys, "stratum": "random"})

    for module, name, fn in ((loop, "measured", measured), (store, "samples", samples)):
        if monkeypatch is None:
            setattr(module, name, fn)
        else:
            monkeypatch.setattr(module, name, fn)


def pooled_rates(reviewed: pd.DataFrame, city_id: str = "tyre", lang: str = "en") -> pd.DataFrame:
    """The rates table as published before strata: one reviewed row of platform ``*`` pooled over the sample."""
    t, p = reviewed["truth"].eq("hate").to_numpy(), reviewed["label"].eq("hate").to_numpy()
    return pd.DataFrame({"city_id": [city_id], "lang": [lang], "platform": ["*"],
                         "true_positives": [float((t & p).sum())], "positives": [float(t.sum())],
                         "false_positives": [float((~t & p).sum())], "negatives": [float((~t).sum())],
                         "rates_source": ["review"], "platforms": [",".join(sorted(set(
                             reviewed["post_key"].str.split(":").str[0])))], "n": [len(reviewed)]})


def population_accuracy(mix: dict[str, float] | None = None) -> dict[str, float]:
    """Precision, recall and F1 of the flagged class on posts of ``mix`` (default ``COUNT_MIX``), from
    ``BEHAVIOUR``: the figures an accuracy line describing those posts should give."""
    mix = mix or COUNT_MIX
    tp = sum(mix[p] * b[2] * b[0] for p, b in BEHAVIOUR.items())
    hate = sum(mix[p] * b[2] for p, b in BEHAVIOUR.items())
    flagged = tp + sum(mix[p] * (1 - b[2]) * b[1] for p, b in BEHAVIOUR.items())
    precision, recall = tp / flagged, tp / hate
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall)}


def platforms_of(reviewed: pd.DataFrame) -> np.ndarray:
    """The platform of each reviewed post (its key's lead)."""
    return reviewed["post_key"].str.split(":").str[0].to_numpy()


def measure_counts(worlds: int = 200, sample: int = 300) -> pd.DataFrame:
    """Per kind of rates (``published``: ``classifier_rates`` as published now; ``pooled``: one ``*`` row), over
    ``worlds`` worlds: the share whose city figure is corrected with review rates (the page shows it) and, among
    those, the mean and median relative error of the city's corrected count, the coverage of its 95% interval
    and its median width over the truth."""
    from scn.nlp.evaluation import evaluation_table
    from scn.review import published
    from scn.review.prevalence import adjusted_counts

    ev, rows = evaluation_table(), []
    for seed in range(worlds):
        w = world(seed, sample=sample)
        stub_review(None, w.reviewed)
        pairs = w.grid[["city_id", "lang", "platform"]].drop_duplicates()
        for name, rates in (("published", published.rates_table(pairs, ev)), ("pooled", pooled_rates(w.reviewed))):
            out = adjusted_counts(w.grid, rates, KEYS, seed=seed).iloc[0]
            rows.append({"rates": name, "shown": out["city_rates_source"] == "review",
                         "rel": out["city_adjusted_flagged_posts"] / w.truth - 1,
                         "cover": out["city_adjusted_low"] <= w.truth <= out["city_adjusted_high"],
                         "width": (out["city_adjusted_high"] - out["city_adjusted_low"]) / w.truth})
    r = pd.DataFrame(rows)
    shown = r[r["shown"]].groupby("rates").agg(bias=("rel", "mean"), median=("rel", "median"),
                                              coverage=("cover", "mean"), width=("width", "median"))
    return shown.assign(shown=r.groupby("rates")["shown"].mean())


def measure_accuracy(worlds: int = 200, sample: int = 300) -> pd.DataFrame:
    """Per accuracy figure (the sample's own; re-weighted to ``COUNT_MIX``, in the worlds where it is) and metric,
    over ``worlds`` worlds: the mean error against the posts' figure (``population_accuracy``), the coverage of the
    95% interval and its median width."""
    from scn.review.metrics import accuracy_report, mix_report

    pop, rows = population_accuracy(), []
    for seed in range(worlds):
        w = world(seed, sample=sample)
        t, lab = w.reviewed["truth"].to_numpy(), w.reviewed["label"].to_numpy()
        for name, out in (("sample's own", accuracy_report(t, lab, seed=seed)),
                          ("re-weighted", mix_report(t, lab, platforms_of(w.reviewed), COUNT_MIX, seed=seed))):
            if name == "re-weighted" and not out["weighted"]:
                continue
            rows += [{"figure": name, "metric": m, "err": out[m] - pop[m],
                      "cover": out[f"{m}_low"] <= pop[m] <= out[f"{m}_high"],
                      "width": out[f"{m}_high"] - out[f"{m}_low"]} for m in ("precision", "recall", "f1")]
    return pd.DataFrame(rows).groupby(["metric", "figure"]).agg(
        mean_err=("err", "mean"), coverage=("cover", "mean"), width=("width", "median"), worlds=("err", "size"))


if __name__ == "__main__":  # python -m tests.support.platform_mix [WORLDS [SAMPLE]] (docs/review.md's tables)
    import sys

    n, size = (int(sys.argv[1]) if len(sys.argv) > 1 else 200), (int(sys.argv[2]) if len(sys.argv) > 2 else 300)
    print(f"{n} worlds, {size} reviewed posts\n{measure_counts(n, size).round(3).to_string()}\n")
    print(measure_accuracy(n, size).round(3).to_string())
