"""Time scn.nlp.classify() on N demo texts (default 100k, drawn with replacement from scn/data/demo_texts.csv.gz).

Prints (and with --out writes) a JSON record: seconds for the batch with languages given (as in the pipeline,
where posts carry a language), with --detect also with languages detected first, and the same texts tagged as a
lexicon-only language (default sq) to time the lexicon method.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import pandas as pd

from scn.nlp.lexicon import load_lexicon
from scn.nlp.model import classify, labelling_version, load_classifier


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=100_000)
    ap.add_argument("--pool", type=Path, default=Path("scn/data/demo_texts.csv.gz"))
    ap.add_argument("--detect", action="store_true", help="also time with language detection")
    ap.add_argument("--lexicon-lang", default="sq", help="also time the lexicon method: texts tagged this language")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    pool = pd.read_csv(args.pool).sample(args.n, replace=True, random_state=0).reset_index(drop=True)
    load_classifier(), load_lexicon()  # loading is timed apart
    classify(pool["text"].head(100).tolist(), pool["lang"].head(100).tolist())  # warm-up
    rec = {"n": args.n, "model_version": labelling_version(), "cpus": os.cpu_count(),
           "machine": platform.machine(), "load_avg_1min": round(os.getloadavg()[0], 2)}
    t = time.perf_counter()
    out = classify(pool["text"].tolist(), pool["lang"].tolist())
    rec["seconds_langs_given"] = round(time.perf_counter() - t, 2)
    rec["labels"] = out["label"].value_counts().to_dict()
    if args.detect:
        t = time.perf_counter()
        classify(pool["text"].tolist())
        rec["seconds_langs_detected"] = round(time.perf_counter() - t, 2)
    if args.lexicon_lang:
        t = time.perf_counter()
        classify(pool["text"].tolist(), [args.lexicon_lang] * len(pool))
        rec[f"seconds_lexicon_{args.lexicon_lang}"] = round(time.perf_counter() - t, 2)
    rec["command"] = "python scripts/time_classify.py" + (" --detect" if args.detect else "")
    print(json.dumps(rec))
    if args.out:
        args.out.write_text(json.dumps(rec, indent=1))


if __name__ == "__main__":
    main()
