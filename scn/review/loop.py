"""The review loop over the lake and the review store: draw a sample, export it for offline labelling, import
labels (validated), save labels from the review page, measure accuracy and agreement, train and adopt an
adapter. Used by ``scn review`` and the review page; raw text leaves only through ``texts_for``/``export_csv``,
and every call of those is recorded in the access log."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scn import lake
from scn.ingest.social.posts import KEY_PLATFORM, key_platforms
from scn.nlp.accuracy import canonical_platform
from scn.nlp.labels import CLASSES, FLAGGED_LABELS
from scn.nlp.targets import TARGET_PATTERNS
from scn.review import adapters, store
from scn.review.agreement import consensus, kappa
from scn.review.metrics import macro_f1, mix_report
from scn.review.prevalence import adjusted_prevalence
from scn.review.sampling import draw
from scn.scratch import scratch

TARGETS = (*TARGET_PATTERNS, "other")
EXPORT_COLUMNS = ["post_key", "city_id", "lang", "stratum", "text", "label", "target", "reviewer"]
MIN_TRAIN = 10  # reviewed posts an adapter needs (besides the held-out ones)


class ReviewError(ValueError):
    """A review request that cannot be served (the message says why)."""


@dataclass(frozen=True)
class Problem:
    """One invalid value of an imported file: its file, row (1 = the header line), field and reason."""

    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: row {self.row}, field {self.field}: {self.reason}"


class ImportFileError(ReviewError):
    """An import file with invalid rows; nothing of it was saved. ``problems`` lists each one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "\n".join(str(p) for p in problems[:50])
        more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} invalid value(s), nothing imported:\n{shown}{more}")


def reviewer_pseudonym(username: str) -> str:
    """The keyed pseudonym stored with a reviewer's labels (the user name itself is not stored)."""
    from scn.privacy.pseudonyms import pseudonymise

    return str(pseudonymise("reviewer", pd.Series([username])).iloc[0])


def _query(sql: str, params: list | None = None) -> pd.DataFrame:
    with scratch() as con:
        return con.execute(sql, params or []).df()


def population(city_id: str, lang: str) -> pd.DataFrame:
    """The city's labelled posts in ``lang`` that still have their text (post_key, city_id, lang, author_pseudo,
    label, score_hate, model_version): a post whose text the retention job erased cannot be reviewed."""
    columns = ["post_key", "city_id", "lang", "author_pseudo", "label", "score_hate", "model_version"]
    if not (lake.has_table("posts") and lake.has_table("post_labels")):
        return pd.DataFrame(columns=columns)
    out = _query(f"select p.post_key, p.city_id, coalesce(p.lang, l.lang_detected) as lang, p.author_pseudo, "
                 f"l.label, l.score_hate, l.model_version from {lake.scan('posts')} p join "
                 f"{lake.scan('post_labels')} l using (post_key) where p.city_id = ? and "
                 f"coalesce(p.lang, l.lang_detected) = ? and p.text is not null order by p.post_key",
                 [city_id, lang])
    return out.drop_duplicates("post_key").reset_index(drop=True)


def current_labels(post_keys: pd.Series | list[str]) -> pd.DataFrame:
    """The lake's current labels (post_key, label, score_hate, model_version) of these posts."""
    keys = pd.DataFrame({"post_key": pd.Series(list(post_keys), dtype=object)})
    if not lake.has_table("post_labels") or keys.empty:
        return pd.DataFrame(columns=["post_key", "label", "score_hate", "model_version"])
    with scratch() as con:
        con.register("keys", keys)
        out = con.execute(f"select l.post_key, l.label, l.score_hate, l.model_version from "
                          f"{lake.scan('post_labels')} l join keys using (post_key)").df()
    return out.drop_duplicates("post_key")


def _texts(post_keys: pd.Series | list[str]) -> pd.DataFrame:
    """The text of those posts that still have one (a post whose text the retention job erased has no row)."""
    keys = pd.DataFrame({"post_key": pd.Series(list(post_keys), dtype=object)})
    if not lake.has_table("posts") or keys.empty:
        return pd.DataFrame(columns=["post_key", "text"])
    with scratch() as con:
        con.register("keys", keys)
        out = con.execute(f"select p.post_key, p.text from {lake.scan('posts')} p join keys using (post_key) "
                          "where p.text is not null").df()
    return out.drop_duplicates("post_key")


def readable(post_keys: pd.Series | list[str]) -> pd.Series:
    """Which of these posts still have their text (a boolean per key, in order): only those are shown to a
    reviewer, exported or trained on."""
    keys = pd.Series(list(post_keys), dtype=object)
    return keys.isin(_texts(keys)["post_key"])


def sample(city_id: str, lang: str, n: int = 100, seed: int | None = None) -> dict:
    """Draw ``n`` more posts of the city in ``lang`` to review (half at random, half the most uncertain) and
    record them; a post is never drawn twice. Returns what was drawn."""
    if n < 1:
        raise ReviewError("--n must be at least 1")
    pop = population(city_id, lang)
    if pop.empty:
        raise ReviewError(f"no labelled posts of city {city_id!r} in language {lang!r} in the lake "
                          "(ingest and run the pipeline first)")
    already = store.samples()
    seed = len(already) if seed is None else seed
    drawn = draw(pop, n, seed=seed, exclude=already["post_key"])
    batch = uuid.uuid4().hex[:12]
    rows = pd.DataFrame({"post_key": drawn["post_key"], "city_id": city_id, "lang": lang,
                         "stratum": drawn["stratum"], "batch": batch, "drawn_at": store.now(),
                         "model_label": drawn["label"], "score_hate": drawn["score_hate"].astype("float64"),
                         "model_version": drawn["model_version"]})
    added = store.add_samples(rows)
    total = store.samples(city_id, lang)
    return {"city_id": city_id, "lang": lang, "batch": batch, "drawn": added,
            "random": int((rows["stratum"] == "random").sum()),
            "uncertainty": int((rows["stratum"] == "uncertainty").sum()),
            "sampled_total": len(total), "population": len(pop)}


def texts_for(city_id: str, user: str, post_keys: pd.Series | None = None, what: str = "view") -> pd.DataFrame:
    """The city's sampled posts (only ``post_keys`` when given) with their raw text (post_key, city_id, lang,
    stratum, text), for a reviewer; recorded in the access log under ``user`` (``what``: view or export). Posts
    whose text the retention job has erased since they were drawn are left out."""
    rows = store.samples(city_id)[["post_key", "city_id", "lang", "stratum"]]
    if post_keys is not None:
        rows = rows[rows["post_key"].isin(post_keys)]
    out = rows.merge(_texts(rows["post_key"]), on="post_key")
    store.log_access(user, city_id, out["post_key"].tolist(), what)
    return out


def export_csv(city_id: str, user: str, out: Path | None = None) -> tuple[Path, int]:
    """Write the city's sample as a CSV to label offline (columns ``EXPORT_COLUMNS``; label, target and
    reviewer left blank), owner-only, with spreadsheet formulas neutralised. Default file:
    ``<home>/review/exports/review-<city_id>.csv``. Returns (file, rows)."""
    from scn.publish.exports import to_csv

    rows = texts_for(city_id, user, what="export")
    if rows.empty:
        raise ReviewError(f"nothing sampled for city {city_id!r} yet: run `scn review sample` first")
    frame = rows.assign(label="", target="", reviewer="")[EXPORT_COLUMNS]
    if out is None:
        (store.root() / "exports").mkdir(mode=0o700, exist_ok=True)
        out = store.root() / "exports" / f"review-{city_id}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.touch(mode=0o600, exist_ok=True)
    out.chmod(0o600)
    _record_export(out)
    to_csv(frame, out)
    return out, len(frame)


EXPORTS_LEDGER = "export_paths.json"  # <home>/review/: every file ``export_csv`` wrote, wherever it is


def _record_export(path: Path) -> None:
    """Add ``path`` (absolute) to the ledger of written exports, before the text is written: the retention job
    prunes every file in it, not only those under ``<home>/review/exports/``."""
    with store.locked() as folder:
        ledger = folder / EXPORTS_LEDGER
        paths = set(exported_files()) | {str(path.resolve())}
        tmp = folder / f".{EXPORTS_LEDGER}.{uuid.uuid4().hex}.tmp"
        tmp.touch(mode=0o600)
        tmp.write_text(json.dumps(sorted(paths), indent=1))
        tmp.replace(ledger)


def exported_files() -> list[str]:
    """The files ``export_csv`` has written (absolute paths, some perhaps gone since)."""
    ledger = store.location() / EXPORTS_LEDGER
    return list(json.loads(ledger.read_text())) if ledger.exists() else []


def prune_exports() -> int:
    """Rewrite the review exports without the posts whose text the retention job has erased from the lake (called
    by it): every CSV under ``<home>/review/exports/`` and every file ``export_csv`` wrote elsewhere (``scn review
    export --out``; the ledger ``<home>/review/export_paths.json``). An export must not keep text the lake no
    longer holds. Returns the rows removed. A file that is not a readable export is left as it is."""
    from scn.publish.exports import to_csv

    folder = store.location() / "exports"
    removed = 0
    if not lake.has_table("posts"):  # no lake to compare with: nothing is known to be erased
        return 0
    inside = sorted(folder.glob("*.csv")) if folder.is_dir() else []
    elsewhere = [Path(p) for p in exported_files()]
    for path in sorted(set(inside) | {p for p in elsewhere if p.is_file() and not p.is_symlink()}):
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
            continue
        if "post_key" not in frame.columns or frame.empty:
            continue
        keep = readable(frame["post_key"].str.removeprefix("'")).to_numpy()
        if keep.all():
            continue
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        tmp.touch(mode=0o600)
        to_csv(frame[keep], tmp)  # the export's writer: a value holding a CR stays one field
        tmp.replace(path)
        removed += int((~keep).sum())
    return removed


def _validate(frame: pd.DataFrame, name: str, sampled: pd.DataFrame, row_numbers: np.ndarray) -> list[Problem]:
    """Problems of labelled rows (label set): unknown post, label, target or reviewer name, and a reviewer who is
    no user allowed to review the post's city (staff, or a reviewer of that city: the review page's rule), so one
    person cannot sign labels under made-up names (faking the reviewers' agreement) or label another city's posts."""
    from scn.access.users import USERNAME, get_user

    problems: list[Problem] = []
    checks = [
        ("post_key", ~frame["post_key"].isin(sampled["post_key"]), "not a sampled post (export the sample again)"),
        ("label", ~frame["label"].isin(CLASSES), f"must be one of {', '.join(CLASSES)}"),
        ("target", frame["target"].ne("") & ~frame["target"].isin(TARGETS),
         f"must be empty or one of {', '.join(TARGETS)}"),
        ("target", frame["target"].ne("") & frame["label"].eq("none"), "a post labelled none has no target"),
        ("reviewer", ~frame["reviewer"].str.fullmatch(USERNAME.pattern), "a reviewer's user name is needed "
         "(2-32 of a-z 0-9 . _ - starting with a letter or digit)"),
    ]
    users = {n: get_user(n) for n in pd.unique(frame["reviewer"])}  # one look-up per name, not per row
    role = frame["reviewer"].map({n: u.role for n, u in users.items() if u is not None})
    user_city = frame["reviewer"].map({n: u.city_id for n, u in users.items() if u is not None})
    post_city = frame["post_key"].map(sampled.drop_duplicates("post_key").set_index("post_key")["city_id"])
    allowed = role.eq("staff") | (role.eq("reviewer") & user_city.eq(post_city))
    checks.append(("reviewer", frame["reviewer"].str.fullmatch(USERNAME.pattern) & post_city.notna() & ~allowed,
                   "not a user who may review this city's posts (staff, or a reviewer of the city: scn user add)"))
    for field, bad, reason in checks:
        problems += [Problem(name, int(r), field, reason) for r in row_numbers[bad.to_numpy()]]
    return sorted(problems, key=lambda p: (p.row, p.field))


def import_csv(path: Path) -> dict:
    """Import labels from a CSV (``post_key, label, reviewer`` and optionally ``target``; other columns, the
    text included, are ignored). Rows with an empty label are skipped. Any invalid value stops the whole import
    (``ImportFileError`` naming file, row and field); labels are keyed by post and reviewer, so importing a file
    again replaces its labels instead of adding them twice."""
    name = str(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ImportFileError([Problem(name, 0, "file", f"not a readable CSV file ({exc})")]) from exc
    missing = [c for c in ("post_key", "label", "reviewer") if c not in frame.columns]
    if missing:
        raise ImportFileError([Problem(name, 1, c, "column missing") for c in missing])
    frame = frame.assign(target=frame.get("target", ""))
    for col in ("post_key", "label", "target", "reviewer"):
        frame[col] = frame[col].str.strip().str.removeprefix("'")
    frame["label"], frame["target"] = frame["label"].str.lower(), frame["target"].str.lower()
    rows = np.arange(len(frame)) + 2  # the header is row 1
    labelled = frame["label"].ne("").to_numpy()
    sampled = store.samples()
    problems = _validate(frame[labelled], name, sampled, rows[labelled])
    if problems:
        raise ImportFileError(problems)
    added, replaced = _save(frame[labelled], sampled, via="import",
                            reviewers=frame.loc[labelled, "reviewer"])
    for city_id in sampled.loc[sampled["post_key"].isin(frame.loc[labelled, "post_key"]), "city_id"].unique():
        refresh(city_id)
    return {"file": name, "rows": len(frame), "labelled": int(labelled.sum()),
            "skipped": int((~labelled).sum()), "added": added, "replaced": replaced}


def _save(frame: pd.DataFrame, sampled: pd.DataFrame, via: str, reviewers: pd.Series) -> tuple[int, int]:
    from scn.privacy.pseudonyms import pseudonymise

    rows = frame[["post_key", "label", "target"]].assign(
        reviewer=pseudonymise("reviewer", reviewers.astype(str)).to_numpy(dtype=object))
    rows = rows.merge(sampled[["post_key", "city_id", "lang"]], on="post_key")
    rows = rows.assign(labelled_at=store.now(), via=via, target=rows["target"].replace("", None))
    return store.upsert_labels(rows)


def save_labels(city_id: str, username: str, entries: pd.DataFrame) -> tuple[int, int]:
    """Save labels a reviewer gave on the review page (post_key, label, target): only posts sampled for this
    city are accepted; ``ReviewError`` otherwise. Returns (added, replaced)."""
    frame = entries.astype(object).where(entries.notna(), "").astype(str)
    frame = frame.assign(reviewer=username, target=frame.get("target", ""))
    frame = frame[frame["label"].ne("")]
    sampled = store.samples(city_id)
    problems = _validate(frame, "review page", sampled, np.arange(len(frame)) + 1)
    if problems:
        raise ReviewError("; ".join(f"{p.field}: {p.reason}" for p in problems))
    saved = _save(frame, sampled, via="page", reviewers=frame["reviewer"]) if len(frame) else (0, 0)
    refresh(city_id)
    return saved


def measured(city_id: str, lang: str) -> pd.DataFrame:
    """Consensus labels of the random stratum of a city and language that no adopted adapter trained on, with
    the current labels of those posts (columns ``truth``, ``label``)."""
    labs = consensus(store.labels(city_id, lang))
    rand = store.samples(city_id, lang)
    rand = rand[rand["stratum"] == "random"]
    truth = labs.merge(rand[["post_key"]], on="post_key").rename(columns={"label": "truth"})
    loaded = adapters.index().get(f"{city_id}/{lang}")
    if loaded:
        truth = truth[~truth["post_key"].isin(loaded.get("train_keys", []))]
    return truth.merge(current_labels(truth["post_key"])[["post_key", "label"]], on="post_key")


def posts_counts(city_id: str, lang: str) -> dict[str, int] | None:
    """Each platform's count of the city's enriched posts in ``lang`` (the platform leading the post key, as the
    warehouse reads it); None without enriched posts."""
    if not lake.has_table("posts_enriched"):
        return None
    counts = _query(f"select regexp_extract(post_key, ?, 1) as platform, count(*) as posts from "
                    f"{lake.scan('posts_enriched')} where city_id = ? and lang = ? group by all",
                    [KEY_PLATFORM, city_id, lang])
    if counts.empty:
        return None
    per = counts.assign(platform=canonical_platform(counts["platform"].where(counts["platform"].ne(""))))
    return {str(k): int(v) for k, v in per.groupby("platform")["posts"].sum().items()}


def posts_mix(city_id: str, lang: str) -> dict[str, float] | None:
    """Each platform's share of the city's enriched posts in ``lang`` (:func:`posts_counts`); None without
    enriched posts."""
    counts = posts_counts(city_id, lang)
    if not counts:
        return None
    total = sum(counts.values())
    return {k: float(v / total) for k, v in counts.items()}


def accuracy(city_id: str, seed: int = 0) -> pd.DataFrame:
    """Per language of the city's sample: the current labelling measured on the reviewed random stratum (n,
    precision, recall, f1 of the flagged class and macro_f1, with 95% intervals) and re-weighted to the city's
    posts' platform mix now when its strata allow (``metrics.mix_report``: ``sample_mix``, ``posts_mix``,
    ``weighted``), reviewers' agreement (kappa and the number of doubly labelled posts), posts sampled and
    labelled, and ``lang_posts`` (the city's posts in the language, which ``posts_mix`` is the shares of: never
    published, ``scn.review.published.mixes_said`` reads it)."""
    rows = []
    sampled = store.samples(city_id)
    for lang in sorted(sampled["lang"].dropna().unique()):
        reviewed = measured(city_id, lang)
        platforms = canonical_platform(key_platforms(reviewed["post_key"])).to_numpy() \
            if "post_key" in reviewed.columns else None
        counts = posts_counts(city_id, lang)
        mix = {p: v / sum(counts.values()) for p, v in counts.items()} if counts else None
        report = mix_report(reviewed["truth"].to_numpy(), reviewed["label"].to_numpy(), platforms, mix, seed=seed)
        k, pairs = kappa(store.labels(city_id, lang))
        rows.append({"city_id": city_id, "lang": lang, **report, "kappa": k, "kappa_posts": pairs,
                     "sampled": int((sampled["lang"] == lang).sum()),
                     "labelled": int(store.labels(city_id, lang)["post_key"].nunique()),
                     "lang_posts": sum(counts.values()) if counts else None})
    return pd.DataFrame(rows)


def refresh(city_id: str) -> pd.DataFrame:
    """Measure the city again (``accuracy``) and store the figures the city page shows."""
    table = accuracy(city_id)
    store.save_accuracy(city_id, table.assign(measured_at=store.now()))
    return table


def prevalence(city_id: str, lang: str, seed: int = 0) -> pd.DataFrame:
    """Flagged posts of the city in ``lang`` per area and month, raw and adjusted for the errors measured on the
    reviewed random stratum (``scn.review.prevalence.adjusted_prevalence``); empty without enriched posts."""
    if not lake.has_table("posts_enriched"):
        return pd.DataFrame()
    flagged = ", ".join(f"'{f}'" for f in FLAGGED_LABELS)
    counts = _query(f"select area_code, month, count(*) as posts, count(*) filter (where label in ({flagged})) "
                    f"as flagged from {lake.scan('posts_enriched')} where city_id = ? and lang = ? "
                    f"group by all order by all", [city_id, lang])
    reviewed = measured(city_id, lang)
    return adjusted_prevalence(counts, reviewed["truth"].isin(FLAGGED_LABELS).to_numpy(),
                               reviewed["label"].isin(FLAGGED_LABELS).to_numpy(), seed=seed)


def train(city_id: str, lang: str) -> dict:
    """Train an adapter on every reviewed post of the city in ``lang`` except the held-out half of the random
    stratum, score it and the current labelling on that held-out half (macro-F1), and adopt it only when it
    scores higher. Returns both scores, the sizes and whether (and as which version) it was adopted."""
    from scn.nlp.model import classify

    labs = consensus(store.labels(city_id, lang))
    sampled = store.samples(city_id, lang)[["post_key", "stratum"]]
    reviewed = labs.merge(sampled, on="post_key").merge(_texts(labs["post_key"]), on="post_key")
    held = ((reviewed["stratum"] == "random").to_numpy() & adapters.holdout(reviewed["post_key"]))
    test, fit_on = reviewed[held], reviewed[~held]
    out = {"city_id": city_id, "lang": lang, "n_train": len(fit_on), "n_holdout": len(test), "adopted": False,
           "adapter_macro_f1": None, "current_macro_f1": None, "version": None, "reason": None}
    if len(test) < 2 or len(fit_on) < MIN_TRAIN:
        return {**out, "reason": f"too few reviewed posts (need {MIN_TRAIN} to train and 2 held out)"}
    pipe = adapters.fit(fit_on["text"].fillna("").tolist(), fit_on["label"].tolist())
    if pipe is None:
        return {**out, "reason": "the reviewed posts carry a single label"}
    texts = test["text"].fillna("")
    adapted, _ = adapters.predict(pipe, texts.tolist())
    current = adapters.apply(classify(texts.tolist(), [lang] * len(test)), pd.Series([city_id] * len(test)),
                             texts)["label"].to_numpy()
    truth = test["label"].to_numpy()
    out["adapter_macro_f1"], out["current_macro_f1"] = macro_f1(truth, adapted), macro_f1(truth, current)
    if not out["adapter_macro_f1"] > out["current_macro_f1"]:
        return {**out, "reason": "the adapter does not beat the current labelling on the held-out posts"}
    meta = {k: out[k] for k in ("n_train", "n_holdout", "adapter_macro_f1", "current_macro_f1")}
    out["version"] = adapters.adopt(city_id, lang, pipe, {**meta, "trained_at": str(store.now())},
                                    fit_on["post_key"].tolist())
    return {**out, "adopted": True}  # the caller re-labels the posts, then ``refresh``es the figures
