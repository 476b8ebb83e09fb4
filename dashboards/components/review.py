"""The review loop's sentences (en, fr, ar): the measured accuracy of a city's labelling with its intervals,
reviewers' agreement and progress, for the review page and the city page. Numbers come from scn.review (the
review page, a reviewer's tool over the review store, measures live; the city page and the data-health page read
the figures published in the serving snapshot, ``review_accuracy``: no text, no lake, no review store)."""

from __future__ import annotations

import math

import pandas as pd

from dashboards import data
from scn.privacy.disclosure import for_audience

TEXT: dict[str, dict[str, str]] = {
    "nav": {"en": "Review", "fr": "Revue", "ar": "المراجعة"},
    "title": {"en": "Review of speech labels", "fr": "Revue des étiquettes de discours",
              "ar": "مراجعة تصنيفات الخطاب"},
    "sample": {"en": "Posts to label", "fr": "Publications à étiqueter", "ar": "منشورات للتصنيف"},
    "accuracy": {"en": "Measured accuracy", "fr": "Exactitude mesurée", "ar": "الدقة المقيسة"},
    "measured": {"en": "{code}: measured on {n} of this city's posts (random sample reviewed by people): "
                       "hate precision {p}, recall {r}, F1 {f1}; macro-F1 {macro} (95% intervals in brackets).",
                 "fr": "{code} : mesurée sur {n} publications de cette ville (échantillon aléatoire revu par des "
                       "personnes) : précision haine {p}, rappel {r}, F1 {f1} ; macro-F1 {macro} (intervalles à "
                       "95 % entre parenthèses).",
                 "ar": "{code}: مقيسة على {n} من منشورات هذه المدينة (عينة عشوائية راجعها أشخاص): دقة الكراهية "
                       "{p}، الاستدعاء {r}، F1 {f1}؛ F1 الكلي {macro} (فترات 95% بين قوسين)."},
    "not_measured": {"en": "{code}: not measured yet ({n} reviewed posts of the random sample).",
                     "fr": "{code} : pas encore mesurée ({n} publications revues de l'échantillon aléatoire).",
                     "ar": "{code}: لم تُقَس بعد ({n} منشورات مراجعة من العينة العشوائية)."},
    "kappa": {"en": "Agreement between reviewers: Cohen's kappa {k} on {n} posts labelled twice.",
              "fr": "Accord entre relecteurs : kappa de Cohen {k} sur {n} publications étiquetées deux fois.",
              "ar": "الاتفاق بين المراجعين: كابا كوهين {k} على {n} منشورات صُنِّفت مرتين."},
    "no_kappa": {"en": "Agreement between reviewers: needs posts labelled by two reviewers ({n} so far).",
                 "fr": "Accord entre relecteurs : il faut des publications étiquetées par deux relecteurs "
                       "({n} pour l'instant).",
                 "ar": "الاتفاق بين المراجعين: يحتاج منشورات صنّفها مراجعان ({n} حتى الآن)."},
    "progress": {"en": "{code}: {labelled} of {sampled} sampled posts labelled.",
                 "fr": "{code} : {labelled} publications étiquetées sur {sampled} échantillonnées.",
                 "ar": "{code}: صُنِّف {labelled} من {sampled} منشوراً في العينة."},
    "nothing": {"en": "Nothing sampled for review yet (`scn review sample --city CITY --lang LANG`).",
                "fr": "Rien n'est encore échantillonné (`scn review sample --city CITY --lang LANG`).",
                "ar": "لا توجد عينة للمراجعة بعد (`scn review sample --city CITY --lang LANG`)."},
    "done": {"en": "Every sampled post has your label.", "fr": "Toutes les publications échantillonnées ont votre "
             "étiquette.", "ar": "كل المنشورات في العينة تحمل تصنيفك."},
    "no_text": {"en": "Post text is shown to reviewers only.", "fr": "Le texte des publications n'est montré "
                "qu'aux relecteurs.", "ar": "نص المنشورات يُعرض على المراجعين فقط."},
    "save": {"en": "Save labels", "fr": "Enregistrer les étiquettes", "ar": "حفظ التصنيفات"},
    "saved": {"en": "{n} labels saved.", "fr": "{n} étiquettes enregistrées.", "ar": "حُفظت {n} تصنيفات."},
    "target": {"en": "Target group", "fr": "Groupe visé", "ar": "الفئة المستهدفة"},
    "city": {"en": "City", "fr": "Ville", "ar": "المدينة"},
    "hate": {"en": "hate", "fr": "haine", "ar": "كراهية"},
    "offensive": {"en": "offensive", "fr": "offensant", "ar": "مسيء"},
    "none": {"en": "none", "fr": "aucun", "ar": "لا شيء"},
}


def t(key: str, lang: str, **fmt: object) -> str:
    text = TEXT[key].get(lang) or TEXT[key]["en"]
    return text.format(**fmt) if fmt else text


def _num(value: object) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.2f}"


def _ci(row: pd.Series, name: str) -> str:
    return f"{_num(row[name])} ({_num(row[f'{name}_low'])}–{_num(row[f'{name}_high'])})"


def accuracy_lines(table: pd.DataFrame, lang: str, details: bool = True) -> list[str]:
    """Sentences of an accuracy table (scn.review.loop.accuracy) in ``lang``: per language the measured accuracy
    and, with ``details``, reviewers' agreement and progress."""
    lines = []
    for row in (r for _, r in table.iterrows()):
        shown = bool(row["shown"]) if "shown" in row.index else row["n"] >= 2
        if shown and not (pd.isna(row["f1"]) and pd.isna(row["macro_f1"])):
            lines.append(t("measured", lang, code=row["lang"], n=int(row["n"]), p=_ci(row, "precision"),
                            r=_ci(row, "recall"), f1=_ci(row, "f1"), macro=_ci(row, "macro_f1")))
        else:
            lines.append(t("not_measured", lang, code=row["lang"], n=_count(row["n"])))
        if not details:
            continue
        k = row["kappa"]
        lines.append(t("kappa", lang, k=f"{k:.2f}", n=_count(row["kappa_posts"])) if k is not None and not pd.isna(k)
                     else t("no_kappa", lang, n=_count(row["kappa_posts"])))
        lines.append(t("progress", lang, code=row["lang"], labelled=_count(row["labelled"]),
                        sampled=_count(row["sampled"])))
    return lines


def _count(value: object) -> str:
    """A count as shown (a suppressed one, NA for officials, as "<k")."""
    from scn.settings import suppress_below

    return f"<{suppress_below()}" if value is None or pd.isna(value) else str(int(value))


def published(city_id: str | None, audience: str) -> pd.DataFrame:
    """The published ``review_accuracy`` rows (of one city when given), as ``audience`` may see them."""
    return for_audience("review_accuracy", data.table("review_accuracy", city_id), audience)


def city_line(table: pd.DataFrame, lang: str) -> str | None:
    """The city page's sentence: accuracy measured on the city's own reviewed posts (None when not measured).
    ``table``: published ``review_accuracy`` rows; only rows with ``shown`` (enough reviewed posts) count."""
    if table.empty:
        return None
    measured = table[table["shown"].fillna(False).astype(bool)] if "shown" in table.columns \
        else table[table["n"] >= 2]
    return " ".join(accuracy_lines(measured, lang, details=False)) or None


def targets_table(city_id: str, lang: str, audience: str, months: int = 12) -> pd.DataFrame:
    """The published ``target_month`` rows of the city's latest ``months`` months as ``audience`` may see them
    (suppressed counts empty), target groups in ``lang``; newest month first."""
    from dashboards.i18n import t as words

    rows = for_audience("target_month", data.table("target_month", city_id), audience)
    if rows.empty:
        return rows
    latest = sorted(rows["period"].unique())[-months:]
    rows = rows[rows["period"].isin(latest)]
    groups = rows["target"].astype(str)
    named = groups.map(lambda g: words(f"target_{g}", lang))  # one lookup per row of a small table
    rows = rows.assign(target=named)
    return rows[["period", "target", "flagged_posts"]].sort_values(["period", "target"], ascending=[False, True])
