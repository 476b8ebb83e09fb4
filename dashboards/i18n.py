"""English, French and Arabic strings (a plain dict); Arabic pages are right-to-left."""

from __future__ import annotations

import json

import pandas as pd

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
    "login_throttled": {"en": "Too many failed log-ins. Wait {minutes} minutes, then try again.",
                        "fr": "Trop d'échecs de connexion. Attendez {minutes} minutes, puis réessayez.",
                        "ar": "محاولات دخول فاشلة كثيرة جداً. انتظر {minutes} دقيقة ثم حاول مجدداً."},
    "login_expired": {"en": "This log-in form has expired or did not come from this site. Please sign in again.",
                      "fr": "Ce formulaire de connexion a expiré ou ne vient pas de ce site. Reconnectez-vous.",
                      "ar": "انتهت صلاحية نموذج الدخول هذا أو أنه لم يأتِ من هذا الموقع. يُرجى تسجيل الدخول مجدداً."},
    "back_to_login": {"en": "Back to the log-in page", "fr": "Retour à la page de connexion",
                      "ar": "العودة إلى صفحة الدخول"},
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
    "suppressed_sums": {"en": "At the larger cell sizes and in the monthly totals, some sums are hidden as well, so "
                        "that no hidden count can be worked out by subtraction.", "fr": "Aux grandes tailles de "
                        "cellules et dans les totaux mensuels, certaines sommes sont aussi masquées, afin qu'aucun "
                        "effectif masqué ne puisse être retrouvé par soustraction.", "ar": "في أحجام الخلايا "
                        "الأكبر وفي المجاميع الشهرية تُخفى بعض المجاميع أيضاً، كي لا يمكن استنتاج أي عدد مخفي "
                        "بالطرح."},
    "no_personal": {"en": "No post text or personal data is shown.", "fr": "Aucun texte de publication ni donnée "
                    "personnelle n'est affiché.", "ar": "لا يُعرض أي نص منشور أو بيانات شخصية."},
    "series": {"en": "Online hate speech and hate crime, month by month", "fr": "Discours de haine en ligne et "
               "crimes de haine, mois par mois", "ar": "خطاب الكراهية عبر الإنترنت وجرائم الكراهية شهرياً"},
    "lag": {"en": "Within the same neighbourhoods: rate ratio per doubling, by lag in months (bars: 95% CI)",
            "fr": "Dans les mêmes quartiers : rapport de taux par doublement, selon le décalage en mois (barres : "
            "IC 95 %)", "ar": "داخل الأحياء نفسها: نسبة المعدل لكل تضاعف، حسب الفارق بالأشهر (الأشرطة: فترة ثقة 95%)"},
    "lag_yaxis": {"en": "rate ratio per doubling", "fr": "rapport de taux par doublement",
                  "ar": "نسبة المعدل لكل تضاعف"},
    "lag_speech_to_crime": {"en": "hateful posts → later hate crimes", "fr": "publications haineuses → crimes de "
                            "haine ultérieurs", "ar": "منشورات الكراهية ← جرائم كراهية لاحقة"},
    "lag_crime_to_speech": {"en": "hate crimes → later hateful posts", "fr": "crimes de haine → publications "
                            "haineuses ultérieures", "ar": "جرائم الكراهية ← منشورات كراهية لاحقة"},
    "lag_note": {"en": "1 means no change. The verdict rests on a lag of one month, fixed in advance; longer lags "
                 "are shown for context and are not tested for it.", "fr": "1 signifie aucun changement. Le "
                 "verdict repose sur un décalage d'un mois, fixé à l'avance ; les décalages plus longs sont montrés "
                 "pour information et ne sont pas testés pour lui.", "ar": "القيمة 1 تعني عدم التغير. يستند الحكم "
                 "إلى فارق شهر واحد محدد مسبقاً؛ وتُعرض الفوارق الأطول للسياق ولا تُختبر من أجله."},
    "comparison": {"en": "Compared: each neighbourhood with itself from month to month ({cells} neighbourhoods, "
                   "{months} months, n = {n} neighbourhood-months), so differences between places (population, "
                   "footfall) do not count; adjusted for changes shared by the whole city each month, overall "
                   "posting activity, the previous months' hate crimes and hateful posts in neighbouring cells.",
                   "fr": "Comparaison : chaque quartier avec lui-même d'un mois à l'autre ({cells} quartiers, "
                   "{months} mois, n = {n} quartiers-mois), de sorte que les différences entre lieux (population, "
                   "fréquentation) ne comptent pas ; ajusté sur les variations communes à toute la ville chaque "
                   "mois, l'activité globale de publication, les crimes de haine des mois précédents et les "
                   "publications haineuses des cellules voisines.",
                   "ar": "المقارنة: كل حيّ مع نفسه من شهر إلى آخر ({cells} حيّاً، {months} شهراً، n = {n} "
                   "حيّ-شهر)، فلا تُحتسب الفروق بين الأماكن (السكان، الحركة)؛ مع ضبط التغيرات المشتركة في المدينة "
                   "كلها كل شهر، والنشاط العام للنشر، وجرائم الكراهية في الأشهر السابقة، ومنشورات الكراهية في "
                   "الخلايا المجاورة."},
    "pct_more": {"en": "{pct:.0f}% more", "fr": "{pct:.0f} % de plus de", "ar": "زيادة {pct:.0f}% في"},
    "pct_fewer": {"en": "{pct:.0f}% fewer", "fr": "{pct:.0f} % de moins de", "ar": "انخفاض {pct:.0f}% في"},
    "verdict_speech_leads": {"en": "Verdict: hateful posts came first. In months after a neighbourhood had more "
                             "hateful posts, it had more hate crimes: each doubling of hateful posts went with "
                             "{change} hate crimes the next month (rate ratio {est:.2f}, 95% CI {lo:.2f}–{hi:.2f}). "
                             "Hate crimes did not clearly come before more hateful posts.",
                             "fr": "Verdict : les publications haineuses viennent d'abord. Les mois suivant une "
                             "hausse des publications haineuses dans un quartier, il y a eu plus de crimes de haine : "
                             "chaque doublement des publications haineuses va avec {change} crimes de haine le mois "
                             "suivant (rapport de taux {est:.2f}, IC 95 % {lo:.2f}–{hi:.2f}). Les crimes de haine "
                             "ne précèdent pas nettement une hausse des publications haineuses.",
                             "ar": "الحكم: منشورات الكراهية سبقت. في الأشهر التي تلت ازدياد منشورات الكراهية في حيّ "
                             "ما، ازدادت جرائم الكراهية فيه: كل تضاعف في منشورات الكراهية رافقه {change} جرائم "
                             "الكراهية في الشهر التالي (نسبة المعدل {est:.2f}، فترة ثقة 95% {lo:.2f}–{hi:.2f}). ولم "
                             "تسبق جرائمُ الكراهية ازديادَ منشورات الكراهية بوضوح."},
    "spillover_found": {"en": "Hateful posts in neighbouring cells were also followed by more hate crimes the next "
                        "month: {change} hate crimes per doubling of the neighbours' hateful posts (rate ratio "
                        "{est:.2f}, 95% CI {lo:.2f}–{hi:.2f}, n = {n} neighbourhood-months). This is reported "
                        "beside the verdict, not as part of it.",
                        "fr": "Les publications haineuses des cellules voisines ont aussi été suivies de plus de "
                        "crimes de haine le mois suivant : {change} crimes de haine par doublement des "
                        "publications haineuses voisines (rapport de taux {est:.2f}, IC 95 % {lo:.2f}–{hi:.2f}, "
                        "n = {n} quartiers-mois). Ce résultat accompagne le verdict sans en faire partie.",
                        "ar": "كما تبع منشوراتِ الكراهية في الخلايا المجاورة ازديادٌ في جرائم الكراهية في الشهر "
                        "التالي: {change} جرائم الكراهية لكل تضاعف في منشورات الكراهية المجاورة (نسبة المعدل "
                        "{est:.2f}، فترة ثقة 95% {lo:.2f}–{hi:.2f}، ن = {n} حيّ-شهر). يُعرض هذا بجانب الحكم "
                        "وليس جزءاً منه."},
    "forward_fewer": {"en": "Months after more hateful posts in a neighbourhood had fewer hate crimes there "
                      "({change} hate crimes per doubling, rate ratio {est:.2f}, 95% CI {lo:.2f}–{hi:.2f}). The "
                      "platform tests whether more hateful posts come before more hate crimes; a decrease is not "
                      "evidence either way and may come from how crimes are recorded.",
                      "fr": "Les mois suivant une hausse des publications haineuses dans un quartier ont compté "
                      "moins de crimes de haine ({change} crimes de haine par doublement, rapport de taux "
                      "{est:.2f}, IC 95 % {lo:.2f}–{hi:.2f}). La plateforme teste si plus de publications "
                      "haineuses précèdent plus de crimes de haine ; une baisse n'est une preuve ni dans un sens "
                      "ni dans l'autre et peut venir de la façon dont les crimes sont enregistrés.",
                      "ar": "شهدت الأشهر التي تلت ازدياد منشورات الكراهية في حيّ ما عدداً أقل من جرائم الكراهية "
                      "فيه ({change} جرائم الكراهية لكل تضاعف، نسبة المعدل {est:.2f}، فترة ثقة 95% "
                      "{lo:.2f}–{hi:.2f}). تختبر المنصة ما إذا كانت زيادة منشورات الكراهية تسبق زيادة جرائم "
                      "الكراهية؛ والانخفاض ليس دليلاً في أي اتجاه وقد ينتج عن طريقة تسجيل الجرائم."},
    "verdict_crime_leads": {"en": "Verdict: hate crimes came first. After a neighbourhood had more hate crimes, "
                            "hateful posts rose: {r_change} hateful posts per doubling of hate crimes (rate ratio "
                            "{r_est:.2f}, 95% CI {r_lo:.2f}–{r_hi:.2f}). More hateful posts were not clearly "
                            "followed by more hate crimes (rate ratio {est:.2f}, 95% CI {lo:.2f}–{hi:.2f}).",
                            "fr": "Verdict : les crimes de haine viennent d'abord. Après une hausse des crimes de "
                            "haine dans un quartier, les publications haineuses ont augmenté : {r_change} "
                            "publications haineuses par doublement des crimes de haine (rapport de taux "
                            "{r_est:.2f}, IC 95 % {r_lo:.2f}–{r_hi:.2f}). Plus de publications haineuses n'ont pas "
                            "été nettement suivies de plus de crimes de haine (rapport de taux {est:.2f}, IC 95 % "
                            "{lo:.2f}–{hi:.2f}).",
                            "ar": "الحكم: جرائم الكراهية سبقت. بعد ازدياد جرائم الكراهية في حيّ ما، ازدادت منشورات "
                            "الكراهية: {r_change} منشورات الكراهية لكل تضاعف في جرائم الكراهية (نسبة المعدل "
                            "{r_est:.2f}، فترة ثقة 95% {r_lo:.2f}–{r_hi:.2f}). ولم يتبع ازديادَ منشورات الكراهية "
                            "ازديادٌ واضح في جرائم الكراهية (نسبة المعدل {est:.2f}، فترة ثقة 95% {lo:.2f}–{hi:.2f})."},
    "verdict_both_directions": {"en": "Verdict: a common cause is likely. Hateful posts and hate crimes moved "
                                "together in a way that does not show which came first (hateful posts → hate "
                                "crimes: rate ratio {est:.2f} per doubling, 95% CI {lo:.2f}–{hi:.2f}); something "
                                "else, such as local tensions or events, may drive both. This is not evidence that "
                                "posts lead to crime.",
                                "fr": "Verdict : une cause commune est probable. Publications haineuses et crimes "
                                "de haine ont évolué ensemble sans que l'on puisse dire lequel vient d'abord "
                                "(publications → crimes : rapport de taux {est:.2f} par doublement, IC 95 % "
                                "{lo:.2f}–{hi:.2f}) ; autre chose, comme des tensions ou événements locaux, peut "
                                "agir sur les deux. Ce n'est pas une preuve que les publications mènent aux délits.",
                                "ar": "الحكم: يُرجَّح وجود سبب مشترك. تحركت منشورات الكراهية وجرائم الكراهية معاً "
                                "بطريقة لا تبيّن أيهما سبق (المنشورات ← الجرائم: نسبة المعدل {est:.2f} لكل تضاعف، "
                                "فترة ثقة 95% {lo:.2f}–{hi:.2f})؛ وقد يدفع أمرٌ آخر، كالتوترات أو الأحداث المحلية، "
                                "كليهما. وليس هذا دليلاً على أن المنشورات تؤدي إلى الجرائم."},
    "verdict_no_link": {"en": "Verdict: no clear link. Within the same neighbourhoods, changes in hateful posts "
                        "and in hate crimes could not be told apart from chance in either direction (hateful "
                        "posts → hate crimes: rate ratio {est:.2f} per doubling, 95% CI {lo:.2f}–{hi:.2f}).",
                        "fr": "Verdict : pas de lien net. Dans les mêmes quartiers, les variations des "
                        "publications haineuses et des crimes de haine ne se distinguent pas du hasard, dans un sens "
                        "comme dans l'autre (publications → crimes : rapport de taux {est:.2f} par doublement, "
                        "IC 95 % {lo:.2f}–{hi:.2f}).",
                        "ar": "الحكم: لا علاقة واضحة. داخل الأحياء نفسها، لم يمكن تمييز تغيرات منشورات الكراهية "
                        "وجرائم الكراهية عن الصدفة في أي من الاتجاهين (المنشورات ← الجرائم: نسبة المعدل {est:.2f} "
                        "لكل تضاعف، فترة ثقة 95% {lo:.2f}–{hi:.2f})."},
    "verdict_insufficient_data": {"en": "Verdict: not enough data to tell whether hateful posts and hate crimes are "
                                  "linked here ({why}; {cells} neighbourhoods, {months} months).",
                                  "fr": "Verdict : pas assez de données pour dire si publications haineuses et "
                                  "crimes de haine sont liés ici ({why} ; {cells} quartiers, {months} mois).",
                                  "ar": "الحكم: لا تكفي البيانات لمعرفة ما إذا كانت منشورات الكراهية وجرائم "
                                  "الكراهية مرتبطة هنا ({why}؛ {cells} حيّاً، {months} شهراً)."},
    "insufficient_too_few_periods": {"en": "too few months", "fr": "trop peu de mois", "ar": "أشهر قليلة جداً"},
    "insufficient_too_few_cells": {"en": "too few neighbourhoods with hate crimes", "fr": "trop peu de quartiers "
                                   "avec des crimes de haine", "ar": "أحياء قليلة جداً فيها جرائم كراهية"},
    "insufficient_too_few_hate_crimes": {"en": "too few hate crimes", "fr": "trop peu de crimes de haine",
                                         "ar": "جرائم كراهية قليلة جداً"},
    "insufficient_too_few_flagged_posts": {"en": "too few hateful posts", "fr": "trop peu de publications "
                                           "haineuses", "ar": "منشورات كراهية قليلة جداً"},
    "insufficient_not_converged": {"en": "the model could not be fitted", "fr": "le modèle n'a pas pu être "
                                   "ajusté", "ar": "تعذّر تقدير النموذج"},
    "common_cause": {"en": "A check failed: future hateful posts also \"predicted\" past hate crimes, non-hate "
                     "crimes moved the same way, or each rose after the other. A common cause is likely.",
                     "fr": "Un contrôle a échoué : les publications haineuses futures « prédisent » aussi les "
                     "crimes passés, les délits non haineux évoluent de même, ou chacun augmente après l'autre. "
                     "Une cause commune est probable.",
                     "ar": "فشل أحد الفحوص: منشورات الكراهية اللاحقة \"تنبأت\" أيضاً بجرائم سابقة، أو تحركت "
                     "الجرائم غير المرتبطة بالكراهية بالطريقة نفسها، أو ازداد كلٌّ منهما بعد الآخر. يُرجَّح وجود "
                     "سبب مشترك."},
    "classifier_adjusted": {"en": "Counts of hateful posts were corrected for the classifier's measured errors; the "
                            "intervals include that uncertainty.", "fr": "Les effectifs de publications haineuses "
                            "ont été corrigés des erreurs mesurées du classifieur ; les intervalles incluent cette "
                            "incertitude.", "ar": "صُحّحت أعداد منشورات الكراهية وفق أخطاء المصنّف المقيسة؛ وتشمل "
                            "الفترات هذا الشك."},
    "cluster_cell": {"en": "neighbourhood", "fr": "quartier", "ar": "الحي"},
    "cluster_area": {"en": "area", "fr": "secteur", "ar": "المنطقة"},
    "method_engine": {"en": "Fixed-effects quasi-Poisson regression of hate crimes on hateful posts 1 to {max_lag} "
                      "months earlier, with neighbourhood and month effects and standard errors clustered by "
                      "{cluster}; the same the other way round, a lead (placebo) test and non-hate crimes as a "
                      "negative control; Holm correction within the verdict's tests (docs/geo.md).",
                      "fr": "Régression quasi-Poisson à effets fixes des crimes de haine sur les publications "
                      "haineuses de 1 à {max_lag} mois plus tôt, avec effets quartier et mois et erreurs types "
                      "groupées par {cluster} ; la même en sens inverse, un test d'anticipation (placebo) et les "
                      "délits non haineux comme contrôle négatif ; correction de Holm entre les tests du verdict.",
                      "ar": "انحدار شبه بواسون بآثار ثابتة لجرائم الكراهية على منشورات الكراهية قبل 1 إلى "
                      "{max_lag} أشهر، مع آثار الحي والشهر وأخطاء معيارية مجمّعة حسب {cluster}؛ والأمر نفسه في "
                      "الاتجاه المعاكس، واختبار استباقي (وهمي)، والجرائم غير المرتبطة بالكراهية كضابط سلبي؛ مع "
                      "تصحيح هولم بين اختبارات الحكم."},
    "lag_axis": {"en": "lag (months)", "fr": "décalage (mois)", "ar": "الفارق (أشهر)"},
    "findings": {"en": "What the data show", "fr": "Ce que montrent les données", "ar": "ما تُظهره البيانات"},
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
    "stalled_sources": {"en": "Stalled sources", "fr": "Sources à l'arrêt", "ar": "المصادر المتوقفة"},
    "all_sources_fresh": {"en": "All {n} configured sources were collected on schedule.",
                          "fr": "Les {n} sources configurées ont été collectées selon leur calendrier.",
                          "ar": "جُمعت جميع المصادر المُعدّة ({n}) في موعدها."},
    "no_sources_configured": {"en": "No source is configured for collection (config/sources.yml).",
                              "fr": "Aucune source n'est configurée pour la collecte (config/sources.yml).",
                              "ar": "لا يوجد مصدر مُعدّ للجمع (config/sources.yml)."},
    "collect_status_stalled": {"en": "stalled", "fr": "à l'arrêt", "ar": "متوقف"},
    "collect_status_never": {"en": "never collected", "fr": "jamais collectée", "ar": "لم يُجمع قط"},
    "collect_status_ok": {"en": "on schedule", "fr": "à jour", "ar": "في موعده"},
    "quarantine": {"en": "Quarantined rows", "fr": "Lignes en quarantaine", "ar": "الصفوف المعزولة"},
    "no_quarantine": {"en": "No rows quarantined.", "fr": "Aucune ligne en quarantaine.", "ar": "لا صفوف معزولة."},
    "classifier_eval": {"en": "Classifier evaluation", "fr": "Évaluation du classifieur", "ar": "تقييم المصنّف"},
    "coverage": {"en": "Classifier coverage", "fr": "Couverture du classifieur", "ar": "تغطية المصنّف"},
    "accuracy_by_source": {"en": "Classifier accuracy per language and source",
                           "fr": "Exactitude du classifieur par langue et par source",
                           "ar": "دقة المصنّف حسب اللغة والمصدر"},
    "accuracy_by_source_note": {
        "en": "Macro-F1 on held-out posts of each labelled source (never tuned on), beside a character n-gram "
              "baseline trained on the same source; a city sees the figure of the language and platform of its "
              "posts, the weakest source when several match. A pooled figure would hide a weak source.",
        "fr": "Macro-F1 sur des publications mises de côté de chaque source étiquetée (jamais utilisées pour le "
              "réglage), à côté d'une référence en n-grammes de caractères entraînée sur la même source ; une ville "
              "voit le chiffre de la langue et de la plateforme de ses publications, la source la plus faible quand "
              "plusieurs correspondent. Un chiffre global cacherait une source faible.",
        "ar": "مقياس F1 الكلي على منشورات محجوزة من كل مصدر مصنّف (لم تُستعمل للضبط)، بجانب نموذج مرجعي "
              "بمقاطع الحروف مدرَّب على المصدر نفسه؛ ترى كل مدينة رقم لغة منشوراتها ومنصتها، والمصدر الأضعف "
              "عند تطابق عدة مصادر. الرقم المجمَّع يخفي المصدر الضعيف."},
    "review_accuracy_cities": {"en": "Accuracy measured on each city's reviewed posts",
                               "fr": "Exactitude mesurée sur les publications revues de chaque ville",
                               "ar": "الدقة المقيسة على المنشورات المراجَعة لكل مدينة"},
    "review_measured": {"en": "measured", "fr": "mesurée", "ar": "مقيسة"},
    "review_too_few": {"en": "not measured (fewer than {k} reviewed posts)",
                       "fr": "non mesurée (moins de {k} publications revues)",
                       "ar": "غير مقيسة (أقل من {k} منشورات مراجَعة)"},
    "target_groups": {"en": "Groups targeted by flagged posts", "fr": "Groupes visés par les publications signalées",
                      "ar": "الفئات المستهدفة في المنشورات المرصودة"},
    "target_groups_note": {
        "en": "Found by keyword patterns in flagged posts (a post without one is \"unspecified\"); counts below {k} "
              "are hidden, and so is any count the month's total would give back.",
        "fr": "Repérés par des motifs de mots-clés dans les publications signalées (sinon « non précisé ») ; les "
              "nombres inférieurs à {k} sont masqués, ainsi que tout nombre que le total du mois permettrait de "
              "retrouver.",
        "ar": "تُحدَّد بأنماط كلمات مفتاحية في المنشورات المرصودة (وإلا \"غير محددة\")؛ تُخفى الأعداد الأقل من {k} "
              "وكل عدد يمكن استنتاجه من مجموع الشهر."},
    "target_origin": {"en": "origin", "fr": "origine", "ar": "الأصل"},
    "target_religion": {"en": "religion", "fr": "religion", "ar": "الدين"},
    "target_gender": {"en": "gender", "fr": "genre", "ar": "النوع الاجتماعي"},
    "target_sexual_orientation": {"en": "sexual orientation", "fr": "orientation sexuelle", "ar": "التوجه الجنسي"},
    "target_disability": {"en": "disability", "fr": "handicap", "ar": "الإعاقة"},
    "target_other": {"en": "other", "fr": "autre", "ar": "أخرى"},
    "target_unspecified": {"en": "unspecified", "fr": "non précisé", "ar": "غير محددة"},
    "snapshot_tables": {"en": "Published tables", "fr": "Tables publiées", "ar": "الجداول المنشورة"},
    # correlations.detail (geo/correlate.py): analyses, why an estimate is missing, caveats, how it was computed
    "analysis_spearman": {"en": "Rank correlation", "fr": "Corrélation de rang", "ar": "ارتباط الرتب"},
    "analysis_moran_bv": {"en": "Spatial clustering (Moran's I)", "fr": "Regroupement spatial (I de Moran)",
                          "ar": "التجمع المكاني (مؤشر موران)"},
    "analysis_nb_irr": {"en": "Rate ratio", "fr": "Rapport de taux", "ar": "نسبة المعدل"},
    "analysis_xcorr": {"en": "Month-by-month correlation", "fr": "Corrélation mois par mois",
                       "ar": "الارتباط الشهري"},
    "not_estimated": {"en": "{analysis} was not estimated: {reason}.", "fr": "{analysis} : non estimé, {reason}.",
                      "ar": "{analysis}: لم يُقدَّر، {reason}."},
    "note_too_few_cells": {"en": "fewer than {min_cells} neighbourhoods have data",
                           "fr": "moins de {min_cells} quartiers ont des données",
                           "ar": "أقل من {min_cells} أحياء لديها بيانات"},
    "note_too_few_hate_crimes": {"en": "fewer than {min_hate_crimes} hate crimes were recorded",
                                 "fr": "moins de {min_hate_crimes} crimes de haine ont été enregistrés",
                                 "ar": "سُجّلت أقل من {min_hate_crimes} جرائم كراهية"},
    "note_too_few_periods": {"en": "there are fewer than {min_periods} months of data",
                             "fr": "il y a moins de {min_periods} mois de données",
                             "ar": "البيانات تغطي أقل من {min_periods} أشهر"},
    "note_no_variation": {"en": "the counts do not vary", "fr": "les effectifs ne varient pas",
                          "ar": "الأعداد لا تتغير"},
    "note_too_few_neighbours": {"en": "too few neighbourhoods with data border each other",
                                "fr": "trop peu de quartiers avec des données sont voisins",
                                "ar": "عدد قليل جداً من الأحياء ذات البيانات متجاورة"},
    "note_spatial_failed": {"en": "the map of neighbouring cells could not be built",
                            "fr": "la carte des cellules voisines n'a pas pu être construite",
                            "ar": "تعذّر بناء خريطة الخلايا المتجاورة"},
    "note_not_converged": {"en": "the model did not converge", "fr": "le modèle n'a pas convergé",
                           "ar": "لم يتقارب النموذج"},
    "caveat_colocation_only": {"en": "This shows where both happen, not why: both counts grow with population "
                               "and activity.", "fr": "Cela montre où les deux se produisent, pas pourquoi : les "
                               "deux effectifs augmentent avec la population et l'activité.",
                               "ar": "يبيّن هذا أين يحدث الأمران لا لماذا: يزداد العددان مع عدد السكان والنشاط."},
    "caveat_serial_correlation": {"en": "Each month is close to the one before, so these intervals look narrower "
                                  "than they are.", "fr": "Chaque mois ressemble au précédent : ces intervalles "
                                  "paraissent plus étroits qu'ils ne le sont.",
                                  "ar": "كل شهر قريب من الشهر الذي سبقه، لذا تبدو هذه الفترات أضيق مما هي عليه."},
    "how_computed": {"en": "How these figures were computed", "fr": "Comment ces chiffres ont été calculés",
                     "ar": "كيف حُسبت هذه الأرقام"},
    "method_line": {"en": "{analysis}: {parts}.", "fr": "{analysis} : {parts}.", "ar": "{analysis}: {parts}."},
    "method_spearman_cell_totals": {"en": "Spearman rank correlation of neighbourhood totals, permutation p-value, "
                                    "Fisher-z interval", "fr": "corrélation de rang de Spearman des totaux par "
                                    "quartier, p par permutation, intervalle de Fisher",
                                    "ar": "ارتباط سبيرمان للرتب بين مجاميع الأحياء، قيمة p بالتبديل، فترة فيشر"},
    "method_moran_bv_h3_edge": {"en": "bivariate Moran's I between cells that share an edge, permutation p-value",
                                "fr": "I de Moran bivarié entre cellules qui partagent une arête, p par "
                                "permutation", "ar": "مؤشر موران الثنائي بين الخلايا ذات الحواف المشتركة، قيمة p "
                                "بالتبديل"},
    "method_pearson_city_monthly": {"en": "Pearson correlation of the city's monthly totals, speech leading by k "
                                    "months", "fr": "corrélation de Pearson des totaux mensuels de la ville, le "
                                    "discours précédant de k mois", "ar": "ارتباط بيرسون بين المجاميع الشهرية "
                                    "للمدينة، مع سبق الخطاب بـ k أشهر"},
    "method_nb2_glm_lag1": {"en": "negative binomial regression of hate crimes on the previous month's hateful "
                            "posts, with month effects", "fr": "régression binomiale négative des crimes de haine "
                            "sur les publications haineuses du mois précédent, avec effets mensuels",
                            "ar": "انحدار ثنائي الحدين السالب لجرائم الكراهية على منشورات الكراهية في الشهر "
                            "السابق، مع آثار الأشهر"},
    "effects_area": {"en": "area effects", "fr": "effets par secteur", "ar": "آثار المناطق"},
    "effects_cell": {"en": "neighbourhood effects", "fr": "effets par quartier", "ar": "آثار الأحياء"},
    "effects_none": {"en": "no place effects", "fr": "sans effets de lieu", "ar": "دون آثار مكانية"},
    "offset_log_population": {"en": "adjusted for population", "fr": "ajusté sur la population",
                              "ar": "معدّل حسب عدد السكان"},
    "offset_log_exposure_mean_posts": {"en": "adjusted for each cell's usual number of posts",
                                       "fr": "ajusté sur le nombre habituel de publications de chaque cellule",
                                       "ar": "معدّل حسب العدد المعتاد للمنشورات في كل خلية"},
    "offset_none_cell_effects": {"en": "no population adjustment (the neighbourhood effects take it in)",
                                 "fr": "sans ajustement sur la population (absorbé par les effets de quartier)",
                                 "ar": "دون تعديل حسب السكان (تستوعبه آثار الأحياء)"},
    "se_cluster_robust": {"en": "standard errors clustered by neighbourhood",
                          "fr": "erreurs types regroupées par quartier", "ar": "أخطاء معيارية مجمّعة حسب الحي"},
    "se_model_based": {"en": "model-based standard errors", "fr": "erreurs types du modèle",
                       "ar": "أخطاء معيارية من النموذج"},
    "dispersion": {"en": "dispersion {alpha:.2f}", "fr": "dispersion {alpha:.2f}", "ar": "التشتت {alpha:.2f}"},
    "hh_cells": {"en": "{n} neighbourhoods are hot spots of both", "fr": "{n} quartiers sont des points chauds "
                 "des deux", "ar": "{n} من الأحياء بؤر ساخنة للأمرين"},
    "islands": {"en": "{n} cells have no neighbour with data", "fr": "{n} cellules n'ont aucune voisine avec des "
                "données", "ar": "{n} من الخلايا بلا جار لديه بيانات"},
    # alerts (geo/warning.py, scn/analysis/coordination.py)
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
    # risk.reasons (geo/risk.py)
    "reason_speech_high": {"en": "{n} flagged posts (top fifth of the city's areas)",
                           "fr": "{n} publications signalées (cinquième supérieur des secteurs de la ville)",
                           "ar": "{n} من المنشورات المُعلَّمة (الخُمس الأعلى بين مناطق المدينة)"},
    "reason_crime_high": {"en": "{n} hate crimes (top fifth of the city's areas)",
                          "fr": "{n} crimes de haine (cinquième supérieur des secteurs de la ville)",
                          "ar": "{n} من جرائم الكراهية (الخُمس الأعلى بين مناطق المدينة)"},
    "reason_resilience_low": {"en": "low survey resilience ({value}, bottom fifth of the city's areas)",
                              "fr": "faible résilience dans l'enquête ({value}, cinquième inférieur des secteurs)",
                              "ar": "صمود منخفض في المسح ({value}، الخُمس الأدنى بين مناطق المدينة)"},
    "reason_speech_rate_high": {"en": "rate of flagged posts very likely above {threshold}x the city's",
                                "fr": "taux de publications signalées très probablement au-dessus de "
                                "{threshold} fois celui de la ville",
                                "ar": "معدل المنشورات المُعلَّمة على الأرجح أعلى من {threshold} ضعف معدل المدينة"},
    "reason_crime_rate_high": {"en": "rate of hate crimes very likely above {threshold}x the city's",
                               "fr": "taux de crimes de haine très probablement au-dessus de {threshold} fois "
                               "celui de la ville",
                               "ar": "معدل جرائم الكراهية على الأرجح أعلى من {threshold} ضعف معدل المدينة"},
    "reason_band": {"en": "{band}: probability {exceedance} of a rate above {threshold}x the city's, rank {rank_low} "
                    "to {rank_high} (90% interval)",
                    "fr": "{band} : probabilité {exceedance} d'un taux supérieur à {threshold} fois celui de la "
                    "ville, rang {rank_low} à {rank_high} (intervalle à 90 %)",
                    "ar": "{band}: احتمال {exceedance} لمعدل أعلى من {threshold} ضعف معدل المدينة، الترتيب من "
                    "{rank_low} إلى {rank_high} (مجال 90%)"},
    "band_high": {"en": "high", "fr": "élevé", "ar": "مرتفع"},
    "band_elevated": {"en": "elevated", "fr": "accru", "ar": "متزايد"},
    "band_typical": {"en": "typical", "fr": "habituel", "ar": "معتاد"},
    "reason_no_signal": {"en": "no signal clearly above the rest of the city",
                         "fr": "aucun signal nettement au-dessus du reste de la ville",
                         "ar": "لا إشارة أعلى بوضوح من بقية المدينة"},
    "reasons_recent": {"en": "Last {months} months: {reasons}.", "fr": "{months} derniers mois : {reasons}.",
                       "ar": "آخر {months} أشهر: {reasons}."},
    "reasons_sep": {"en": "; ", "fr": " ; ", "ar": "؛ "},
    "list_sep": {"en": ", ", "fr": ", ", "ar": "، "},
    "fewer_than": {"en": "fewer than {k}", "fr": "moins de {k}", "ar": "أقل من {k}"},
    "hidden": {"en": "hidden", "fr": "masqué", "ar": "مخفي"},
}
# the review loop's words (dashboards/components/review.py: review page, city page, shell), keys ``review_loop_*``
_REVIEW: dict[str, dict[str, str]] = {
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
TEXT.update({f"review_loop_{key}": value for key, value in _REVIEW.items()})

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
    "source": {"en": "source", "fr": "source", "ar": "المصدر"},
    "city_id": {"en": "city", "fr": "ville", "ar": "المدينة"},
    "last_collected_at": {"en": "last collected (UTC)", "fr": "dernière collecte (UTC)",
                          "ar": "آخر جمع (UTC)"},
    "expected_every_hours": {"en": "expected every (hours)", "fr": "attendue toutes les (heures)",
                             "ar": "المتوقع كل (ساعات)"},
    "status": {"en": "status", "fr": "état", "ar": "الحالة"},
    "lang": {"en": "language", "fr": "langue", "ar": "اللغة"},
    "dataset": {"en": "labelled source", "fr": "source étiquetée", "ar": "المصدر المصنَّف"},
    "platform": {"en": "platform", "fr": "plateforme", "ar": "المنصة"},
    "n": {"en": "n", "fr": "n", "ar": "العدد"},
    "macro_f1": {"en": "macro-F1 (model)", "fr": "macro-F1 (modèle)", "ar": "F1 الكلي (النموذج)"},
    "baseline_macro_f1": {"en": "macro-F1 (in-source baseline)", "fr": "macro-F1 (référence de la source)",
                          "ar": "F1 الكلي (المرجع من المصدر)"},
    "margin": {"en": "margin", "fr": "écart", "ar": "الفارق"},
    "f1_ci": {"en": "F1 hate (95% CI)", "fr": "F1 haine (IC 95 %)", "ar": "F1 الكراهية (فترة 95%)"},
    "macro_f1_ci": {"en": "macro-F1 (95% CI)", "fr": "macro-F1 (IC 95 %)", "ar": "F1 الكلي (فترة 95%)"},
    "precision_ci": {"en": "precision hate (95% CI)", "fr": "précision haine (IC 95 %)",
                     "ar": "دقة الكراهية (فترة 95%)"},
    "recall_ci": {"en": "recall hate (95% CI)", "fr": "rappel haine (IC 95 %)", "ar": "استدعاء الكراهية (فترة 95%)"},
    "kappa": {"en": "Cohen's kappa", "fr": "kappa de Cohen", "ar": "كابا كوهين"},
    "target": {"en": "target group", "fr": "groupe visé", "ar": "الفئة المستهدفة"},
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


# --- codes from the analysis tables, rendered as short sentences in ``lang`` -------------------------------------

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


def count(value: object, lang: str | None) -> str:
    """A count as digits; a count hidden by disclosure control (NA) as "fewer than k"."""
    if _missing(value):
        from scn.settings import suppress_below

        return t("fewer_than", lang, k=suppress_below())
    return f"{int(value)}"


def _number(value: object) -> str:
    try:
        return f"{float(value):.3g}"
    except (TypeError, ValueError):
        return "?"


def _shown(value: object, lang: str | None, hidden: str = "fewer_than") -> str:
    """A number; one hidden by disclosure control (null) as "fewer than k" (or "hidden": the p-value)."""
    if _missing(value):
        return count(value, lang) if hidden == "fewer_than" else t(hidden, lang)
    return _number(value)


def _when(value: object) -> str:
    """``2026-10-08T12:21Z`` -> ``2026-10-08 12:21``."""
    return str(value or "?").replace("T", " ").removesuffix("Z")


def alert_type(code: object, lang: str | None) -> str:
    """An alert type code (``burst``, ``coordinated``) in words."""
    key = f"alert_{code}"
    return t(key, lang) if has(key) else str(code or "")


def evidence(raw: object, lang: str | None) -> str:
    """``alerts.evidence`` (JSON: ``speech_burst`` or ``near_duplicates`` and their numbers) as a sentence.
    A value from a snapshot published before the codes existed is shown as it is."""
    ev = parse_json(raw)
    if ev is None:
        return "" if _missing(raw) else str(raw)
    code = ev.get("code")
    if code == "speech_burst":
        return t("evidence_speech_burst", lang, flagged_posts=count(ev.get("flagged_posts"), lang),
                 week=ev.get("week", "?"), baseline=_shown(ev.get("baseline"), lang),
                 baseline_weeks=ev.get("baseline_weeks", "?"), p_value=_shown(ev.get("p_value"), lang, "hidden")) + \
            (t("evidence_burst_bound", lang, upper=_number(ev["upper"]), start=ev.get("baseline_from", "?"),
               end=ev.get("baseline_to", "?")) if not _missing(ev.get("upper")) else "")  # hidden: left out
    if code == "near_duplicates":
        return t("evidence_near_duplicates", lang, posts=count(ev.get("posts"), lang),
                 accounts=count(ev.get("accounts"), lang), first_seen=_when(ev.get("first_seen")),
                 last_seen=_when(ev.get("last_seen")), fingerprint=ev.get("fingerprint", "?")) + \
            (t("evidence_content", lang, hateful=count(ev.get("hateful_posts"), lang),
               calls=count(ev.get("hostile_calls"), lang)) if "hostile_calls" in ev else "")
    return ""


def reasons(raw: object, speech: object, crime: object, resilience: object, lang: str | None) -> str:
    """``risk.reasons`` (JSON: signal codes and ``recent_months``) with the row's numbers filled in."""
    data = parse_json(raw)
    if data is None:
        return "" if _missing(raw) else str(raw)
    parts = []
    for code in data.get("codes") or []:
        if code == "speech_high":
            parts.append(t("reason_speech_high", lang, n=count(speech, lang)))
        elif code == "crime_high":
            parts.append(t("reason_crime_high", lang, n=count(crime, lang)))
        elif code == "resilience_low":
            value = "?" if _missing(resilience) else f"{float(resilience):.1f}"
            parts.append(t("reason_resilience_low", lang, value=value))
        elif code in ("speech_rate_high", "crime_rate_high"):  # geo.risk: bands, never counts
            parts.append(t(f"reason_{code}", lang, threshold=data.get("threshold", "?")))
        elif has(f"reason_{code}"):
            parts.append(t(f"reason_{code}", lang))
    if data.get("band") in ("high", "elevated") and isinstance(data.get("rank_interval"), list):
        low, high = (data["rank_interval"] + ["?", "?"])[:2]
        parts.append(t("reason_band", lang, band=t(f"band_{data['band']}", lang), exceedance=data.get("exceedance"),
                       threshold=data.get("threshold", "?"), rank_low=low, rank_high=high))
    if not parts:
        return ""
    return t("reasons_recent", lang, months=data.get("recent_months", "?"), reasons=t("reasons_sep", lang).join(parts))


def not_estimated(analysis: str, detail: dict, lang: str | None) -> str | None:
    """Why an analysis has no estimate (``detail["note"]`` with its threshold); None without a known note."""
    note = detail.get("note")
    if not has(f"note_{note}") or not has(f"analysis_{analysis}"):
        return None
    numbers = {k: detail.get(k, "?") for k in ("min_cells", "min_hate_crimes", "min_periods")}
    return t("not_estimated", lang, analysis=t(f"analysis_{analysis}", lang),
             reason=t(f"note_{note}", lang, **numbers))


def caveat(detail: dict, lang: str | None) -> str | None:
    """The caveat of an analysis (``colocation_only``, ``serial_correlation``) as a sentence."""
    key = f"caveat_{detail.get('caveat')}"
    return t(key, lang) if has(key) else None


def method(analysis: str, detail: dict, lang: str | None) -> str | None:
    """How an analysis was computed: method, effects, offset, standard errors and spatial facts, in words."""
    if not has(f"method_{detail.get('method')}") or not has(f"analysis_{analysis}"):
        return None  # no method code (e.g. a snapshot published before the codes existed)
    parts = [t(key, lang) for key in (f"method_{detail.get('method')}", f"effects_{detail.get('effects')}",
                                      f"offset_{detail.get('offset')}", f"se_{detail.get('se')}") if has(key)]
    if isinstance(detail.get("alpha"), int | float):
        parts.append(t("dispersion", lang, alpha=detail["alpha"]))
    if isinstance(detail.get("hh_cells_fdr"), int):
        parts.append(t("hh_cells", lang, n=detail["hh_cells_fdr"]))
    if isinstance(detail.get("islands"), int) and detail["islands"] > 0:
        parts.append(t("islands", lang, n=detail["islands"]))
    return t("method_line", lang, analysis=t(f"analysis_{analysis}", lang), parts=t("list_sep", lang).join(parts))
