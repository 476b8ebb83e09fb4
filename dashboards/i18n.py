"""English, French and Arabic strings (a plain dict); Arabic pages are right-to-left."""

from __future__ import annotations

LANGS = {"en": "English", "fr": "Français", "ar": "العربية"}
RTL = frozenset({"ar"})

TEXT: dict[str, dict[str, str]] = {
    "period_shown": {"en": "Month shown: {period}", "fr": "Mois affiché : {period}", "ar": "الشهر المعروض: {period}"},
    "app_title": {"en": "Strong Cities Network data platform", "fr": "Plateforme de données du Strong Cities "
                  "Network", "ar": "منصة بيانات شبكة المدن القوية"},
    "network": {"en": "Network", "fr": "Réseau", "ar": "الشبكة"},
    "health": {"en": "Data health", "fr": "Santé des données", "ar": "سلامة البيانات"},
    "my_city": {"en": "My city", "fr": "Ma ville", "ar": "مدينتي"},
    "logout": {"en": "Log out", "fr": "Se déconnecter", "ar": "تسجيل الخروج"},
    "signed_in": {"en": "Signed in as {user}", "fr": "Connecté : {user}", "ar": "المستخدم: {user}"},
    "login": {"en": "Log in", "fr": "Connexion", "ar": "تسجيل الدخول"},
    "username": {"en": "User name", "fr": "Nom d'utilisateur", "ar": "اسم المستخدم"},
    "password": {"en": "Password", "fr": "Mot de passe", "ar": "كلمة المرور"},
    "login_failed": {"en": "Wrong user name or password.", "fr": "Nom d'utilisateur ou mot de passe incorrect.",
                     "ar": "اسم المستخدم أو كلمة المرور غير صحيحة."},
    "snapshot": {"en": "Data to {date}, published {published}", "fr": "Données jusqu'à {date}, publiées le "
                 "{published}", "ar": "البيانات حتى {date}، نُشرت في {published}"},
    "no_snapshot": {"en": "Nothing published yet: run `scn run`.", "fr": "Rien n'est encore publié : lancez "
                    "`scn run`.", "ar": "لم يُنشر شيء بعد: شغّل `scn run`."},
    "not_available": {"en": "Not yet available.", "fr": "Pas encore disponible.", "ar": "غير متاح بعد."},
    "not_found": {"en": "Page not found.", "fr": "Page introuvable.", "ar": "الصفحة غير موجودة."},
    "forbidden": {"en": "You do not have access to this page.", "fr": "Vous n'avez pas accès à cette page.",
                  "ar": "لا يمكنك الوصول إلى هذه الصفحة."},
    # city page
    "map": {"en": "Map of neighbourhood cells", "fr": "Carte des cellules de quartier", "ar": "خريطة خلايا الأحياء"},
    "metric": {"en": "Show", "fr": "Afficher", "ar": "عرض"},
    "flagged_posts": {"en": "Flagged (hateful) posts", "fr": "Publications signalées (haineuses)",
                      "ar": "منشورات مُعلَّمة (كراهية)"},
    "crimes": {"en": "All crimes", "fr": "Tous les délits", "ar": "جميع الجرائم"},
    "hate_crimes": {"en": "Hate crimes", "fr": "Crimes de haine", "ar": "جرائم الكراهية"},
    "risk": {"en": "Risk score (areas)", "fr": "Score de risque (secteurs)", "ar": "درجة الخطر (المناطق)"},
    "period": {"en": "Month", "fr": "Mois", "ar": "الشهر"},
    "resolution": {"en": "Cell size", "fr": "Taille des cellules", "ar": "حجم الخلية"},
    "res_8": {"en": "Small (0.7 km²)", "fr": "Petite (0,7 km²)", "ar": "صغيرة (0.7 كم²)"},
    "res_7": {"en": "Medium (5 km²)", "fr": "Moyenne (5 km²)", "ar": "متوسطة (5 كم²)"},
    "res_6": {"en": "Large (36 km²)", "fr": "Grande (36 km²)", "ar": "كبيرة (36 كم²)"},
    "suppressed_note": {"en": "Counts from 1 to {k} are hidden to protect privacy. No post text or personal data "
                        "is shown.", "fr": "Les effectifs de 1 à {k} sont masqués pour protéger la vie privée. "
                        "Aucun texte de publication ni donnée personnelle n'est affiché.",
                        "ar": "الأعداد من 1 إلى {k} مخفية لحماية الخصوصية. لا يُعرض أي نص منشور أو بيانات شخصية."},
    "no_personal": {"en": "No post text or personal data is shown.", "fr": "Aucun texte de publication ni donnée "
                    "personnelle n'est affiché.", "ar": "لا يُعرض أي نص منشور أو بيانات شخصية."},
    "series": {"en": "Online hate speech and hate crime, month by month", "fr": "Discours de haine en ligne et "
               "crimes de haine, mois par mois", "ar": "خطاب الكراهية عبر الإنترنت وجرائم الكراهية شهرياً"},
    "lag": {"en": "Correlation when speech leads crime by k months (bars: 95% CI)", "fr": "Corrélation quand le "
            "discours précède les délits de k mois (barres : IC 95 %)", "ar": "الارتباط عندما يسبق الخطابُ "
            "الجرائمَ بـ k أشهر (الأشرطة: فترة ثقة 95%)"},
    "lag_axis": {"en": "lag (months)", "fr": "décalage (mois)", "ar": "الفارق (أشهر)"},
    "findings": {"en": "What the data show", "fr": "Ce que montrent les données", "ar": "ما تُظهره البيانات"},
    "nb_irr": {"en": "Months with more hateful posts in a neighbourhood were followed by {direction} hate crimes "
               "there: rate ratio {est:.2f}, 95% CI {lo:.2f}–{hi:.2f}, {months} months, {cells} neighbourhoods.",
               "fr": "Les mois avec plus de publications haineuses dans un quartier ont été suivis de {direction} "
               "crimes de haine : rapport de taux {est:.2f}, IC 95 % {lo:.2f}–{hi:.2f}, {months} mois, {cells} "
               "quartiers.",
               "ar": "الأشهر التي شهدت منشورات كراهية أكثر في حيّ ما تلتها جرائم كراهية {direction} فيه: نسبة "
               "المعدل {est:.2f}، فترة ثقة 95% {lo:.2f}–{hi:.2f}، {months} شهراً، {cells} حيّاً."},
    "more": {"en": "more", "fr": "plus de", "ar": "أكثر"},
    "fewer": {"en": "fewer", "fr": "moins de", "ar": "أقل"},
    "spearman": {"en": "Neighbourhoods with more hateful posts also had {direction} hate crimes: rank correlation "
                 "{est:.2f}, 95% CI {lo:.2f}–{hi:.2f}, {cells} neighbourhoods.",
                 "fr": "Les quartiers avec plus de publications haineuses ont aussi connu {direction} crimes de "
                 "haine : corrélation de rang {est:.2f}, IC 95 % {lo:.2f}–{hi:.2f}, {cells} quartiers.",
                 "ar": "الأحياء التي شهدت منشورات كراهية أكثر شهدت أيضاً جرائم كراهية {direction}: ارتباط الرتب "
                 "{est:.2f}، فترة ثقة 95% {lo:.2f}–{hi:.2f}، {cells} حيّاً."},
    "moran_bv": {"en": "Hateful posts and hate crimes in neighbouring cells cluster together: bivariate Moran's I "
                 "{est:.2f} (p = {p:.3f}), {cells} neighbourhoods.",
                 "fr": "Publications haineuses et crimes de haine des cellules voisines se regroupent : I de Moran "
                 "bivarié {est:.2f} (p = {p:.3f}), {cells} quartiers.",
                 "ar": "تتجمع منشورات الكراهية وجرائم الكراهية في الخلايا المتجاورة: مؤشر موران الثنائي {est:.2f} "
                 "(p = {p:.3f})، {cells} حيّاً."},
    "no_clear_link": {"en": "The interval includes no effect: no clear link.", "fr": "L'intervalle inclut "
                      "l'absence d'effet : pas de lien net.", "ar": "تشمل الفترة انعدام الأثر: لا علاقة واضحة."},
    "not_causation": {"en": "These are correlations: they do not prove that online speech causes crime.",
                      "fr": "Ce sont des corrélations : elles ne prouvent pas que le discours en ligne cause les "
                      "délits.", "ar": "هذه ارتباطات: لا تُثبت أن الخطاب عبر الإنترنت يسبب الجرائم."},
    "surveys": {"en": "Survey indices (0–100, with 95% CI)", "fr": "Indices d'enquête (0–100, IC 95 %)",
                "ar": "مؤشرات المسح (0–100، فترة ثقة 95%)"},
    "prepost": {"en": "Change from baseline to endline", "fr": "Évolution entre l'enquête initiale et finale",
                "ar": "التغير بين المسح الأولي والنهائي"},
    "programmes": {"en": "Programme activity in this city", "fr": "Activités du programme dans cette ville",
                   "ar": "أنشطة البرنامج في هذه المدينة"},
    "alerts": {"en": "Early-warning alerts", "fr": "Alertes précoces", "ar": "تنبيهات الإنذار المبكر"},
    "no_alerts": {"en": "No alerts.", "fr": "Aucune alerte.", "ar": "لا توجد تنبيهات."},
    "risk_areas": {"en": "Areas to watch (risk ranking)", "fr": "Secteurs à surveiller (classement du risque)",
                   "ar": "مناطق تستحق المتابعة (ترتيب الخطر)"},
    "classifier_line": {"en": "Hate-speech classifier accuracy (macro F1, baseline in brackets): {scores}.",
                        "fr": "Précision du classifieur (F1 macro, référence entre parenthèses) : {scores}.",
                        "ar": "دقة مصنّف خطاب الكراهية (F1 الكلي، خط الأساس بين قوسين): {scores}."},
    "not_measured": {"en": "not measured", "fr": "non mesurée", "ar": "غير مقيسة"},
    "not_assessed": {"en": "{share:.0%} of this city's posts are in languages the classifier does not cover.",
                     "fr": "{share:.0%} des publications de cette ville sont dans des langues non couvertes.",
                     "ar": "{share:.0%} من منشورات هذه المدينة بلغات لا يغطيها المصنّف."},
    "lexicon_share": {"en": "{share:.0%} were labelled by word lists only (no trained model, accuracy not measured).",
                      "fr": "{share:.0%} ont été étiquetées par listes de mots seulement (sans modèle entraîné, "
                            "précision non mesurée).",
                      "ar": "{share:.0%} صُنّفت بقوائم كلمات فقط (دون نموذج مدرَّب، ودقتها غير مقيسة)."},
    # network page
    "kpis": {"en": "Key figures", "fr": "Chiffres clés", "ar": "أرقام رئيسية"},
    "summits": {"en": "Global summits", "fr": "Sommets mondiaux", "ar": "القمم العالمية"},
    "lines_by_region": {"en": "Programme activities by region", "fr": "Activités du programme par région",
                        "ar": "أنشطة البرنامج حسب المنطقة"},
    "members": {"en": "Member cities", "fr": "Villes membres", "ar": "المدن الأعضاء"},
    "exports": {"en": "Downloads", "fr": "Téléchargements", "ar": "التنزيلات"},
    "city_pages": {"en": "City pages", "fr": "Pages des villes", "ar": "صفحات المدن"},
    # health page
    "dagster_link": {"en": "Open the pipeline (Dagster) UI", "fr": "Ouvrir l'interface du pipeline (Dagster)",
                     "ar": "فتح واجهة خط المعالجة (Dagster)"},
    "assets": {"en": "Latest materializations", "fr": "Dernières matérialisations", "ar": "آخر التحديثات"},
    "failed_checks": {"en": "Failed checks", "fr": "Contrôles en échec", "ar": "الفحوص الفاشلة"},
    "all_checks_passed": {"en": "All {n} checks passed.", "fr": "Les {n} contrôles sont passés.",
                          "ar": "نجحت جميع الفحوص ({n})."},
    "quarantine": {"en": "Quarantined rows", "fr": "Lignes en quarantaine", "ar": "الصفوف المعزولة"},
    "no_quarantine": {"en": "No rows quarantined.", "fr": "Aucune ligne en quarantaine.", "ar": "لا صفوف معزولة."},
    "classifier_eval": {"en": "Classifier evaluation", "fr": "Évaluation du classifieur", "ar": "تقييم المصنّف"},
    "coverage": {"en": "Classifier coverage", "fr": "Couverture du classifieur", "ar": "تغطية المصنّف"},
    "snapshot_tables": {"en": "Published tables", "fr": "Tables publiées", "ar": "الجداول المنشورة"},
}

# table column headers (English falls back to the column name with spaces)
COLUMNS: dict[str, dict[str, str]] = {
    "alert_type": {"en": "alert", "fr": "alerte", "ar": "نوع التنبيه"},
    "area_code": {"en": "area code", "fr": "code du secteur", "ar": "رمز المنطقة"},
    "area_name": {"en": "area", "fr": "secteur", "ar": "المنطقة"},
    "period": {"en": "period", "fr": "période", "ar": "الفترة"},
    "score": {"en": "score", "fr": "score", "ar": "الدرجة"},
    "evidence": {"en": "evidence", "fr": "éléments", "ar": "الدليل"},
    "rank": {"en": "rank", "fr": "rang", "ar": "الترتيب"},
    "reasons": {"en": "reasons", "fr": "raisons", "ar": "الأسباب"},
    "programme_line": {"en": "programme line", "fr": "volet du programme", "ar": "محور البرنامج"},
    "programme_id": {"en": "programme", "fr": "programme", "ar": "البرنامج"},
    "year": {"en": "year", "fr": "année", "ar": "السنة"},
    "activities": {"en": "activities", "fr": "activités", "ar": "الأنشطة"},
    "people": {"en": "people", "fr": "personnes", "ar": "الأشخاص"},
    "construct": {"en": "index", "fr": "indice", "ar": "المؤشر"},
    "baseline_mean": {"en": "baseline", "fr": "initial", "ar": "المسح الأولي"},
    "endline_mean": {"en": "endline", "fr": "final", "ar": "المسح النهائي"},
    "diff": {"en": "change", "fr": "évolution", "ar": "التغير"},
    "ci_low": {"en": "95% CI low", "fr": "IC 95 % bas", "ar": "الحد الأدنى (95%)"},
    "ci_high": {"en": "95% CI high", "fr": "IC 95 % haut", "ar": "الحد الأعلى (95%)"},
    "effect_size": {"en": "effect size (g)", "fr": "taille d'effet (g)", "ar": "حجم الأثر (g)"},
    "n_baseline": {"en": "n baseline", "fr": "n initial", "ar": "العدد (أولي)"},
    "n_endline": {"en": "n endline", "fr": "n final", "ar": "العدد (نهائي)"},
    "summit": {"en": "summit", "fr": "sommet", "ar": "القمة"},
    "city": {"en": "city", "fr": "ville", "ar": "المدينة"},
    "country": {"en": "country", "fr": "pays", "ar": "البلد"},
    "delegates": {"en": "delegates", "fr": "délégués", "ar": "المندوبون"},
    "cities": {"en": "cities", "fr": "villes", "ar": "المدن"},
    "countries": {"en": "countries", "fr": "pays", "ar": "البلدان"},
}


def column(name: str, lang: str | None) -> str:
    """A table column header in ``lang``."""
    entry = COLUMNS.get(name, {})
    return entry.get(lang or "en") or entry.get("en") or name.replace("_", " ")


def t(key: str, lang: str | None = "en", **fmt: object) -> str:
    """The string ``key`` in ``lang`` (English when missing), formatted with ``fmt``."""
    entry = TEXT.get(key, {})
    text = entry.get(lang or "en") or entry.get("en") or key
    return text.format(**fmt) if fmt else text


def direction(lang: str | None) -> str:
    """``rtl`` for Arabic, else ``ltr``."""
    return "rtl" if lang in RTL else "ltr"


def normalise(lang: str | None) -> str:
    return lang if lang in LANGS else "en"
