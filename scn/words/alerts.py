"""The words of alerts in English, French and Arabic, and their renderers: evidence sentences, counts ("fewer than
k" when hidden by disclosure control), alert sentences, ages and notification messages.

Used by the alert notifier (``scn.alerts.notifier``: e-mail and webhook text) and by the dashboards (the inbox and
city pages, through ``dashboards.i18n``, which merges ``TEXT`` into its own words). Pure: dicts and functions; the
threshold ``k`` of "fewer than k" is the one the words' counts were shaped with, passed by the caller (the edge
reads it from the settings, as for ``scn.privacy``: tests/architecture/test_privacy_settings.py)."""

from __future__ import annotations

import json

import pandas as pd

TEXT: dict[str, dict[str, str]] = {
    "alert_burst": {"en": "Burst of hateful posts", "fr": "Pic de publications haineuses",
                    "ar": "موجة منشورات كراهية"},
    "alert_coordinated": {"en": "Coordinated posting", "fr": "Publications coordonnées", "ar": "نشر منسّق"},
    "evidence_speech_burst": {"en": "{flagged_posts} flagged posts in week {week}, against a usual {baseline} a "
                              "week over the previous {baseline_weeks} weeks (p = {p_value}).",
                              "fr": "{flagged_posts} publications signalées la semaine {week}, contre {baseline} "
                              "par semaine d'habitude sur les {baseline_weeks} semaines précédentes "
                              "(p = {p_value}).",
                              "ar": "{flagged_posts} من المنشورات المُعلَّمة في الأسبوع {week}، مقابل {baseline} "
                              "أسبوعياً في المعتاد خلال الأسابيع الـ{baseline_weeks} السابقة (p = {p_value})."},
    "evidence_burst_bound": {"en": " Up to {upper} would have been within the usual range for this area (weeks {start} to "
                             "{end}).",
                             "fr": " Jusqu'à {upper} serait resté dans la norme de ce secteur (semaines {start} à {end}).",
                             "ar": " حتى {upper} كان سيبقى ضمن المعتاد لهذه المنطقة (الأسابيع {start} إلى {end})."},
    "evidence_burst_volume": {"en": " The city's other posts this week were {volume} times their level in those weeks "
                              "(more or fewer posts collected), so the usual level is scaled by that.",
                              "fr": " Les autres publications de la ville cette semaine représentaient {volume} fois "
                              "leur niveau de ces semaines (plus ou moins de publications collectées) : le niveau "
                              "habituel est ajusté d'autant.",
                              "ar": " بلغت منشورات المدينة الأخرى هذا الأسبوع {volume} ضعف مستواها في تلك الأسابيع "
                              "(جُمعت منشورات أكثر أو أقل)، لذا عُدِّل المستوى المعتاد بالنسبة نفسها."},
    "evidence_near_duplicates": {"en": "{posts} near-identical posts from {accounts} accounts between "
                                 "{first_seen} and {last_seen} UTC (text fingerprint {fingerprint}).",
                                 "fr": "{posts} publications quasi identiques de {accounts} comptes entre "
                                 "{first_seen} et {last_seen} UTC (empreinte du texte {fingerprint}).",
                                 "ar": "{posts} من المنشورات شبه المتطابقة من {accounts} حسابات بين {first_seen} "
                                 "و{last_seen} بالتوقيت العالمي (بصمة النص {fingerprint})."},
    "evidence_content": {"en": " Of these, {hateful} labelled hateful and {calls} calls to gather against a group.",
                         "fr": " Parmi elles, {hateful} classées haineuses et {calls} appels à se rassembler contre "
                         "un groupe.",
                         "ar": " ومن بينها {hateful} مصنّفة كراهية و{calls} دعوات إلى التجمّع ضد فئة ما."},
    "fewer_than": {"en": "fewer than {k}", "fr": "moins de {k}", "ar": "أقل من {k}"},
    "no_data_yet": {"en": "no data yet", "fr": "pas encore de données", "ar": "لا توجد بيانات بعد"},
    "hidden_beneath": {"en": "hidden: fewer than {k}, or so that smaller counts within it cannot be worked out",
                       "fr": "masqué : moins de {k}, ou pour que les petits chiffres qu'il contient ne puissent pas "
                             "être déduits",
                       "ar": "مخفي: أقل من {k}، أو كي لا يمكن استنتاج الأعداد الصغيرة التي يتضمنها"},
    "hidden": {"en": "hidden", "fr": "masqué", "ar": "مخفي"},
    "withheld": {"en": "(withheld: its weeks overlap an earlier alert's)", "fr": "(non communiqué : ses semaines "
                 "recoupent celles d'une alerte précédente)", "ar": "(محجوب: تتداخل أسابيعه مع أسابيع تنبيه سابق)"},
    "counts_withheld": {"en": "(counts not shown: set against the city's published totals they would let smaller "
                        "counts be worked out)",
                        "fr": "(effectifs non communiqués : rapprochés des totaux publiés de la ville, ils "
                        "permettraient d'en déduire de plus petits)",
                        "ar": "(الأعداد غير معروضة: بمقارنتها بالمجاميع المنشورة للمدينة يمكن استنتاج أعداد أصغر)"},
    "evidence_burst_withheld": {"en": "Flagged posts well above the usual level for this area in week {week} {why}.",
                                "fr": "Publications signalées bien au-dessus du niveau habituel de ce secteur la "
                                "semaine {week} {why}.",
                                "ar": "منشورات مُعلَّمة أعلى بكثير من المستوى المعتاد لهذه المنطقة في الأسبوع {week} "
                                "{why}."},
    "evidence_near_duplicates_withheld": {"en": "Near-identical posts from many accounts between {first_seen} and "
                                          "{last_seen} UTC (text fingerprint {fingerprint}) {why}.",
                                          "fr": "Publications quasi identiques de nombreux comptes entre "
                                          "{first_seen} et {last_seen} UTC (empreinte du texte {fingerprint}) {why}.",
                                          "ar": "منشورات شبه متطابقة من حسابات عديدة بين {first_seen} و{last_seen} "
                                          "بالتوقيت العالمي (بصمة النص {fingerprint}) {why}."},
    "alert_rise_withheld": {"en": "Unusual rise in hateful posts in {area}: well above the usual level this week",
                            "fr": "Hausse inhabituelle des publications haineuses à {area} : bien au-dessus du "
                            "niveau habituel cette semaine",
                            "ar": "ارتفاع غير معتاد في منشورات الكراهية في {area}: أعلى بكثير من المستوى المعتاد "
                            "هذا الأسبوع"},
    "alert_coordinated_withheld": {"en": "Coordinated posting in {area}: near-identical posts from many accounts",
                                   "fr": "Publications coordonnées à {area} : publications quasi identiques de "
                                   "nombreux comptes",
                                   "ar": "نشر منسّق في {area}: منشورات شبه متطابقة من حسابات عديدة"},
    "alert_usual_withheld": {"en": "a usual level not shown (see the first alert of this run)",
                             "fr": "un niveau habituel non affiché (voir la première alerte de cette série)",
                             "ar": "مستوى معتاد غير معروض (انظر التنبيه الأول في هذه السلسلة)"},
    "alert_rise": {"en": "Unusual rise in hateful posts in {area}: {this_week} this week vs {usual} usually",
                   "fr": "Hausse inhabituelle des publications haineuses à {area} : {this_week} cette semaine "
                   "contre {usual} d'habitude",
                   "ar": "ارتفاع غير معتاد في منشورات الكراهية في {area}: {this_week} هذا الأسبوع مقابل {usual} "
                   "في المعتاد"},
    "alert_usual_about": {"en": "about {n}", "fr": "environ {n}", "ar": "نحو {n}"},
    "alert_usual_few": {"en": "very few", "fr": "très peu", "ar": "عدد قليل جداً"},
    "alert_coordinated_in": {"en": "Coordinated posting in {area}: {posts} near-identical posts from {accounts} "
                             "accounts",
                             "fr": "Publications coordonnées à {area} : {posts} publications quasi identiques de "
                             "{accounts} comptes",
                             "ar": "نشر منسّق في {area}: {posts} من المنشورات شبه المتطابقة من {accounts} حسابات"},
    "alert_other_in": {"en": "{kind} in {area}", "fr": "{kind} à {area}", "ar": "{kind} في {area}"},
    "age_today": {"en": "today", "fr": "aujourd'hui", "ar": "اليوم"},
    "age_yesterday": {"en": "yesterday", "fr": "hier", "ar": "أمس"},
    "age_days": {"en": "{n} days ago", "fr": "il y a {n} jours", "ar": "منذ {n} أيام"},
    "age_weeks": {"en": "{n} weeks ago", "fr": "il y a {n} semaines", "ar": "منذ {n} أسابيع"},
    "age_months": {"en": "{n} months ago", "fr": "il y a {n} mois", "ar": "منذ {n} أشهر"},
    "age_unknown": {"en": "date unknown", "fr": "date inconnue", "ar": "التاريخ غير معروف"},
    "alert_raised": {"en": "Raised {age} (week {period})", "fr": "Signalée {age} (semaine {period})",
                     "ar": "أُطلق {age} (الأسبوع {period})"},
    "state_new": {"en": "New", "fr": "Nouvelle", "ar": "جديد"},
    "state_acknowledged": {"en": "Acknowledged", "fr": "Prise en compte", "ar": "تم الاطلاع"},
    "state_closed": {"en": "Closed", "fr": "Close", "ar": "مغلق"},
    "state_expired": {"en": "Expired (no action taken)", "fr": "Expirée (sans suite)", "ar": "منتهي (دون إجراء)"},
    "alert_evidence": {"en": "Evidence: {text}", "fr": "Éléments : {text}", "ar": "الأدلة: {text}"},
    "mail_subject_one": {"en": "[{city}] New alert: {sentence}", "fr": "[{city}] Nouvelle alerte : {sentence}",
                         "ar": "[{city}] تنبيه جديد: {sentence}"},
    "mail_subject_digest": {"en": "[{city}] Daily alert digest: {n} new", "fr": "[{city}] Résumé quotidien des "
                            "alertes : {n} nouvelles", "ar": "[{city}] الملخص اليومي للتنبيهات: {n} جديدة"},
    "mail_open": {"en": "Acknowledge or close it in the alert inbox: {url}",
                  "fr": "Prenez-la en compte ou closez-la dans la boîte des alertes : {url}",
                  "ar": "أكّد الاطلاع عليه أو أغلقه في صندوق التنبيهات: {url}"},
    "mail_footer": {"en": "Counts from 1 to {k} are not given, to protect privacy. No post text is ever sent. "
                    "You receive this because your address is subscribed to the alerts of {city}.",
                    "fr": "Les effectifs de 1 à {k} ne sont pas donnés, pour protéger la vie privée. Aucun texte "
                    "de publication n'est jamais envoyé. Vous recevez ceci car votre adresse est abonnée aux "
                    "alertes de {city}.",
                    "ar": "لا تُذكر الأعداد من 1 إلى {k} حمايةً للخصوصية. لا يُرسل أي نص منشور أبداً. تتلقى هذا "
                    "لأن عنوانك مشترك في تنبيهات {city}."},
}


def t(key: str, lang: str | None = "en", **fmt: object) -> str:
    """The string ``key`` of these words in ``lang`` (English when missing), formatted with ``fmt``."""
    entry = TEXT.get(key, {})
    text = entry.get(lang or "en") or entry.get("en") or key
    return text.format(**fmt) if fmt else text


def has(key: str) -> bool:
    return key in TEXT


def _missing(value: object) -> bool:
    """None, NaN or NA (a count hidden by disclosure control, an empty cell)."""
    return value is None or (not isinstance(value, str | dict | list) and bool(pd.isna(value)))


def parse_json(raw: object) -> dict | None:
    """A JSON object from a published cell (None when the cell is empty or not a JSON object)."""
    if isinstance(raw, dict):
        return raw
    if not isinstance(raw, str):
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# codes a count may be given instead of a number (``count``): nothing published at all (never "fewer than k" for
# zero rows); a hidden count that may be k or more, hidden so that the small counts beneath it cannot be worked
# out: worded for both reasons at once (which one holds for a given count is never said: a count known to be k
# or more beside one known to be small would narrow both down from a shown total)
NO_DATA, HIDDEN_BENEATH = "no_data_yet", "hidden_beneath"


def count(value: object, lang: str | None, *, k: int) -> str:
    """A count as digits; a count hidden by disclosure control (NA) as "fewer than k" (``k``: the threshold it was
    shaped with); the codes ``NO_DATA`` and ``HIDDEN_BENEATH`` in words."""
    if isinstance(value, str) and value in (NO_DATA, HIDDEN_BENEATH):
        return t(value, lang, k=k)
    if _missing(value):
        return t("fewer_than", lang, k=k)
    return f"{int(value)}"


def _number(value: object) -> str:
    try:
        return f"{float(value):.3g}"
    except (TypeError, ValueError):
        return "?"


def _shown(value: object, lang: str | None, hidden: str = "fewer_than", *, k: int) -> str:
    """A number; one hidden by disclosure control (null) as "fewer than k" (or "hidden": the p-value)."""
    if _missing(value):
        return count(value, lang, k=k) if hidden == "fewer_than" else t(hidden, lang)
    return _number(value)


def _volume_changed(value: object) -> bool:
    """A burst's collection-volume factor (``volume``, geo.warning) worth saying: at least 10% off 1."""
    try:
        return abs(float(str(value)) - 1) >= 0.1
    except (TypeError, ValueError):
        return False


def _when(value: object) -> str:
    """``2026-10-08T12:21Z`` -> ``2026-10-08 12:21``."""
    return str(value or "?").replace("T", " ").removesuffix("Z")


def alert_type(code: object, lang: str | None) -> str:
    """An alert type code (``burst``, ``coordinated``) in words."""
    key = f"alert_{code}"
    return t(key, lang) if has(key) else str(code or "")


def evidence(raw: object, lang: str | None, *, k: int) -> str:
    """``alerts.evidence`` (JSON: ``speech_burst`` or ``near_duplicates`` and their numbers) as a sentence, a hidden
    count as "fewer than ``k``". A value from a snapshot published before the codes existed is shown as it is."""
    ev = parse_json(raw)
    if ev is None:
        return "" if _missing(raw) else str(raw)
    code = ev.get("code")
    if ev.get("counts_withheld") and code in ("speech_burst", "near_duplicates"):  # no count, no "fewer than k"
        if code == "speech_burst":
            return t("evidence_burst_withheld", lang, week=ev.get("week", "?"), why=t("counts_withheld", lang))
        return t("evidence_near_duplicates_withheld", lang, first_seen=_when(ev.get("first_seen")),
                 last_seen=_when(ev.get("last_seen")), fingerprint=ev.get("fingerprint", "?"),
                 why=t("counts_withheld", lang))
    if code == "speech_burst":
        baseline = t("withheld", lang) if ev.get("baseline_withheld") else _shown(ev.get("baseline"), lang, k=k)
        return t("evidence_speech_burst", lang, flagged_posts=count(ev.get("flagged_posts"), lang, k=k),
                 week=ev.get("week", "?"), baseline=baseline,
                 baseline_weeks=ev.get("baseline_weeks", "?"), p_value=_shown(ev.get("p_value"), lang, "hidden", k=k)) + \
            (t("evidence_burst_bound", lang, upper=_number(ev["upper"]), start=ev.get("baseline_from", "?"),
               end=ev.get("baseline_to", "?")) if not _missing(ev.get("upper")) else "") + \
            (t("evidence_burst_volume", lang, volume=f"{float(ev['volume']):.2g}")
             if _volume_changed(ev.get("volume")) else "")  # a change of collection (geo.warning): said
    if code == "near_duplicates":
        return t("evidence_near_duplicates", lang, posts=count(ev.get("posts"), lang, k=k),
                 accounts=count(ev.get("accounts"), lang, k=k), first_seen=_when(ev.get("first_seen")),
                 last_seen=_when(ev.get("last_seen")), fingerprint=ev.get("fingerprint", "?")) + \
            (t("evidence_content", lang, hateful=count(ev.get("hateful_posts"), lang, k=k),
               calls=count(ev.get("hostile_calls"), lang, k=k)) if "hostile_calls" in ev else "")
    return ""


def _fact(facts: dict, key: str) -> object:
    value = facts.get(key)
    return None if _missing(value) else value


def alert_area(facts: dict, lang: str | None, city_name: str | None = None) -> str:
    """The place an alert is about: the area's name (in the local script for Arabic, where the data have it),
    else its code, else the city."""
    local, name = _fact(facts, "area_name_local"), _fact(facts, "area_name")
    if lang == "ar" and local:
        return str(local)
    return str(name or _fact(facts, "area_code") or city_name or facts.get("city_id") or "")


def alert_sentence(facts: dict, lang: str | None, city_name: str | None = None, *, k: int) -> str:
    """One alert in plain words ("Unusual rise in hateful posts in Old Bazaar: 23 this week vs about 6 usually");
    a suppressed count reads "fewer than k" (``k``: the threshold the facts were shaped with), a usual count suppressed or below one a week "very few"; an alert
    whose counts are withheld (``counts_withheld``) is said without them ("well above the usual level")."""
    area = alert_area(facts, lang, city_name)
    kind = facts.get("alert_type")
    if kind in ("burst", "coordinated") and (parse_json(facts.get("evidence")) or {}).get("counts_withheld"):
        return t(f"alert_{'rise' if kind == 'burst' else 'coordinated'}_withheld", lang, area=area)
    if kind == "burst":
        usual = _fact(facts, "usual")
        usual_words = t("alert_usual_few", lang) if usual is None or float(usual) < 1 else \
            t("alert_usual_about", lang, n=f"{float(usual):.0f}")
        if (parse_json(facts.get("evidence")) or {}).get("baseline_withheld"):
            usual_words = t("alert_usual_withheld", lang)
        return t("alert_rise", lang, area=area, this_week=count(_fact(facts, "this_week"), lang, k=k), usual=usual_words)
    if kind == "coordinated":
        return t("alert_coordinated_in", lang, area=area, posts=count(_fact(facts, "posts"), lang, k=k),
                 accounts=count(_fact(facts, "accounts"), lang, k=k))
    return t("alert_other_in", lang, kind=alert_type(kind, lang), area=area)


def alert_age(days: object, lang: str | None) -> str:
    """An age in days as "today", "yesterday", "3 days ago", "5 weeks ago", "4 months ago"."""
    if _missing(days):
        return t("age_unknown", lang)
    n = int(days)
    if n <= 0:
        return t("age_today", lang)
    if n == 1:
        return t("age_yesterday", lang)
    if n < 14:
        return t("age_days", lang, n=n)
    if n < 60:
        return t("age_weeks", lang, n=n // 7)
    return t("age_months", lang, n=n // 30)


def alert_state(state: object, lang: str | None) -> str:
    """new, acknowledged, closed, expired in words."""
    return t(f"state_{state}", lang) if has(f"state_{state}") else str(state or "")


def alert_message(facts: list[dict], city_name: str, lang: str | None, url: str, k: int) -> tuple[str, str]:
    """The subject and plain-text body of a notification: one alert, or a digest of several. Only the facts
    given (shaped for officials by the caller) and their evidence; never post text."""
    lines = []
    for f in facts:
        lines += [f"- {alert_sentence(f, lang, city_name, k=k)}",
                  f"  {t('alert_raised', lang, age=alert_age(f.get('age_days'), lang), period=f.get('period', '?'))}"]
        ev = evidence(f.get("evidence"), lang, k=k)
        if ev:
            lines.append(f"  {t('alert_evidence', lang, text=ev)}")
    subject = t("mail_subject_one", lang, city=city_name, sentence=alert_sentence(facts[0], lang, city_name, k=k)) \
        if len(facts) == 1 else t("mail_subject_digest", lang, city=city_name, n=len(facts))
    body = "\n".join([*lines, "", t("mail_open", lang, url=url), "", t("mail_footer", lang, k=k - 1, city=city_name)])
    return subject, body
