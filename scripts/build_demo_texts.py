"""Build scn/data/demo_texts.csv.gz: the pool of real, labelled texts the demo world draws its posts from.

Development-time only (reads the labelled sets from a checkout of the shared data folder, default
../shared/data/labelled); the output is committed. Sources, both MIT-licensed (see scn/data/README.md):
Davidson et al. 2017 (English) and MLMA, Ousidhoum et al. 2019 (English, French, Arabic).
User mentions and URLs are replaced by placeholders so no real handle reaches the demo world.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

MENTION = r"@\w+"
URL = r"https?://\S+"


def load_labelled(src: Path) -> pd.DataFrame:
    """All labelled texts as (lang, label, text, source) with the platform's three labels."""
    dav = pd.read_csv(src / "davidson2017_en.csv")
    dav = pd.DataFrame({
        "lang": "en",
        "label": dav["class"].map({0: "hate", 1: "offensive", 2: "none"}),
        "text": dav["tweet"],
        "source": "davidson2017",
    })
    frames = [dav]
    for lang in ("en", "fr", "ar"):
        m = pd.read_csv(src / f"mlma2019_{lang}.csv")
        sentiment = m["sentiment"].fillna("")
        label = pd.Series("offensive", index=m.index)
        label[sentiment.str.split("_").map(lambda parts: parts == ["normal"])] = "none"
        label[sentiment.str.contains("hateful")] = "hate"
        frames.append(pd.DataFrame({"lang": lang, "label": label, "text": m["tweet"], "source": "mlma2019"}))
    out = pd.concat(frames, ignore_index=True)
    out["text"] = (
        out["text"].astype(str)
        .str.replace(URL, "http://example.org", regex=True)
        .str.replace(MENTION, "@user", regex=True)
        .str.replace(r"&amp;", "&", regex=False)
        .str.replace(r"\s+", " ", regex=True)
        .str.strip()
    )
    return out[out["text"].str.len() > 3].drop_duplicates("text")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--src", type=Path, default=Path("../shared/data/labelled"))
    ap.add_argument("--per-class", type=int, default=500)
    ap.add_argument("--out", type=Path, default=Path("scn/data/demo_texts.csv.gz"))
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    data = load_labelled(args.src)
    shuffled = data.sample(frac=1.0, random_state=args.seed)
    pool = (
        shuffled.groupby(["lang", "label"]).head(args.per_class)
        .sort_values(["lang", "label"], kind="stable")
        .reset_index(drop=True)
    )
    pool.to_csv(args.out, index=False, compression="gzip")
    print(pool.groupby(["lang", "label"]).size().to_string())


if __name__ == "__main__":
    main()
