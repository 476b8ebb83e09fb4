"""Measure the group rule on the hand-written worlds of posts naming groups (``scripts/worlds/group_mentions.json``).

Each world holds, per language (en, fr, ar), neutral posts that name a group (news, events, reports of hate crimes,
quotations of slurs being reported) and hateful posts that name one (generalisations, expulsion, conspiracy,
dehumanising metaphors, insinuation). The worlds were written to MEASURE the rule, never to train or tune it:
training (``scripts/train_classifier.py``) does not read them. Prints, per world and language and over all
worlds, neutral posts flagged (hate or offensive) and hateful posts flagged out of n, each with its 95 % Wilson
interval; ``--json`` prints the same as JSON, ``--misses`` lists the neutral posts flagged and the hateful missed.
``--group-as-evidence`` measures the labeller as it was before the group rule (a group's name kept the model's
flag: no ``HOSTILE`` list), to see what the rule gains and loses.

    .venv/bin/python scripts/measure_group_worlds.py [--json] [--misses] [--group-as-evidence] [--worlds FILE]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from scn.nlp import rules
from scn.nlp.model import classify
from scn.review.metrics import wilson

WORLDS = Path(__file__).resolve().parent / "worlds" / "group_mentions.json"
LANGS = ("en", "fr", "ar")
KINDS = ("neutral", "hateful")


def load_worlds(path: Path = WORLDS) -> dict[str, dict]:
    """The worlds of ``path``: name -> {"written", "neutral": {lang: texts}, "hateful": {lang: texts}}."""
    return json.loads(Path(path).read_text(encoding="utf-8"))["worlds"]


def _row(world: str, lang: str, kind: str, texts: list[str], labels: list[str]) -> dict:
    flagged = [label != "none" for label in labels]
    k, n = sum(flagged), len(texts)
    low, high = wilson(k, n)
    odd = [t for t, f in zip(texts, flagged, strict=True) if f == (kind == "neutral")]
    return {"world": world, "lang": lang, "kind": kind, "flagged": k, "n": n,
            "share": round(k / n, 4) if n else None, "ci95": [round(low, 4), round(high, 4)],
            "misses": odd}


def measure(worlds: dict[str, dict]) -> list[dict]:
    """One row per world x language x kind and per language x kind over all worlds (``world`` "all"): flagged
    out of n, share, 95 % Wilson interval, and ``misses`` (neutral posts flagged, hateful posts not flagged)."""
    rows = []
    for lang in LANGS:
        pooled: dict[str, tuple[list[str], list[str]]] = {kind: ([], []) for kind in KINDS}
        for name, world in worlds.items():
            for kind in KINDS:
                texts = list(world[kind].get(lang, []))
                if not texts:
                    continue
                labels = classify(texts, [lang] * len(texts), lexicon=False)["label"].tolist()
                rows.append(_row(name, lang, kind, texts, labels))
                pooled[kind][0].extend(texts)
                pooled[kind][1].extend(labels)
        rows += [_row("all", lang, kind, *pooled[kind]) for kind in KINDS if pooled[kind][0]]
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worlds", type=Path, default=WORLDS)
    ap.add_argument("--json", action="store_true", help="print the rows as JSON")
    ap.add_argument("--misses", action="store_true", help="also list neutral posts flagged and hateful posts missed")
    ap.add_argument("--group-as-evidence", action="store_true",
                    help="as before the group rule: a group's name keeps the model's flag (no HOSTILE list)")
    args = ap.parse_args()
    if args.group_as_evidence:
        rules.HOSTILE = {}
    rows = measure(load_worlds(args.worlds))
    if args.json:
        print(json.dumps(rows if args.misses else [{k: v for k, v in r.items() if k != "misses"} for r in rows],
                         ensure_ascii=False, indent=1))
        return
    for r in rows:
        low, high = r["ci95"]
        print(f"{r['world']:>7} {r['lang']} {r['kind']:<7} flagged {r['flagged']:>3}/{r['n']:<3} "
              f"{r['share']:.2f} (95% {low:.2f}-{high:.2f})")
        if args.misses:
            print("".join(f"        - {t}\n" for t in r["misses"]), end="")


if __name__ == "__main__":
    main()
