"""The review loop's sentences (en, fr, ar): the measured accuracy of a city's labelling with its intervals,
reviewers' agreement and progress, for the review page and the city page. Numbers come from scn.review (the
review page, a reviewer's tool over the review store, measures live; the city page and the data-health page read
the figures published in the serving snapshot, ``review_accuracy``: no text, no lake, no review store)."""

from __future__ import annotations

import math

import pandas as pd

from dashboards import data, detail, i18n
from scn.privacy.disclosure import for_audience
from scn.privacy.levels import period_at, shown_grain
from scn.settings import settings


def t(key: str, lang: str, **fmt: object) -> str:
    """The review loop's string ``key`` in ``lang`` (dashboards/i18n.py, key ``review_loop_<key>``)."""
    return i18n.t(f"review_loop_{key}", lang, **fmt)


def _num(value: object) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.2f}"


def _ci(row: pd.Series, name: str, lang: str = "en") -> str:
    low, high = row.get(f"{name}_low"), row.get(f"{name}_high")
    if _num(row[name]) != "–" and "–" in (_num(low), _num(high)):  # F1 on too few posts: no interval given
        return f"{_num(row[name])} ({i18n.t('review_no_interval', lang)})"
    return f"{_num(row[name])} ({_num(low)}–{_num(high)})"


def accuracy_lines(table: pd.DataFrame, lang: str, details: bool = True) -> list[str]:
    """Sentences of an accuracy table (scn.review.loop.accuracy) in ``lang``: per language the measured accuracy
    and, with ``details``, reviewers' agreement and progress."""
    lines = []
    for row in (r for _, r in table.iterrows()):
        shown = bool(row["shown"]) if "shown" in row.index else row["n"] >= 2
        if shown and not (pd.isna(row["f1"]) and pd.isna(row["macro_f1"])):
            lines.append(t("measured", lang, code=row["lang"], n=int(row["n"]), p=_ci(row, "precision", lang),
                            r=_ci(row, "recall", lang), f1=_ci(row, "f1", lang), macro=_ci(row, "macro_f1", lang)))
            lines.extend(_mix_line(row, lang))
        elif shown and bool(row.get("figures_withheld", False)):  # for small counts (disclosure._review_figures)
            lines.append(t("withheld", lang, code=row["lang"], n=i18n.count(row["n"], lang, k=settings().suppress_below),
                           k=settings().suppress_below))
        else:
            lines.append(t("not_measured", lang, code=row["lang"], n=i18n.count(row["n"], lang, k=settings().suppress_below)))
        if not details:
            continue
        k = row["kappa"]
        lines.append(t("kappa", lang, k=f"{k:.2f}", n=i18n.count(row["kappa_posts"], lang, k=settings().suppress_below)) if k is not None and not pd.isna(k)
                     else t("no_kappa", lang, n=i18n.count(row["kappa_posts"], lang, k=settings().suppress_below)))
        lines.append(t("progress", lang, code=row["lang"], labelled=i18n.count(row["labelled"], lang, k=settings().suppress_below),
                        sampled=i18n.count(row["sampled"], lang, k=settings().suppress_below)))
    return lines


def _mix(text: object, lang: str) -> str:
    """A published platform mix (``telegram:0.60,x:0.40``, scn.review.metrics.mix_text) in words: "X 40%,
    Telegram 60%"."""
    parts = [p.rsplit(":", 1) for p in str(text).split(",") if ":" in p]
    return i18n.t("list_sep", lang).join(f"{i18n.platform(name, lang)} {i18n.percent(float(share), lang)}"
                                         for name, share in parts)


def _mix_line(row: pd.Series, lang: str) -> list[str]:
    """Which platform mix a row's figures describe (``sample_mix``, ``posts_mix``, ``weighted``): re-weighted to the
    city's posts now, or the reviewed posts' own mix when it differs from theirs; nothing when the posts' mix is
    unknown or the sample holds the posts' one platform."""
    sample, posts = row.get("sample_mix"), row.get("posts_mix")
    if isinstance(sample, str) and not isinstance(posts, str) and bool(row.get("weighted")) is True:
        # weighted to a mix whose shares are withheld (``scn.review.published.mixes_said``)
        return [t("mix_weighted_withheld", lang, sample=_mix(sample, lang), k=settings().suppress_below)]
    if not isinstance(posts, str) or not isinstance(sample, str):
        return []
    if bool(row.get("weighted")) is True:
        return [t("mix_weighted", lang, posts=_mix(posts, lang), sample=_mix(sample, lang))]
    if sample != posts:
        return [t("mix_sample", lang, posts=_mix(posts, lang), sample=_mix(sample, lang))]
    return []


def published(city_id: str | None, audience: str) -> pd.DataFrame:
    """The published ``review_accuracy`` rows (of one city when given), as ``audience`` may see them."""
    return for_audience("review_accuracy", data.table("review_accuracy", city_id), audience,
                        k=settings().suppress_below, min_group=settings().min_group,
                        key=detail.key_for(audience))


def city_line(table: pd.DataFrame, lang: str) -> str | None:
    """The city page's sentence: accuracy measured on the city's own reviewed posts (None when not measured).
    ``table``: published ``review_accuracy`` rows; only rows with ``shown`` (enough reviewed posts) count."""
    if table.empty:
        return None
    measured = table[table["shown"].fillna(False).astype(bool)] if "shown" in table.columns \
        else table[table["n"] >= 2]
    return " ".join(accuracy_lines(measured, lang, details=False)) or None


TARGETS = ("target_month", "flagged_posts")  # the table of target groups and the count its rows split


def targets_grain(city_id: str, audience: str) -> str:
    """The period grain of the city's target groups for ``audience``: staff months; an official the grain of the
    level chosen for the city's flagged posts (``month``, ``quarter`` or ``year``)."""
    if audience == "staff":
        return "month"
    return shown_grain(detail.choice(city_id, TARGETS[1], audience))


def targets_rows(city_id: str, audience: str) -> pd.DataFrame:
    """The published ``target_month`` rows of the city as ``audience`` may see them: staff every month; an official
    at the period grain of the level chosen for the city's flagged posts (``detail.official_parts``), a period
    whose total that level does not show left out, suppressed counts empty. Target groups as codes."""
    rows = data.table(TARGETS[0], city_id)
    if audience == "staff":
        return for_audience(TARGETS[0], rows, audience,
                            k=settings().suppress_below, min_group=settings().min_group,
                            key=detail.key_for(audience))
    return detail.official_parts(TARGETS[0], rows, city_id, TARGETS[1])


def targets_table(city_id: str, lang: str, audience: str, months: int = 12) -> pd.DataFrame:
    """The city's target groups (``targets_rows``) over the periods holding its latest ``months`` months, target
    groups in ``lang``; newest period first."""
    rows = targets_rows(city_id, audience)
    if rows.empty:
        return rows
    recent = sorted(data.table(TARGETS[0], city_id)["period"].astype(str).unique())[-months:]
    rows = rows[rows["period"].astype(str).isin(set(period_at(pd.Series(recent), targets_grain(city_id, audience))))]
    groups = rows["target"].astype(str)
    rows = rows.assign(target=groups.map({g: i18n.t(f"target_{g}", lang) for g in groups.unique()}))
    return rows[["period", "target", "flagged_posts"]].sort_values(["period", "target"], ascending=[False, True])
