"""Labelling throughput: scn.nlp.classify() on a realistic mix of posts, against the reference path in the same run.

The mix (``realistic_mix``): N posts whose texts are the labelled split and demo texts (en, fr, ar; languages
given, as posts carry them in the pipeline), made distinct where more are needed (a text plus a hashtag and a
number), of which a share ``--unique-share`` is distinct and the rest repeats them with a Zipf popularity
(retweets and copypasta concentrate on a few texts). Prints (and with --out writes) a JSON record:

- ``posts_per_s``: the default path (identical texts labelled once, fused kernels of scn.nlp.fused, two threads);
- ``before_posts_per_s`` / ``before_unique_posts_per_s``: the path before the fused kernels (the batch vectorizers
  of scn.nlp.ngrams + scikit-learn's TF-IDF and classifiers, ``scn.nlp.compiled.FUSED = False``) on the same
  posts, measured in the same run; ``same_labels_as_before`` compares the two outputs (labels and scores);
- ``reference_posts_per_s``: the path before (every text, each pipeline's own vectorizers, one thread) on the
  first ``--reference-n`` posts of the same mix; ``speedup`` is their ratio (both measured now, same load);
- ``unique_posts_per_s``: the default path on distinct texts only (no duplicates to save);
- with ``--detect``, the default path with languages detected; with ``--lexicon-lang``, texts tagged as a
  lexicon-only language (the HurtLex method);
- ``*_per_cpu_s``: the same per CPU second of this process (all threads), less sensitive to other jobs;
- ``load_avg_1min`` before and after: the machine is shared, compare ratios.

``--f1`` instead prints the held-out macro-F1 per language x source of both paths (test split).

    .venv/bin/python scripts/time_classify.py [-n 200000] [--unique-share 0.5] [--out t.json]
    .venv/bin/python scripts/time_classify.py --f1
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from scn.nlp import compiled
from scn.nlp.corpora import load_splits
from scn.nlp.lexicon import load_lexicon
from scn.nlp.model import classify, labelling_version, load_classifier

DEMO_POOL = Path(__file__).resolve().parents[1] / "scn" / "data" / "demo_texts.csv.gz"


def realistic_mix(n: int, unique_share: float, seed: int = 0) -> pd.DataFrame:
    """``n`` posts (text, lang) of which ``round(n * unique_share)`` texts are distinct; the others repeat them
    with a Zipf(1.2) popularity. Texts: the labelled split and the demo pool, made distinct when more are needed."""
    rng = np.random.default_rng(seed)
    pool = pd.concat([load_splits()[["text", "lang"]], pd.read_csv(DEMO_POOL)[["text", "lang"]]])
    pool = pool.drop_duplicates("text").sample(frac=1.0, random_state=seed).reset_index(drop=True)
    unique = max(1, round(n * unique_share))
    base = pool.iloc[np.arange(unique) % len(pool)].reset_index(drop=True)
    repeat = np.arange(unique) // len(pool)
    tags = np.array(["#news", "#city", "#now", "#share", "#truth", "#local", "#vote", "#live"])
    suffix = np.where(repeat > 0, " " + tags[rng.integers(0, len(tags), unique)] + " " + repeat.astype(str), "")
    distinct = pd.DataFrame({"text": base["text"] + suffix, "lang": base["lang"]})
    rank = np.arange(1, unique + 1, dtype=float)
    popularity = rank ** -1.2
    extra = rng.choice(unique, n - unique, p=popularity / popularity.sum()) if n > unique else np.zeros(0, int)
    order = rng.permutation(np.concatenate([np.arange(unique), extra]))
    return distinct.iloc[order].reset_index(drop=True)


def _rate(texts: list[str], langs: list[str] | None, **kw) -> tuple[float, pd.DataFrame, float]:
    """Posts per wall second, the labels, and posts per CPU second of this process (all its threads)."""
    start, cpu = time.perf_counter(), time.process_time()
    out = classify(texts, langs, **kw)
    return len(texts) / (time.perf_counter() - start), out, len(texts) / (time.process_time() - cpu)


def labeller_throughput(n: int = 200_000, unique_share: float = 0.5, reference_n: int = 20_000,
                        seed: int = 0) -> dict:
    """Posts/s of the default labelling path on ``realistic_mix(n, unique_share)`` and of the reference path on
    its first ``reference_n`` posts, measured one after the other in this process."""
    load_classifier(), load_lexicon()  # loading is timed apart
    mix = realistic_mix(n, unique_share, seed)
    texts, langs = mix["text"].tolist(), mix["lang"].tolist()
    distinct = mix.drop_duplicates("text")
    load_before = os.getloadavg()[0]
    rates = {}
    for fused in (False, True):  # the path before the fused kernels, then the default path
        compiled.FUSED = fused
        try:
            classify(texts[:2000], langs[:2000])  # warm-up: compiles the model's tables
            rates[fused] = (_rate(texts, langs), _rate(distinct["text"].tolist(), distinct["lang"].tolist()))
        finally:
            compiled.FUSED = True
    (rate, out, cpu_rate), (unique_rate, _, unique_cpu_rate) = rates[True]
    (before_rate, before, before_cpu_rate), (before_unique_rate, _, before_unique_cpu_rate) = rates[False]
    ref_rate, ref, ref_cpu_rate = _rate(texts[:reference_n], langs[:reference_n], reference=True)
    same = bool(out.head(reference_n).reset_index(drop=True).equals(ref.reset_index(drop=True)))
    return {"posts_per_s": round(rate), "posts": n, "unique_share": round(mix["text"].nunique() / n, 4),
            "unique_posts_per_s": round(unique_rate), "before_posts_per_s": round(before_rate),
            "before_unique_posts_per_s": round(before_unique_rate),
            "before_posts_per_cpu_s": round(before_cpu_rate), "before_unique_posts_per_cpu_s":
                round(before_unique_cpu_rate), "speedup_vs_before": round(rate / before_rate, 2),
            "unique_speedup_vs_before": round(unique_rate / before_unique_rate, 2),
            "same_labels_as_before": bool(out.equals(before)), "reference_posts_per_s": round(ref_rate),
            "reference_posts": min(reference_n, n), "speedup": round(rate / ref_rate, 1),
            "posts_per_cpu_s": round(cpu_rate), "unique_posts_per_cpu_s": round(unique_cpu_rate),
            "reference_posts_per_cpu_s": round(ref_cpu_rate),
            "same_labels_as_reference": same, "model": labelling_version(),
            "langs": mix["lang"].value_counts().to_dict(), "cpus": os.cpu_count(),
            "load_avg_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)]}


def heldout_f1() -> list[dict]:
    """Held-out macro-F1 per language x source of the default path and of the reference path (test split)."""
    from scn.nlp.evaluation import macro_f1

    test = load_splits().query("split == 'test'").reset_index(drop=True)
    fast = classify(test["text"].tolist(), test["lang"].tolist())
    ref = classify(test["text"].tolist(), test["lang"].tolist(), reference=True)
    rows = []
    for (lang, source), part in test.groupby(["lang", "source"]):
        y = part["label"].to_numpy()
        rows.append({"lang": lang, "source": source, "n": len(part),
                     "macro_f1": round(macro_f1(y, fast.loc[part.index, "label"].to_numpy()), 4),
                     "reference_macro_f1": round(macro_f1(y, ref.loc[part.index, "label"].to_numpy()), 4),
                     "labels_identical": bool((fast.loc[part.index, "label"] == ref.loc[part.index, "label"]).all()),
                     "max_score_difference": float((fast.loc[part.index, "score_hate"]
                                                    - ref.loc[part.index, "score_hate"]).abs().max())})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=200_000)
    ap.add_argument("--unique-share", type=float, default=0.5)
    ap.add_argument("--reference-n", type=int, default=20_000)
    ap.add_argument("--detect", action="store_true", help="also time with language detection")
    ap.add_argument("--lexicon-lang", default="", help="also time the lexicon method: texts tagged this language")
    ap.add_argument("--f1", action="store_true", help="only: held-out macro-F1 per language x source, both paths")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if args.f1:
        print(json.dumps(heldout_f1(), indent=1))
        return
    rec = {**labeller_throughput(args.n, args.unique_share, args.reference_n), "machine": platform.machine()}
    mix = realistic_mix(args.n, args.unique_share)
    if args.detect:
        rec["posts_per_s_langs_detected"] = round(_rate(mix["text"].tolist(), None)[0])
    if args.lexicon_lang:
        rec[f"posts_per_s_lexicon_{args.lexicon_lang}"] = round(
            _rate(mix["text"].tolist(), [args.lexicon_lang] * len(mix))[0])
    rec["command"] = (f"python scripts/time_classify.py -n {args.n} --unique-share {args.unique_share}"
                      + (" --detect" if args.detect else "")
                      + (f" --lexicon-lang {args.lexicon_lang}" if args.lexicon_lang else ""))
    print(json.dumps(rec))
    if args.out:
        args.out.write_text(json.dumps(rec, indent=1))


if __name__ == "__main__":
    main()
