"""English, French and Arabic strings (a plain dict); Arabic pages are right-to-left."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from scn.words import alerts as _alert_words
from scn.words.alerts import (  # noqa: F401  (re-exported: the alert words live in scn.words, shared with the notifier)
    _missing,
    _number,
    _shown,
    _when,
    alert_age,
    alert_area,
    alert_message,
    alert_sentence,
    alert_state,
    alert_type,
    count,
    evidence,
    parse_json,
)

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
    "suppressed_note": {"en": "Counts from 1 to {k} are hidden to protect privacy, and the counts of the map, the tables and "
                            "the downloads carry a small random adjustment (at most 2 either way, the same each time it is "
                            "shown), so that a hidden count cannot be worked out from a later one. No post text or personal "
                            "data is shown.",
                        "fr": "Les effectifs de 1 à {k} sont masqués pour protéger la vie privée, et les effectifs de la carte,"
                              " des tableaux et des téléchargements portent un petit ajustement aléatoire (au plus 2 dans un "
                              "sens ou l'autre, le même à chaque affichage), afin qu'un effectif masqué ne puisse pas être "
                              "déduit d'un effectif ultérieur. Aucun texte de publication ni donnée personnelle n'est affiché.",
                        "ar": "الأعداد من 1 إلى {k} مخفية لحماية الخصوصية، وتحمل أعداد الخريطة والجداول والتنزيلات تعديلاً "
                              "عشوائياً صغيراً (2 على الأكثر زيادةً أو نقصاً، وهو نفسه في كل مرة يُعرض فيها) كي لا يمكن استنتاج"
                              " عدد مخفي من عدد لاحق. لا يُعرض أي نص منشور أو بيانات شخصية."},
    "suppressed_sums": {"en": "At the larger cell sizes and in the monthly totals, some sums are hidden as well, so "
                        "that no hidden count can be worked out by subtraction.", "fr": "Aux grandes tailles de "
                        "cellules et dans les totaux mensuels, certaines sommes sont aussi masquées, afin qu'aucun "
                        "effectif masqué ne puisse être retrouvé par soustraction.", "ar": "في أحجام الخلايا "
                        "الأكبر وفي المجاميع الشهرية تُخفى بعض المجاميع أيضاً، كي لا يمكن استنتاج أي عدد مخفي "
                        "بالطرح."},
    "no_personal": {"en": "No post text or personal data is shown.", "fr": "Aucun texte de publication ni donnée "
                    "personnelle n'est affiché.", "ar": "لا يُعرض أي نص منشور أو بيانات شخصية."},
    "series": {"en": "Online hate speech and hate crime over time", "fr": "Discours de haine en ligne et "
               "crimes de haine dans le temps", "ar": "خطاب الكراهية عبر الإنترنت وجرائم الكراهية عبر الزمن"},
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
                   "posting activity, the neighbourhood's other crimes that month and the month before, the "
                   "previous months' hate crimes and hateful posts in neighbouring cells.",
                   "fr": "Comparaison : chaque quartier avec lui-même d'un mois à l'autre ({cells} quartiers, "
                   "{months} mois, n = {n} quartiers-mois), de sorte que les différences entre lieux (population, "
                   "fréquentation) ne comptent pas ; ajusté sur les variations communes à toute la ville chaque "
                   "mois, l'activité globale de publication, les autres délits du quartier ce mois et le mois "
                   "précédent, les crimes de haine des mois précédents et les publications haineuses des cellules "
                   "voisines.",
                   "ar": "المقارنة: كل حيّ مع نفسه من شهر إلى آخر ({cells} حيّاً، {months} شهراً، n = {n} "
                   "حيّ-شهر)، فلا تُحتسب الفروق بين الأماكن (السكان، الحركة)؛ مع ضبط التغيرات المشتركة في المدينة "
                   "كلها كل شهر، والنشاط العام للنشر، والجرائم الأخرى في الحي في ذلك الشهر والشهر السابق، وجرائم "
                   "الكراهية في الأشهر السابقة، ومنشورات الكراهية في الخلايا المجاورة."},
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
    "verdict_both_directions": {"en": "Verdict: no direction can be told; a common cause may explain it. Hateful "
                                "posts and hate crimes moved together in a way that does not show which came first (hateful posts → hate "
                                "crimes: rate ratio {est:.2f} per doubling, 95% CI {lo:.2f}–{hi:.2f}); something "
                                "else, such as local tensions or events, may drive both. This is not evidence that "
                                "posts lead to crime.",
                                "fr": "Verdict : aucun sens ne peut être établi ; une cause commune peut "
                                "l'expliquer. Publications haineuses et crimes de haine ont évolué ensemble sans que l'on puisse dire lequel vient d'abord "
                                "(publications → crimes : rapport de taux {est:.2f} par doublement, IC 95 % "
                                "{lo:.2f}–{hi:.2f}) ; autre chose, comme des tensions ou événements locaux, peut "
                                "agir sur les deux. Ce n'est pas une preuve que les publications mènent aux délits.",
                                "ar": "الحكم: لا يمكن تحديد الاتجاه؛ وقد يفسّره سبب مشترك. تحركت منشورات الكراهية وجرائم الكراهية معاً "
                                "بطريقة لا تبيّن أيهما سبق (المنشورات ← الجرائم: نسبة المعدل {est:.2f} لكل تضاعف، "
                                "فترة ثقة 95% {lo:.2f}–{hi:.2f})؛ وقد يدفع أمرٌ آخر، كالتوترات أو الأحداث المحلية، "
                                "كليهما. وليس هذا دليلاً على أن المنشورات تؤدي إلى الجرائم."},
    # the same-month check the only one failed (geo.verdict ``within_month_only``): a link acting within weeks falls
    # partly in the posts' own month; monthly counts cannot tell its direction, and a common cause is not the only
    # reading (``same_month_effect``, docs/geo.md)
    "verdict_within_month": {"en": "Verdict: no direction can be told from monthly counts. Hateful posts and hate "
                             "crimes rose together within the same month, not only a month apart (hateful posts → "
                             "hate crimes the next month: rate ratio {est:.2f} per doubling, 95% CI "
                             "{lo:.2f}–{hi:.2f}); the link may act within weeks, or something else may drive both. "
                             "This is not evidence that posts lead to crime.",
                             "fr": "Verdict : aucun sens ne peut être établi à partir des effectifs mensuels. "
                             "Publications haineuses et crimes de haine ont augmenté ensemble au cours du même mois, "
                             "et pas seulement à un mois d'écart (publications → crimes le mois suivant : rapport de "
                             "taux {est:.2f} par doublement, IC 95 % {lo:.2f}–{hi:.2f}) ; le lien peut agir en "
                             "quelques semaines, ou autre chose peut agir sur les deux. Ce n'est pas une preuve que "
                             "les publications mènent aux délits.",
                             "ar": "الحكم: لا يمكن تحديد الاتجاه من الأعداد الشهرية. ازدادت منشورات الكراهية وجرائم "
                             "الكراهية معاً خلال الشهر نفسه، لا بفارق شهر فقط (المنشورات ← الجرائم في الشهر التالي: "
                             "نسبة المعدل {est:.2f} لكل تضاعف، فترة ثقة 95% {lo:.2f}–{hi:.2f})؛ وقد تعمل العلاقة "
                             "في غضون أسابيع، أو قد يدفع أمرٌ آخر كليهما. وليس هذا دليلاً على أن المنشورات تؤدي إلى "
                             "الجرائم."},
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
    # the engine counts the hateful posts placed in a neighbourhood: a city whose flagged posts have no place (a
    # page showing 78 flagged posts said "too few hateful posts") is told which posts were too few
    "insufficient_too_few_flagged_posts": {
        "en": "too few hateful posts placed in a neighbourhood (posts without a location or a known place name "
              "cannot be compared neighbourhood by neighbourhood)",
        "fr": "trop peu de publications haineuses situées dans un quartier (les publications sans localisation ni "
              "lieu connu ne peuvent pas être comparées quartier par quartier)",
        "ar": "منشورات كراهية قليلة جداً محددة الموقع في حي (المنشورات بلا موقع أو اسم مكان معروف لا يمكن مقارنتها "
              "حياً بحي)"},
    "insufficient_not_converged": {"en": "the model could not be fitted", "fr": "le modèle n'a pas pu être "
                                   "ajusté", "ar": "تعذّر تقدير النموذج"},
    "common_cause": {"en": "A check failed: future hateful posts also \"predicted\" past hate crimes, non-hate "
                     "crimes moved the same way, or each rose after the other. A common cause may explain the link.",
                     "fr": "Un contrôle a échoué : les publications haineuses futures « prédisent » aussi les "
                     "crimes passés, les délits non haineux évoluent de même, ou chacun augmente après l'autre. "
                     "Une cause commune peut expliquer le lien.",
                     "ar": "فشل أحد الفحوص: منشورات الكراهية اللاحقة \"تنبأت\" أيضاً بجرائم سابقة، أو تحركت "
                     "الجرائم غير المرتبطة بالكراهية بالطريقة نفسها، أو ازداد كلٌّ منهما بعد الآخر. قد يفسّر "
                     "سببٌ مشترك هذا الارتباط."},
    # one sentence per failed check of a both_directions (geo.verdict ``failed_checks``), instead of ``common_cause``
    # (kept for rows published without the list)
    "check_reverse_direction": {"en": "Failed check (reverse direction): more hate crimes were also followed by more "
                                "hateful posts, so each rose after the other.",
                                "fr": "Contrôle non passé (sens inverse) : plus de crimes de haine ont aussi été "
                                "suivis de plus de publications haineuses ; chacun a augmenté après l'autre.",
                                "ar": "فحص لم يُجتز (الاتجاه المعاكس): تبع ازديادَ جرائم الكراهية أيضاً ازديادٌ في "
                                "منشورات الكراهية، فكلٌّ منهما ازداد بعد الآخر."},
    "check_placebo": {"en": "Failed check (placebo): future hateful posts also \"predicted\" past hate crimes, "
                      "which a link running forward in time cannot do; a common cause may explain the link.",
                      "fr": "Contrôle non passé (placebo) : les publications haineuses futures « prédisent » aussi "
                      "les crimes de haine passés, ce qu'un lien allant dans le sens du temps ne peut pas faire ; "
                      "une cause commune peut expliquer le lien.",
                      "ar": "فحص لم يُجتز (الاختبار الوهمي): منشورات الكراهية اللاحقة \"تنبأت\" أيضاً بجرائم "
                      "الكراهية السابقة، وهو ما لا تفعله علاقة تسير مع الزمن؛ قد يفسّر سببٌ مشترك هذا الارتباط."},
    "check_negative_control": {"en": "Failed check (negative control): non-hate crimes moved with hateful posts "
                               "much as hate crimes did, so the link is not specific to hate crimes; something "
                               "that drives crime and posting alike may explain it.",
                               "fr": "Contrôle non passé (contrôle négatif) : les délits non haineux ont évolué "
                               "avec les publications haineuses à peu près comme les crimes de haine ; le lien "
                               "n'est donc pas propre aux crimes de haine, et ce qui agit à la fois sur la "
                               "délinquance et les publications peut l'expliquer.",
                               "ar": "فحص لم يُجتز (الضابط السلبي): تحركت الجرائم غير المرتبطة بالكراهية مع "
                               "منشورات الكراهية كما تحركت جرائم الكراهية تقريباً، فالارتباط ليس خاصاً بجرائم "
                               "الكراهية؛ وقد يفسّره أمرٌ يدفع الجرائم والنشر معاً."},
    "check_same_month": {"en": "Failed check (same month): hate crimes rose with the hateful posts of their own "
                         "month, beyond the previous month's posts; monthly counts cannot show which of the two "
                         "came first within a month.",
                         "fr": "Contrôle non passé (même mois) : les crimes de haine ont augmenté avec les "
                         "publications haineuses de leur propre mois, au-delà de celles du mois précédent ; des "
                         "effectifs mensuels ne peuvent pas montrer lequel des deux vient d'abord au sein d'un mois.",
                         "ar": "فحص لم يُجتز (الشهر نفسه): ازدادت جرائم الكراهية مع منشورات الكراهية في شهرها "
                         "نفسه، زيادةً على منشورات الشهر السابق؛ ولا تستطيع الأعداد الشهرية أن تبيّن أيهما سبق "
                         "داخل الشهر."},
    "check_reverse_placebo": {"en": "Failed check (reverse placebo): future hate crimes also \"predicted\" past "
                              "hateful posts, which a link running forward in time cannot do; a common cause may "
                              "explain the link.",
                              "fr": "Contrôle non passé (placebo inverse) : les crimes de haine futurs « prédisent » "
                              "aussi les publications haineuses passées, ce qu'un lien allant dans le sens du temps "
                              "ne peut pas faire ; une cause commune peut expliquer le lien.",
                              "ar": "فحص لم يُجتز (الاختبار الوهمي المعاكس): جرائم الكراهية اللاحقة \"تنبأت\" "
                              "أيضاً بمنشورات الكراهية السابقة، وهو ما لا تفعله علاقة تسير مع الزمن؛ قد يفسّر سببٌ "
                              "مشترك هذا الارتباط."},
    "check_reverse_negative_control": {"en": "Failed check (reverse negative control): hateful posts moved with "
                                       "non-hate crimes much as with hate crimes, so the rise in posts after hate "
                                       "crimes is not specific to hate crimes; something that drives crime and "
                                       "posting alike may explain it.",
                                       "fr": "Contrôle non passé (contrôle négatif inverse) : les publications "
                                       "haineuses ont évolué avec les délits non haineux à peu près comme avec les "
                                       "crimes de haine ; la hausse des publications après des crimes de haine "
                                       "n'est donc pas propre à ceux-ci, et ce qui agit à la fois sur la "
                                       "délinquance et les publications peut l'expliquer.",
                                       "ar": "فحص لم يُجتز (الضابط السلبي المعاكس): تحركت منشورات الكراهية مع "
                                       "الجرائم غير المرتبطة بالكراهية كما تحركت مع جرائم الكراهية تقريباً، "
                                       "فازدياد المنشورات بعد جرائم الكراهية ليس خاصاً بها؛ وقد يفسّره أمرٌ يدفع "
                                       "الجرائم والنشر معاً."},
    "check_trend_only": {"en": "Failed check (trend): the link vanished once each neighbourhood's own long-run "
                         "trend was removed; neighbourhoods drifting in both counts, a slow common cause, may "
                         "explain it.",
                         "fr": "Contrôle non passé (tendance) : le lien disparaît une fois retirée la tendance "
                         "propre à chaque quartier ; des quartiers dérivant dans les deux séries, cause commune "
                         "lente, peuvent l'expliquer.",
                         "ar": "فحص لم يُجتز (الاتجاه العام): اختفى الارتباط بعد إزالة الاتجاه الطويل الأمد "
                         "الخاص بكل حيّ؛ وقد يفسّره انجرافُ الأحياء في العددين معاً، وهو سبب مشترك بطيء."},
    "classifier_adjusted": {"en": "Counts of hateful posts were corrected for the classifier's measured errors; the "
                            "intervals include that uncertainty.", "fr": "Les effectifs de publications haineuses "
                            "ont été corrigés des erreurs mesurées du classifieur ; les intervalles incluent cette "
                            "incertitude.", "ar": "صُحّحت أعداد منشورات الكراهية وفق أخطاء المصنّف المقيسة؛ وتشمل "
                            "الفترات هذا الشك."},
    "rates_reweighted": {"en": "The error rates, measured on the city's reviewed posts, were re-weighted to the "
                         "mix of its posts by {strata}, month by month.",
                         "fr": "Les taux d'erreur, mesurés sur les publications révisées de la ville, ont été "
                         "repondérés selon la répartition de ses publications par {strata}, mois par mois.",
                         "ar": "أُعيد ترجيح معدلات الخطأ، المقيسة على منشورات المدينة المراجَعة، وفق توزيع "
                         "منشوراتها حسب {strata}، شهراً بشهر."},
    "rates_unknown_lang": {"en": "{share}% of the posts have no known language: the classifier's error on them is not "
                           "measured, so the intervals allow it to be that of any reviewed language.",
                           "fr": "{share} % des publications n'ont pas de langue connue : l'erreur du classifieur "
                           "sur elles n'est pas mesurée, les intervalles admettent donc celle de n'importe quelle "
                           "langue révisée.",
                           "ar": "{share}% من المنشورات بلا لغة معروفة: خطأ المصنّف فيها غير مقيس، لذا تتّسع "
                           "الفترات لتشمل خطأ أيّ لغة مراجَعة."},
    "rates_not_reweighted": {"en": "The error rates describe the reviewed sample's mix of languages and platforms, "
                             "not the posts' (too few reviewed posts of some language or platform to re-weight "
                             "them); the correction may be off where the two mixes differ.",
                             "fr": "Les taux d'erreur décrivent la répartition par langue et plateforme de "
                             "l'échantillon révisé, non celle des publications (trop peu de publications révisées "
                             "d'une langue ou d'une plateforme pour les repondérer) ; la correction peut s'écarter "
                             "là où les deux répartitions diffèrent.",
                             "ar": "تصف معدلات الخطأ توزيع العيّنة المراجَعة حسب اللغة والمنصة، لا توزيع المنشورات "
                             "(المنشورات المراجَعة من بعض اللغات أو المنصات أقل من أن يُعاد ترجيحها)؛ وقد يبتعد "
                             "التصحيح عن الصواب حيث يختلف التوزيعان."},
    "strata_lang+platform": {"en": "language and platform", "fr": "langue et plateforme", "ar": "اللغة والمنصة"},
    "strata_lang": {"en": "language", "fr": "langue", "ar": "اللغة"},
    "strata_platform": {"en": "platform", "fr": "plateforme", "ar": "المنصة"},
    "calendar_zone": {"en": "Months and weeks are the city's local ones ({zone}).",
                      "fr": "Les mois et semaines sont ceux de l'heure locale de la ville ({zone}).",
                      "ar": "الأشهر والأسابيع هي أشهر المدينة وأسابيعها بتوقيتها المحلي ({zone})."},
    "calendar_utc": {"en": "Months and weeks are cut in UTC: the cities file gives no time zone for this city.",
                     "fr": "Les mois et semaines sont découpés en UTC : le fichier des villes ne donne pas de fuseau "
                           "horaire pour cette ville.",
                     "ar": "تُحدَّد الأشهر والأسابيع بتوقيت UTC: لا يذكر ملف المدن منطقة زمنية لهذه المدينة."},
    "method_no_negative_control": {
        "en": "The negative control could not be run here: the city's crime records hold no non-hate crimes, so "
              "a common cause driving all crime is not checked this way.",
        "fr": "Le contrôle négatif n'a pas pu être fait ici : les données de délits de la ville ne contiennent "
              "aucun délit non haineux, une cause commune à tous les délits n'est donc pas vérifiée ainsi.",
        "ar": "تعذّر إجراء الضابط السلبي هنا: لا تتضمن سجلات الجرائم في المدينة أي جريمة غير مرتبطة بالكراهية، "
              "لذا لا يُتحقَّق بهذه الطريقة من سبب مشترك يحرّك كل الجرائم."},
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
    "classifier_line": {"en": "Hate-speech classifier accuracy per language and platform of this city's posts "
                              "(macro-F1 on held-out posts of that language and platform, 95% CI, n, against a "
                              "character n-gram baseline trained on the same source): {scores}.",
                        "fr": "Exactitude du classifieur par langue et plateforme des publications de cette ville "
                              "(macro-F1 sur des publications mises de côté de cette langue et plateforme, IC 95 %, "
                              "n, face à une référence en n-grammes de caractères entraînée sur la même source) : "
                              "{scores}.",
                        "ar": "دقة مصنّف خطاب الكراهية حسب لغة منشورات هذه المدينة ومنصتها (F1 الكلي على منشورات "
                              "محجوزة من اللغة والمنصة نفسيهما، فترة 95%، العدد، مقابل نموذج مرجعي بمقاطع الحروف "
                              "مدرَّب على المصدر نفسه): {scores}."},
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
    "planned_by_region": {"en": "Planned activities (not yet held, not in the figures above)",
                          "fr": "Activités prévues (pas encore tenues, hors des chiffres ci-dessus)",
                          "ar": "الأنشطة المخطط لها (لم تُعقد بعد، غير محسوبة في الأرقام أعلاه)"},
    "members": {"en": "Member cities", "fr": "Villes membres", "ar": "المدن الأعضاء"},
    "exports": {"en": "Downloads", "fr": "Téléchargements", "ar": "التنزيلات"},
    "city_pages": {"en": "City pages", "fr": "Pages des villes", "ar": "صفحات المدن"},
    # a city that left the network (registry left_year): its pages stay, marked (docs/dashboards.md "Former members")
    "city_pages_former": {"en": "Former members (their history stays available)",
                          "fr": "Anciens membres (leur historique reste disponible)",
                          "ar": "الأعضاء السابقون (يبقى سجلهم متاحاً)"},
    "former_member_since": {"en": "former member since {year}", "fr": "ancien membre depuis {year}",
                            "ar": "عضو سابق منذ {year}"},
    "former_member_note": {"en": "Former member since {year}: the city left the Strong Cities Network in {year}. "
                                 "Its history stays available; no new public posts are collected.",
                           "fr": "Ancien membre depuis {year} : la ville a quitté le Strong Cities Network en "
                                 "{year}. Son historique reste disponible ; aucune nouvelle publication publique "
                                 "n'est collectée.",
                           "ar": "عضو سابق منذ {year}: غادرت المدينة شبكة المدن القوية في {year}. يبقى سجلها "
                                 "متاحاً، ولا تُجمع منشورات عامة جديدة."},
    # health page
    "dagster_link": {"en": "Open the pipeline (Dagster) UI", "fr": "Ouvrir l'interface du pipeline (Dagster)",
                     "ar": "فتح واجهة خط المعالجة (Dagster)"},
    "assets": {"en": "Latest materializations", "fr": "Dernières matérialisations", "ar": "آخر التحديثات"},
    "failed_checks": {"en": "Failed checks", "fr": "Contrôles en échec", "ar": "الفحوص الفاشلة"},
    "all_checks_passed": {"en": "All {n} checks that ran passed.", "fr": "Les {n} contrôles exécutés sont passés.",
                          "ar": "نجحت جميع الفحوص التي جرت ({n})."},
    "checks_never_run": {"en": "{n} checks have not run yet (their assets were never built): {names}.",
                         "fr": "{n} contrôles n'ont pas encore été exécutés (leurs actifs n'ont jamais été "
                               "construits) : {names}.",
                         "ar": "{n} من الفحوص لم تُجرَ بعد (لم تُبنَ أصولها قط): {names}."},
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
    "accuracy_keyword_selected": {
        "en": "These labelled sets ({datasets}) are tweets selected by hate keywords: {low} to {high} of their "
              "held-out posts are hate or offensive. A city's posts are mostly everyday conversation, so these "
              "figures do not say how often everyday posts are wrongly flagged.",
        "fr": "Ces jeux étiquetés ({datasets}) sont des tweets choisis par des mots-clés haineux : {low} à {high} de "
              "leurs publications mises de côté sont haineuses ou offensantes. Les publications d'une ville sont "
              "surtout des conversations ordinaires : ces chiffres ne disent pas combien de publications ordinaires "
              "sont signalées à tort.",
        "ar": "هذه المجموعات المصنّفة ({datasets}) تغريدات اختيرت بكلمات مفتاحية للكراهية: {low} إلى {high} من "
              "منشوراتها المحجوزة كراهية أو مسيئة. أغلب منشورات المدينة أحاديث يومية، فلا تقول هذه الأرقام كم "
              "منشورا يوميا يُصنَّف خطأً."},
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
    # the official's target groups are at the period grain of the level chosen for the city's flagged posts
    "target_groups_month": {"en": "Groups targeted by flagged posts, by month",
                            "fr": "Groupes visés par les publications signalées, par mois",
                            "ar": "الفئات المستهدفة في المنشورات المرصودة، حسب الشهر"},
    "target_groups_quarter": {"en": "Groups targeted by flagged posts, by quarter",
                              "fr": "Groupes visés par les publications signalées, par trimestre",
                              "ar": "الفئات المستهدفة في المنشورات المرصودة، حسب ربع السنة"},
    "target_groups_year": {"en": "Groups targeted by flagged posts, by year",
                           "fr": "Groupes visés par les publications signalées, par année",
                           "ar": "الفئات المستهدفة في المنشورات المرصودة، حسب السنة"},
    "target_groups_note_quarter": {
        "en": "Found by keyword patterns in flagged posts (a post without one is \"unspecified\"); shown by quarter, "
              "the level of detail of the city's flagged posts. Counts below {k} are hidden, and so is any count the "
              "quarter's total would give back; a quarter whose total would give a hidden count back is left out.",
        "fr": "Repérés par des motifs de mots-clés dans les publications signalées (sinon « non précisé ») ; "
              "présentés par trimestre, le niveau de détail des publications signalées de la ville. Les nombres "
              "inférieurs à {k} sont masqués, ainsi que tout nombre que le total du trimestre permettrait de "
              "retrouver ; un trimestre dont le total permettrait de retrouver un nombre masqué est omis.",
        "ar": "تُحدَّد بأنماط كلمات مفتاحية في المنشورات المرصودة (وإلا \"غير محددة\")؛ تُعرض حسب ربع السنة، وهو "
              "مستوى تفاصيل المنشورات المرصودة في المدينة. تُخفى الأعداد الأقل من {k} وكل عدد يمكن استنتاجه من "
              "مجموع ربع السنة، ويُحذف كل ربع سنة يكشف مجموعه عددًا مخفيًا."},
    "target_groups_note_year": {
        "en": "Found by keyword patterns in flagged posts (a post without one is \"unspecified\"); shown by year, "
              "the level of detail of the city's flagged posts. Counts below {k} are hidden, and so is any count the "
              "year's total would give back; a year whose total would give a hidden count back is left out.",
        "fr": "Repérés par des motifs de mots-clés dans les publications signalées (sinon « non précisé ») ; "
              "présentés par année, le niveau de détail des publications signalées de la ville. Les nombres "
              "inférieurs à {k} sont masqués, ainsi que tout nombre que le total de l'année permettrait de "
              "retrouver ; une année dont le total permettrait de retrouver un nombre masqué est omise.",
        "ar": "تُحدَّد بأنماط كلمات مفتاحية في المنشورات المرصودة (وإلا \"غير محددة\")؛ تُعرض حسب السنة، وهو مستوى "
              "تفاصيل المنشورات المرصودة في المدينة. تُخفى الأعداد الأقل من {k} وكل عدد يمكن استنتاجه من مجموع "
              "السنة، وتُحذف كل سنة يكشف مجموعها عددًا مخفيًا."},
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
}
TEXT.update(_alert_words.TEXT)  # alert types, evidence, counts, notification sentences (scn/words/alerts.py)
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
    "withheld": {"en": "{code}: measured on {n} reviewed posts; the figures are not shown, as a count of fewer than "
                       "{k} posts could be worked out from them.",
                 "fr": "{code} : mesurée sur {n} publications revues ; les chiffres ne sont pas affichés, car un "
                       "effectif de moins de {k} publications pourrait en être déduit.",
                 "ar": "{code}: قيست على {n} من المنشورات المراجعة؛ الأرقام غير معروضة لأنه يمكن أن يُستنتج منها عدد "
                       "أقل من {k} منشورات."},
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
    # which platform mix the figures describe (scn.review.metrics.mix_report: sample_mix, posts_mix, weighted)
    "mix_weighted": {"en": "Re-weighted per platform to this city's posts now ({posts}); the reviewed posts were "
                           "{sample}.",
                     "fr": "Repondérées par plateforme selon les publications actuelles de cette ville ({posts}) ; "
                           "les publications revues étaient {sample}.",
                     "ar": "أُعيد ترجيحها حسب المنصة وفق منشورات هذه المدينة الآن ({posts})؛ وكانت المنشورات "
                           "المراجَعة {sample}."},
    "mix_weighted_withheld": {"en": "Re-weighted per platform to this city's posts now (the platforms' shares are "
                                    "withheld: with them a count below {k} could be worked out); the reviewed posts "
                                    "were {sample}.",
                              "fr": "Repondérées par plateforme selon les publications actuelles de cette ville (les "
                                    "parts des plateformes sont masquées : elles permettraient de déduire un nombre "
                                    "inférieur à {k}) ; les publications revues étaient {sample}.",
                              "ar": "أُعيد ترجيحها حسب المنصة وفق منشورات هذه المدينة الآن (حُجبت حصص المنصات: "
                                    "كان يمكن أن يُستنتج منها عدد أقل من {k})؛ وكانت المنشورات المراجَعة {sample}."},
    "mix_sample": {"en": "These figures describe the reviewed posts' mix ({sample}), not this city's posts now "
                         "({posts}): too few reviewed posts of a platform to re-weight them.",
                   "fr": "Ces chiffres décrivent le mélange des publications revues ({sample}), pas les publications "
                         "actuelles de cette ville ({posts}) : trop peu de publications revues d'une plateforme "
                         "pour les repondérer.",
                   "ar": "تصف هذه الأرقام مزيج المنشورات المراجَعة ({sample})، لا منشورات هذه المدينة الآن "
                         "({posts}): المنشورات المراجَعة من إحدى المنصات أقل من أن يُعاد ترجيحها."},
}
TEXT.update({f"review_loop_{key}": value for key, value in _REVIEW.items()})

# area-level analysis (issue 18): the city page says the level and period a verdict was measured at
TEXT.update({
    "period_month": {"en": "month", "fr": "mois", "ar": "شهر"},
    "period_quarter": {"en": "quarter", "fr": "trimestre", "ar": "ربع سنة"},
    "period_year": {"en": "year", "fr": "année", "ar": "سنة"},
    "periods_month": {"en": "months", "fr": "mois", "ar": "أشهر"},
    "periods_quarter": {"en": "quarters", "fr": "trimestres", "ar": "أرباع سنة"},
    "periods_year": {"en": "years", "fr": "années", "ar": "سنوات"},
    "level_area_counts": {"en": "Measured at area level (area x {period}) because hate crime for this city is "
                          "published as counts per area and {period}, not as located incidents.",
                          "fr": "Mesuré au niveau des secteurs (secteur x {period}) parce que les crimes de haine "
                          "de cette ville sont publiés en effectifs par secteur et par {period}, et non comme des "
                          "faits localisés.",
                          "ar": "قيس على مستوى المناطق (منطقة x {period}) لأن جرائم الكراهية في هذه المدينة تُنشر "
                          "كأعداد لكل منطقة ولكل {period}، لا كوقائع محددة الموقع."},
    "level_area_incidents": {"en": "Measured at area level (area x {period}) because this city's crimes are "
                             "located to areas, not to points.",
                             "fr": "Mesuré au niveau des secteurs (secteur x {period}) parce que les faits de "
                             "cette ville sont rattachés à des secteurs, non à des points.",
                             "ar": "قيس على مستوى المناطق (منطقة x {period}) لأن جرائم هذه المدينة محددة "
                             "بالمناطق لا بنقاط."},
    "comparison_area": {"en": "Compared: each area with itself from one {period} to the next ({cells} areas, "
                        "{months} {periods}, n = {n} area-{periods}), so differences between areas do not count; "
                        "adjusted for changes shared by the whole city in each {period} and overall posting "
                        "activity.",
                        "fr": "Comparaison : chaque secteur avec lui-même d'une période à la suivante ({cells} "
                        "secteurs, {months} {periods}, n = {n} secteurs-périodes), de sorte que les différences "
                        "entre secteurs ne comptent pas ; ajusté sur les variations communes à toute la ville à "
                        "chaque période et sur l'activité globale de publication.",
                        "ar": "المقارنة: كل منطقة مع نفسها من فترة إلى التالية ({cells} منطقة، {months} "
                        "{periods}، n = {n} منطقة-فترة)، فلا تُحتسب الفروق بين المناطق؛ مع ضبط التغيرات المشتركة في "
                        "المدينة كلها في كل فترة والنشاط العام للنشر."},
    "area_exposure": {"en": "Hate crimes are counted per resident: the area's population of each {period} is the "
                      "exposure, so an area that grows does not look as if its hate crime rose.",
                      "fr": "Les crimes de haine sont rapportés aux habitants : la population du secteur à chaque "
                      "période sert d'exposition, de sorte qu'un secteur qui grandit ne paraît pas connaître plus "
                      "de crimes de haine.",
                      "ar": "تُحسب جرائم الكراهية لكل ساكن: سكان المنطقة في كل فترة هم التعرّض، فلا تبدو المنطقة "
                      "التي يزداد سكانها وكأن جرائم الكراهية فيها ازدادت."},
    "area_next_period": {"en": "In these sentences, \"month\" and \"neighbourhood\" read as \"{period}\" and "
                         "\"area\".",
                         "fr": "Dans ces phrases, « mois » et « quartier » se lisent « {period} » et « secteur ».",
                         "ar": "في هذه الجمل، تُقرأ كلمتا \"شهر\" و\"حيّ\" بمعنى \"{period}\" و\"منطقة\"."},
    "area_few_periods": {"en": "Only {months} {periods}: the analysis can look back one {period} only and does "
                         "not adjust for earlier hate crimes (with so few periods that adjustment is itself "
                         "biased); longer delays cannot be examined.",
                         "fr": "Seulement {months} {periods} : l'analyse ne remonte que d'une période et n'ajuste "
                         "pas sur les crimes de haine antérieurs (avec si peu de périodes, cet ajustement est "
                         "lui-même biaisé) ; les délais plus longs ne peuvent pas être examinés.",
                         "ar": "فقط {months} {periods}: لا يعود التحليل إلا فترة واحدة إلى الوراء ولا يضبط "
                         "جرائم الكراهية السابقة (مع هذا العدد القليل من الفترات يكون هذا الضبط نفسه منحازاً)؛ "
                         "ولا يمكن فحص التأخيرات الأطول."},
    "area_controls": {"en": "Also adjusted for changes over time in: {names}.",
                      "fr": "Également ajusté sur l'évolution de : {names}.",
                      "ar": "مع ضبط التغيرات عبر الزمن أيضاً في: {names}."},
    "area_absorbed": {"en": "{names}: known for one point in time only, so part of what is constant about each "
                      "area; comparing each area with itself already holds it fixed, and it is not a separate "
                      "adjustment.",
                      "fr": "{names} : connu(s) à une seule date, donc partie de ce qui est constant dans chaque "
                      "secteur ; comparer chaque secteur avec lui-même le tient déjà fixe, ce n'est pas un "
                      "ajustement distinct.",
                      "ar": "{names}: معروفة في نقطة زمنية واحدة فقط، فهي جزء مما هو ثابت في كل منطقة؛ ومقارنة "
                      "كل منطقة مع نفسها تثبّتها أصلاً، وليست ضبطاً مستقلاً."},
    "method_engine_area": {"en": "Fixed-effects quasi-Poisson regression of hate crimes on hateful posts 1 to "
                           "{max_lag} {periods} earlier, with area and {period} effects, the area's population as "
                           "exposure (offset) and standard errors clustered by area; the same the other way round, "
                           "a lead (placebo) test and non-hate crimes as a negative control where all crimes are "
                           "known (docs/geo.md, \"Area level\").",
                           "fr": "Régression quasi-Poisson à effets fixes des crimes de haine sur les publications "
                           "haineuses de 1 à {max_lag} période(s) plus tôt ({periods}), avec effets secteur et "
                           "période, la population du secteur comme exposition et erreurs types groupées par "
                           "secteur ; la même en sens inverse, un test d'anticipation (placebo) et les délits non "
                           "haineux comme contrôle négatif quand tous les délits sont connus.",
                           "ar": "انحدار شبه بواسون بآثار ثابتة لجرائم الكراهية على منشورات الكراهية قبل 1 إلى "
                           "{max_lag} فترة ({periods})، مع آثار المنطقة والفترة، وسكان المنطقة كتعرّض، وأخطاء "
                           "معيارية مجمّعة حسب المنطقة؛ والأمر نفسه في الاتجاه المعاكس، واختبار استباقي (وهمي)، "
                           "والجرائم غير المرتبطة بالكراهية كضابط سلبي حين تكون كل الجرائم معروفة."},
    "insufficient_hate_unknown": {"en": "the crime records of this city carry no hate-crime information and no "
                                  "hate-crime counts were provided",
                                  "fr": "les faits enregistrés de cette ville ne disent pas s'il s'agit de crimes "
                                  "de haine et aucun effectif de crimes de haine n'a été fourni",
                                  "ar": "سجلات الجرائم في هذه المدينة لا تتضمن معلومات عن جرائم الكراهية ولم تُقدَّم "
                                  "أعداد لجرائم الكراهية"},
})

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
    "planned_activities": {"en": "planned (not yet held)", "fr": "prévues (pas encore tenues)",
                           "ar": "مخطط لها (لم تُعقد بعد)"},
    "construct": {"en": "index", "fr": "indice", "ar": "المؤشر"},
    "baseline_mean": {"en": "baseline", "fr": "initial", "ar": "المسح الأولي"},
    "endline_mean": {"en": "endline", "fr": "final", "ar": "المسح النهائي"},
    "diff": {"en": "change", "fr": "évolution", "ar": "التغير"},
    "ci_low": {"en": "95% CI low", "fr": "IC 95 % bas", "ar": "الحد الأدنى (95%)"},
    "ci_high": {"en": "95% CI high", "fr": "IC 95 % haut", "ar": "الحد الأعلى (95%)"},
    "effect_size": {"en": "effect size (g)", "fr": "taille d'effet (g)", "ar": "حجم الأثر (g)"},
    "adjusted_diff": {"en": "change, same respondent mix", "fr": "évolution, même composition des répondants",
                      "ar": "التغير بنفس تركيبة المستجيبين"},
    "adjusted_ci_low": {"en": "95% CI low (same mix)", "fr": "IC 95 % bas (même composition)",
                        "ar": "الحد الأدنى (95%، نفس التركيبة)"},
    "adjusted_ci_high": {"en": "95% CI high (same mix)", "fr": "IC 95 % haut (même composition)",
                         "ar": "الحد الأعلى (95%، نفس التركيبة)"},
    "change_supported": {"en": "change shown by the survey (95%)", "fr": "évolution établie par l'enquête (95 %)",
                         "ar": "تغير يثبته المسح (95%)"},
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
    "platform_unknown": {"en": "platform not known", "fr": "plateforme inconnue", "ar": "منصة غير معروفة"},
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


def reasons(raw: object, speech: object, crime: object, resilience: object, lang: str | None, *, k: int) -> str:
    """``risk.reasons`` (JSON: signal codes and ``recent_months``) with the row's numbers filled in (a hidden one
    as "fewer than ``k``", the threshold the row was shaped with)."""
    data = parse_json(raw)
    if data is None:
        return "" if _missing(raw) else str(raw)
    parts = []
    for code in data.get("codes") or []:
        if code == "speech_high":
            parts.append(t("reason_speech_high", lang, n=count(speech, lang, k=k)))
        elif code == "crime_high":
            parts.append(t("reason_crime_high", lang, n=count(crime, lang, k=k)))
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


# alert inbox (issue 21) ---------------------------------------------------------------------------------------
# the inbox page, the city page's open alerts and the e-mail/webhook notifications (scn.alerts.notifier) share
# these words; the facts come from scn.alerts.catalog.alert_facts as codes and numbers.
ALERT_TEXT: dict[str, dict[str, str]] = {
    "alert_inbox": {"en": "Alert inbox", "fr": "Boîte des alertes", "ar": "صندوق التنبيهات"},
    "alert_network": {"en": "Alerts across the network", "fr": "Alertes de tout le réseau",
                      "ar": "التنبيهات في الشبكة كلها"},
    "alert_by": {"en": "{state} by {user} on {when}", "fr": "{state} par {user} le {when}",
                 "ar": "{state} بواسطة {user} في {when}"},
    "alert_note": {"en": "Note: {note}", "fr": "Note : {note}", "ar": "ملاحظة: {note}"},
    "alert_note_label": {"en": "Note (optional)", "fr": "Note (facultative)", "ar": "ملاحظة (اختيارية)"},
    "action_acknowledge": {"en": "Acknowledge", "fr": "Prendre en compte", "ar": "تأكيد الاطلاع"},
    "action_close": {"en": "Close", "fr": "Clore", "ar": "إغلاق"},
    "action_reopen": {"en": "Reopen", "fr": "Rouvrir", "ar": "إعادة فتح"},
    "alert_history": {"en": "History", "fr": "Historique", "ar": "السجل"},
    "alerts_open": {"en": "Open alerts", "fr": "Alertes ouvertes", "ar": "التنبيهات المفتوحة"},
    "alerts_old": {"en": "Closed and expired alerts ({n})", "fr": "Alertes closes et expirées ({n})",
                   "ar": "التنبيهات المغلقة والمنتهية ({n})"},
    "alerts_none_open": {"en": "No open alerts.", "fr": "Aucune alerte ouverte.", "ar": "لا توجد تنبيهات مفتوحة."},
    "alerts_all": {"en": "Every published alert with its evidence", "fr": "Toutes les alertes publiées et leurs "
                   "éléments", "ar": "كل التنبيهات المنشورة مع أدلتها"},
    "alerts_see_inbox": {"en": "Open the alert inbox", "fr": "Ouvrir la boîte des alertes",
                         "ar": "افتح صندوق التنبيهات"},
    "alerts_more": {"en": "and {n} more in the inbox", "fr": "et {n} de plus dans la boîte",
                    "ar": "و{n} أخرى في الصندوق"},
    "filter_city": {"en": "City", "fr": "Ville", "ar": "المدينة"},
    "filter_state": {"en": "State", "fr": "État", "ar": "الحالة"},
    "filter_type": {"en": "Type", "fr": "Type", "ar": "النوع"},
    "filter_all": {"en": "All", "fr": "Toutes", "ar": "الكل"},
    "filter_apply": {"en": "Show", "fr": "Afficher", "ar": "عرض"},
    "alert_done": {"en": "Saved: {state}.", "fr": "Enregistré : {state}.", "ar": "تم الحفظ: {state}."},
}
TEXT.update(ALERT_TEXT)

from dashboards.words import library as _library_words  # noqa: E402  (the Online Hub's pages, issue 22)
from dashboards.words import profiles as _profile_words  # noqa: E402
from dashboards.words import staff as _staff_words  # noqa: E402

for _words in (_profile_words, _library_words, _staff_words):
    TEXT.update(_words.TEXT)


# --- plain language, glossary, downloads, locale formats (issue 21: every visible word in en, fr, ar) ------------
# Codes of the published tables in words: programme lines, regions, survey constructs and waves, KPIs, roles.
_CODES: dict[str, dict[str, dict[str, str]]] = {
    "line": {
        "local_action_planning": {"en": "Local Action Planning", "fr": "Plans d'action locaux",
                                  "ar": "تخطيط العمل المحلي"},
        "city_consultation": {"en": "City consultation", "fr": "Consultation de ville", "ar": "مشاورة المدينة"},
        "local_prevention_network": {"en": "Local Prevention Network", "fr": "Réseau local de prévention",
                                     "ar": "شبكة الوقاية المحلية"},
        "innovation_grant": {"en": "Innovation grant", "fr": "Subvention d'innovation", "ar": "منحة الابتكار"},
        "young_cities": {"en": "Young Cities", "fr": "Villes jeunes (Young Cities)", "ar": "المدن الشابة"},
        "training": {"en": "Training", "fr": "Formation", "ar": "التدريب"},
        "city_exchange": {"en": "City exchange", "fr": "Échange entre villes", "ar": "تبادل بين المدن"},
        "summit": {"en": "Global Summit", "fr": "Sommet mondial", "ar": "القمة العالمية"},
    },
    "region": {
        "Europe": {"en": "Europe", "fr": "Europe", "ar": "أوروبا"},
        "MENA": {"en": "Middle East and North Africa", "fr": "Moyen-Orient et Afrique du Nord",
                 "ar": "الشرق الأوسط وشمال أفريقيا"},
        "Sub-Saharan Africa": {"en": "Sub-Saharan Africa", "fr": "Afrique subsaharienne",
                               "ar": "أفريقيا جنوب الصحراء"},
        "South Asia": {"en": "South Asia", "fr": "Asie du Sud", "ar": "جنوب آسيا"},
        "Central Asia": {"en": "Central Asia", "fr": "Asie centrale", "ar": "آسيا الوسطى"},
        "North America": {"en": "North America", "fr": "Amérique du Nord", "ar": "أمريكا الشمالية"},
        "Latin America & Caribbean": {"en": "Latin America and the Caribbean", "fr": "Amérique latine et Caraïbes",
                                      "ar": "أمريكا اللاتينية والكاريبي"},
        "Asia-Pacific": {"en": "Asia-Pacific", "fr": "Asie-Pacifique", "ar": "آسيا والمحيط الهادئ"},
    },
    "construct": {
        "social_cohesion": {"en": "Social cohesion", "fr": "Cohésion sociale", "ar": "التماسك الاجتماعي"},
        "trust_local_institutions": {"en": "Trust in local institutions", "fr": "Confiance dans les institutions "
                                     "locales", "ar": "الثقة في المؤسسات المحلية"},
        "resilience": {"en": "Resilience", "fr": "Résilience", "ar": "الصمود"},
        "resilience_extremist_narratives": {"en": "Resilience to extremist narratives", "fr": "Résilience face "
                                            "aux discours extrémistes", "ar": "الصمود أمام الخطابات المتطرفة"},
    },
    "wave": {
        "baseline": {"en": "Baseline survey", "fr": "Enquête initiale", "ar": "المسح الأولي"},
        "endline": {"en": "Endline survey", "fr": "Enquête finale", "ar": "المسح النهائي"},
    },
    "role": {
        "mayor": {"en": "Mayor", "fr": "Maire", "ar": "رئيس البلدية"},
        "city_official": {"en": "City official", "fr": "Élu ou agent municipal", "ar": "مسؤول في المدينة"},
        "practitioner": {"en": "Practitioner", "fr": "Praticien", "ar": "ممارس"},
        "youth": {"en": "Youth", "fr": "Jeune", "ar": "شاب"},
        "civil_society": {"en": "Civil society", "fr": "Société civile", "ar": "المجتمع المدني"},
        "other": {"en": "Other", "fr": "Autre", "ar": "أخرى"},
    },
    # KPI statements: {0}, {1}, {2} are the numbers of the published English statement, in order
    "kpi": {
        "member_cities": {"en": "{0} current member cities in {1} countries", "fr": "{0} villes membres dans {1} pays",
                          "ar": "{0} مدينة عضو في {1} بلداً"},
        "former_member_cities": {"en": "{0} former member cities (left the network)",
                                 "fr": "{0} anciennes villes membres (ont quitté le réseau)",
                                 "ar": "{0} مدن أعضاء سابقة (غادرت الشبكة)"},
        "officials_trained": {"en": "Trained {0} city officials in {1} cities across {2} countries",
                              "fr": "{0} responsables municipaux formés dans {1} villes de {2} pays",
                              "ar": "تدريب {0} من مسؤولي المدن في {1} مدينة في {2} بلداً"},
        "people_reached": {"en": "Reached {0} people from {1} cities in {2} countries",
                           "fr": "{0} personnes touchées dans {1} villes de {2} pays",
                           "ar": "الوصول إلى {0} شخصاً من {1} مدينة في {2} بلداً"},
        "local_prevention_networks": {"en": "{0} Local Prevention Networks with {1} members",
                                      "fr": "{0} réseaux locaux de prévention comptant {1} membres",
                                      "ar": "{0} شبكات وقاية محلية تضم {1} عضواً"},
        "lpn_members": {"en": "{0} Local Prevention Network members", "fr": "{0} membres de réseaux locaux de "
                        "prévention", "ar": "{0} عضواً في شبكات الوقاية المحلية"},
        "lap_cities": {"en": "Local Action Planning in {0} cities in {1} countries", "fr": "Plans d'action locaux "
                       "dans {0} villes de {1} pays", "ar": "تخطيط العمل المحلي في {0} مدينة في {1} بلداً"},
        "lap_countries": {"en": "Local Action Planning in {0} countries", "fr": "Plans d'action locaux dans {0} "
                          "pays", "ar": "تخطيط العمل المحلي في {0} بلداً"},
        "city_consultations": {"en": "{0} city consultations in {1} cities across {2} countries",
                               "fr": "{0} consultations de villes dans {1} villes de {2} pays",
                               "ar": "{0} مشاورات مع المدن في {1} مدينة في {2} بلداً"},
        "innovation_grants": {"en": "{0} grants to organisations in {1} cities", "fr": "{0} subventions à des "
                              "organisations dans {1} villes", "ar": "{0} منحة لمنظمات في {1} مدينة"},
        "city_exchanges": {"en": "{0} city exchanges with {1} participants from {2} cities",
                           "fr": "{0} échanges entre villes avec {1} participants de {2} villes",
                           "ar": "{0} تبادلات بين المدن بمشاركة {1} شخصاً من {2} مدينة"},
        "young_cities": {"en": "Young Cities in {0} cities across {1} countries, reaching {2} young people",
                         "fr": "Villes jeunes dans {0} villes de {1} pays, auprès de {2} jeunes",
                         "ar": "المدن الشابة في {0} مدينة في {1} بلداً، وصلت إلى {2} من الشباب"},
        "summits": {"en": "{0} Global Summits", "fr": "{0} sommets mondiaux", "ar": "{0} قمم عالمية"},
    },
    # one figure when the statement's numbers cannot be used (hidden by disclosure control, another shape)
    "kpi_label": {
        "member_cities": {"en": "member cities", "fr": "villes membres", "ar": "المدن الأعضاء"},
        "former_member_cities": {"en": "former member cities", "fr": "anciennes villes membres",
                                 "ar": "المدن الأعضاء السابقة"},
        "officials_trained": {"en": "city officials trained", "fr": "responsables municipaux formés",
                              "ar": "مسؤولو المدن المدرَّبون"},
        "people_reached": {"en": "people reached", "fr": "personnes touchées", "ar": "الأشخاص الذين تم الوصول إليهم"},
        "local_prevention_networks": {"en": "Local Prevention Networks", "fr": "réseaux locaux de prévention",
                                      "ar": "شبكات الوقاية المحلية"},
        "lpn_members": {"en": "Local Prevention Network members", "fr": "membres de réseaux locaux de prévention",
                        "ar": "أعضاء شبكات الوقاية المحلية"},
        "lap_cities": {"en": "cities with Local Action Planning", "fr": "villes avec un plan d'action local",
                       "ar": "مدن فيها تخطيط عمل محلي"},
        "lap_countries": {"en": "countries with Local Action Planning", "fr": "pays avec un plan d'action local",
                          "ar": "بلدان فيها تخطيط عمل محلي"},
        "city_consultations": {"en": "city consultations", "fr": "consultations de villes",
                               "ar": "مشاورات مع المدن"},
        "innovation_grants": {"en": "innovation grants", "fr": "subventions d'innovation", "ar": "منح الابتكار"},
        "grants_amount": {"en": "awarded in grants", "fr": "accordés en subventions", "ar": "مُنحت في شكل منح"},
        "city_exchanges": {"en": "city exchanges", "fr": "échanges entre villes", "ar": "تبادلات بين المدن"},
        "young_cities": {"en": "cities with Young Cities", "fr": "villes du programme Villes jeunes",
                         "ar": "مدن برنامج المدن الشابة"},
        "summits": {"en": "Global Summits", "fr": "sommets mondiaux", "ar": "القمم العالمية"},
    },
}

# The glossary (/glossary): each statistic and term with a one-line meaning; figures link to #<key>.
GLOSSARY: dict[str, dict[str, tuple[str, str]]] = {
    "rate_ratio": {
        "en": ("Rate ratio", "How many times more (above 1) or fewer (below 1) events happen when something "
               "doubles; 1 means no change, 1.31 means 31% more."),
        "fr": ("Rapport de taux", "Combien de fois plus (au-dessus de 1) ou moins (en dessous de 1) d'événements "
               "surviennent quand une quantité double ; 1 signifie aucun changement, 1,31 signifie 31 % de plus."),
        "ar": ("نسبة المعدل", "كم مرة تزيد الأحداث (فوق 1) أو تقل (تحت 1) عندما يتضاعف أمر ما؛ القيمة 1 تعني عدم "
               "التغير، و1.31 تعني زيادة 31%.")},
    "interval": {
        "en": ("95% interval (CI)", "The range the true value very likely lies in; a wide range means the figure "
               "is uncertain. If it includes 1 (for a ratio) or 0 (for a change), there may be no effect."),
        "fr": ("Intervalle à 95 % (IC)", "La plage où se trouve très probablement la vraie valeur ; une plage "
               "large signifie un chiffre incertain. Si elle contient 1 (rapport) ou 0 (évolution), il n'y a "
               "peut-être aucun effet."),
        "ar": ("فترة الثقة 95%", "المجال الذي تقع فيه القيمة الحقيقية على الأرجح؛ المجال الواسع يعني رقماً غير "
               "مؤكد. إذا شمل 1 (للنسبة) أو 0 (للتغير) فقد لا يوجد أثر.")},
    "n": {
        "en": ("n", "How many things a figure is based on (people, posts, neighbourhood-months); small n, less "
               "certain figure."),
        "fr": ("n", "Le nombre d'éléments sur lesquels repose un chiffre (personnes, publications, "
               "quartiers-mois) ; plus n est petit, moins le chiffre est sûr."),
        "ar": ("العدد (n)", "عدد العناصر التي يستند إليها الرقم (أشخاص، منشورات، حيّ-شهر)؛ كلما صغر العدد قلّ "
               "اليقين.")},
    "flagged_posts": {
        "en": ("Flagged (hateful) posts", "Public posts located in the city that the classifier labelled as hate "
               "speech, counted per neighbourhood and month."),
        "fr": ("Publications signalées (haineuses)", "Publications publiques situées dans la ville que le "
               "classifieur a étiquetées comme discours de haine, comptées par quartier et par mois."),
        "ar": ("المنشورات المُعلَّمة (كراهية)", "منشورات علنية في المدينة صنّفها المصنّف خطاب كراهية، تُعدّ لكل "
               "حيّ ولكل شهر.")},
    "hate_crimes": {
        "en": ("Hate crimes", "Crimes the police recorded as motivated by hostility to a group, counted per "
               "neighbourhood and month."),
        "fr": ("Crimes de haine", "Délits que la police a enregistrés comme motivés par l'hostilité envers un "
               "groupe, comptés par quartier et par mois."),
        "ar": ("جرائم الكراهية", "جرائم سجّلتها الشرطة على أنها بدافع العداء لفئة ما، تُعدّ لكل حيّ ولكل شهر.")},
    "adjusted_prevalence": {
        "en": ("Adjusted prevalence", "The share of posts that are hateful after correcting for the classifier's "
               "measured mistakes."),
        "fr": ("Prévalence ajustée", "La part des publications haineuses, corrigée des erreurs mesurées du "
               "classifieur."),
        "ar": ("الانتشار المعدَّل", "نسبة منشورات الكراهية بعد تصحيح الأخطاء المقيسة للمصنّف.")},
    "macro_f1": {
        "en": ("Macro-F1 (classifier accuracy)", "How well the classifier labels posts, from 0 (never right) to 1 "
               "(always right), averaged over hate, offensive and neither, measured on posts people labelled."),
        "fr": ("Macro-F1 (exactitude du classifieur)", "La qualité des étiquettes du classifieur, de 0 (jamais "
               "juste) à 1 (toujours juste), moyennée sur haine, offensant et aucun, mesurée sur des publications "
               "étiquetées par des personnes."),
        "ar": ("مقياس F1 الكلي (دقة المصنّف)", "مدى جودة تصنيف المنشورات من 0 (خطأ دائماً) إلى 1 (صواب دائماً)، "
               "بمتوسط فئات الكراهية والإساءة وغيرهما، مقيساً على منشورات صنّفها أشخاص.")},
    "precision_recall": {
        "en": ("Precision and recall", "Precision: of the posts flagged, the share that really are hateful. "
               "Recall: of the hateful posts, the share that were flagged."),
        "fr": ("Précision et rappel", "Précision : parmi les publications signalées, la part réellement "
               "haineuse. Rappel : parmi les publications haineuses, la part signalée."),
        "ar": ("الدقة والاستدعاء", "الدقة: نسبة المنشورات المُعلَّمة التي هي كراهية فعلاً. الاستدعاء: نسبة منشورات "
               "الكراهية التي عُلِّمت.")},
    "kappa": {
        "en": ("Cohen's kappa", "How often two reviewers agree beyond chance: 0 is chance, 1 is full agreement."),
        "fr": ("Kappa de Cohen", "À quel point deux relecteurs s'accordent au-delà du hasard : 0 hasard, 1 accord "
               "total."),
        "ar": ("كابا كوهين", "مدى اتفاق مراجعَين بما يتجاوز الصدفة: 0 صدفة، و1 اتفاق تام.")},
    "suppression": {
        "en": ("Hidden small counts (suppression)", "Counts from 1 to a small threshold are not shown to city "
               "officials, so that nobody can be recognised; \"fewer than k\" stands in for them."),
        "fr": ("Petits effectifs masqués", "Les effectifs de 1 jusqu'à un petit seuil ne sont pas montrés aux "
               "responsables municipaux, pour que personne ne puisse être reconnu ; « moins de k » les remplace."),
        "ar": ("إخفاء الأعداد الصغيرة", "لا تُعرض على مسؤولي المدن الأعداد من 1 حتى حد صغير كي لا يمكن التعرف "
               "على أحد؛ وتحل محلها عبارة \"أقل من k\".")},
    "morans_i": {
        "en": ("Spatial clustering (Moran's I)", "Whether places with many hateful posts sit next to places with "
               "many hate crimes: above 0 they cluster together, 0 is no pattern."),
        "fr": ("Regroupement spatial (I de Moran)", "Si les lieux riches en publications haineuses jouxtent des "
               "lieux riches en crimes de haine : au-dessus de 0 ils se regroupent, 0 aucun motif."),
        "ar": ("التجمع المكاني (مؤشر موران)", "هل تجاور الأماكنُ الكثيرة منشورات الكراهية أماكنَ كثيرة جرائم "
               "الكراهية: فوق 0 تتجمع معاً، و0 لا نمط.")},
    "lag": {
        "en": ("Lag", "How many months later the second count is looked at: lag 1 compares this month's posts "
               "with next month's crimes."),
        "fr": ("Décalage", "Combien de mois plus tard on regarde le second effectif : un décalage de 1 compare les "
               "publications de ce mois aux délits du mois suivant."),
        "ar": ("الفارق الزمني", "بعد كم شهر يُنظر إلى العدد الثاني: الفارق 1 يقارن منشورات هذا الشهر بجرائم "
               "الشهر التالي.")},
    "verdict": {
        "en": ("Verdict", "The platform's reading of the figures: hateful posts came first, hate crimes came "
               "first, a common cause is likely, no clear link, or not enough data. It is a correlation, not proof "
               "of cause."),
        "fr": ("Verdict", "La lecture des chiffres par la plateforme : les publications viennent d'abord, les "
               "crimes viennent d'abord, cause commune probable, pas de lien net, ou pas assez de données. C'est "
               "une corrélation, pas une preuve de cause."),
        "ar": ("الحكم", "قراءة المنصة للأرقام: المنشورات سبقت، أو الجرائم سبقت، أو سبب مشترك مرجَّح، أو لا علاقة "
               "واضحة، أو بيانات غير كافية. إنه ارتباط وليس دليلاً على السببية.")},
    "survey_index": {
        "en": ("Survey index (0–100)", "The average answer of respondents to a group of survey questions, scaled "
               "from 0 (lowest) to 100 (highest)."),
        "fr": ("Indice d'enquête (0–100)", "La réponse moyenne des répondants à un groupe de questions, ramenée "
               "de 0 (le plus bas) à 100 (le plus haut)."),
        "ar": ("مؤشر المسح (0–100)", "متوسط إجابات المشاركين على مجموعة أسئلة، على مقياس من 0 (الأدنى) إلى 100 "
               "(الأعلى).")},
    "effect_size": {
        "en": ("Effect size (g)", "A change measured against how much answers usually vary: around 0.2 small, "
               "0.5 medium, 0.8 large."),
        "fr": ("Taille d'effet (g)", "Une évolution rapportée à la dispersion habituelle des réponses : environ "
               "0,2 faible, 0,5 moyenne, 0,8 forte."),
        "ar": ("حجم الأثر (g)", "تغير مقيس بالنسبة إلى التباين المعتاد للإجابات: نحو 0.2 صغير، 0.5 متوسط، "
               "0.8 كبير.")},
    "risk_score": {
        "en": ("Risk ranking", "Areas ordered by how likely their recent rates of hateful posts and hate crimes "
               "are above the city's usual; a ranking to guide attention, not a prediction."),
        "fr": ("Classement du risque", "Secteurs classés selon la probabilité que leurs taux récents de "
               "publications haineuses et de crimes de haine dépassent l'habituel de la ville ; un guide pour "
               "l'attention, pas une prévision."),
        "ar": ("ترتيب الخطر", "مناطق مرتبة حسب احتمال أن تتجاوز معدلاتها الأخيرة لمنشورات الكراهية وجرائم "
               "الكراهية المعتاد في المدينة؛ ترتيب لتوجيه الانتباه وليس تنبؤاً.")},
    "alert": {
        "en": ("Early-warning alert", "A week with many more hateful posts than usual in an area, or many "
               "near-identical posts from several accounts (coordinated posting)."),
        "fr": ("Alerte précoce", "Une semaine avec bien plus de publications haineuses que d'habitude dans un "
               "secteur, ou de nombreuses publications quasi identiques de plusieurs comptes (publication "
               "coordonnée)."),
        "ar": ("تنبيه الإنذار المبكر", "أسبوع فيه منشورات كراهية أكثر بكثير من المعتاد في منطقة ما، أو منشورات "
               "كثيرة شبه متطابقة من عدة حسابات (نشر منسّق).")},
    "p_value": {
        "en": ("p-value", "How surprising a figure would be if nothing were going on: small (below 0.05) means "
               "unlikely to be chance."),
        "fr": ("Valeur p", "À quel point un chiffre serait surprenant s'il ne se passait rien : petite (moins de "
               "0,05) signifie peu probablement dû au hasard."),
        "ar": ("قيمة p", "مدى غرابة الرقم لو لم يكن هناك شيء: القيمة الصغيرة (أقل من 0.05) تعني أنه غير مرجح أن "
               "يكون صدفة.")},
    "cell": {
        "en": ("Neighbourhood cell", "A hexagon of the map grid (about 0.7 km² at the finest size) used to count "
               "posts and crimes by place."),
        "fr": ("Cellule de quartier", "Un hexagone de la grille de la carte (environ 0,7 km² à la plus fine "
               "taille) servant à compter publications et délits par lieu."),
        "ar": ("خلية الحي", "سداسي من شبكة الخريطة (نحو 0.7 كم² في أصغر حجم) يُستعمل لعدّ المنشورات والجرائم "
               "حسب المكان.")},
}

TEXT.update({
    "glossary": {"en": "Glossary", "fr": "Glossaire", "ar": "مسرد المصطلحات"},
    "glossary_intro": {"en": "What the figures on these pages mean, in one line each.",
                       "fr": "Ce que signifient les chiffres de ces pages, en une ligne chacun.",
                       "ar": "معنى الأرقام في هذه الصفحات، في سطر واحد لكل منها."},
    "what_this_means": {"en": "What this means", "fr": "Ce que cela signifie", "ar": "ماذا يعني هذا"},
    "forbidden_title": {"en": "Access refused", "fr": "Accès refusé", "ar": "تم رفض الوصول"},
    "not_found_title": {"en": "Page not found", "fr": "Page introuvable", "ar": "الصفحة غير موجودة"},
    "sign_in_needed": {"en": "Please sign in to see this page.", "fr": "Connectez-vous pour voir cette page.",
                       "ar": "يُرجى تسجيل الدخول لرؤية هذه الصفحة."},
    "error_title": {"en": "Something went wrong", "fr": "Une erreur s'est produite", "ar": "حدث خطأ ما"},
    "error_other": {"en": "The request could not be answered.", "fr": "La demande n'a pas pu aboutir.",
                    "ar": "تعذّرت تلبية الطلب."},
    "go_home": {"en": "Back to the start page", "fr": "Retour à la page d'accueil", "ar": "العودة إلى الصفحة الأولى"},
    "downloads_city": {"en": "Download this city's tables", "fr": "Télécharger les tables de cette ville",
                       "ar": "تنزيل جداول هذه المدينة"},
    "downloads_city_note": {"en": "The published tables of this city, with small counts hidden exactly as on this "
                            "page. Column names are fixed codes; see the glossary.",
                            "fr": "Les tables publiées de cette ville, avec les petits effectifs masqués exactement "
                            "comme sur cette page. Les noms de colonnes sont des codes fixes ; voir le glossaire.",
                            "ar": "الجداول المنشورة لهذه المدينة، مع إخفاء الأعداد الصغيرة تماماً كما في هذه "
                            "الصفحة. أسماء الأعمدة رموز ثابتة؛ انظر مسرد المصطلحات."},
    "download_cells": {"en": "Counts by neighbourhood cell and month", "fr": "Effectifs par cellule et par mois",
                       "ar": "الأعداد حسب الخلية والشهر"},
    "download_correlations": {"en": "Findings (rate ratios and checks)", "fr": "Résultats (rapports de taux et "
                              "contrôles)", "ar": "النتائج (نسب المعدل والفحوص)"},
    "download_survey-indices": {"en": "Survey indices", "fr": "Indices d'enquête", "ar": "مؤشرات المسح"},
    "download_programme-metrics": {"en": "Programme activity", "fr": "Activités du programme",
                                   "ar": "أنشطة البرنامج"},
    "download_target-groups": {"en": "Groups targeted by flagged posts", "fr": "Groupes visés",
                               "ar": "الفئات المستهدفة"},
    "download_network-kpis": {"en": "Key figures of the network", "fr": "Chiffres clés du réseau",
                              "ar": "الأرقام الرئيسية للشبكة"},
    "download_summit-metrics": {"en": "Global summits", "fr": "Sommets mondiaux", "ar": "القمم العالمية"},
    "series_what": {"en": "Counts in the whole city, per month unless a note below says otherwise: flagged posts "
                    "(left axis) and hate crimes recorded by the police (right axis).",
                    "fr": "Effectifs dans toute la ville, par mois sauf si une note ci-dessous dit autrement : "
                    "publications signalées (axe de gauche) et crimes de haine enregistrés par la police (axe de "
                    "droite).",
                    "ar": "الأعداد في المدينة كلها، شهرياً ما لم تذكر ملاحظة أدناه غير ذلك: المنشورات المُعلَّمة "
                    "(المحور الأول) وجرائم الكراهية التي سجّلتها الشرطة (المحور الثاني)."},
    "survey_axis": {"en": "index (0–100)", "fr": "indice (0–100)", "ar": "المؤشر (0–100)"},
    "month_axis": {"en": "month", "fr": "mois", "ar": "الشهر"},
    "activities_axis": {"en": "activities", "fr": "activités", "ar": "الأنشطة"},
    "programme_line_legend": {"en": "programme line", "fr": "volet du programme", "ar": "محور البرنامج"},
    "survey_what": {"en": "Average answer of the survey's respondents in this city for each index, 0 to 100, by "
                    "survey wave; bars show the 95% interval.", "fr": "Réponse moyenne des répondants de cette "
                    "ville pour chaque indice, de 0 à 100, par vague d'enquête ; les barres montrent l'intervalle à "
                    "95 %.", "ar": "متوسط إجابات المشاركين في هذه المدينة لكل مؤشر، من 0 إلى 100، حسب جولة المسح؛ "
                    "وتبيّن الأشرطة فترة الثقة 95%."},
    "risk_what": {"en": "The ten areas whose recent rates most likely exceed the city's usual; reasons say which "
                  "signal.", "fr": "Les dix secteurs dont les taux récents dépassent le plus probablement "
                  "l'habituel de la ville ; les raisons disent quel signal.", "ar": "المناطق العشر التي يُرجَّح أن "
                  "تتجاوز معدلاتها الأخيرة المعتاد في المدينة؛ وتبيّن الأسباب الإشارة المعنية."},
    "programmes_what": {"en": "Activities held and distinct people taking part, per programme line and year; "
                              "activities planned (not yet held) are counted apart.",
                        "fr": "Activités menées et personnes distinctes y ayant pris part, par volet et par année ; "
                              "les activités prévues (pas encore tenues) sont comptées à part.",
                        "ar": "الأنشطة المنفذة والأشخاص المشاركون (دون تكرار)، حسب محور البرنامج والسنة؛ "
                              "الأنشطة المخطط لها (التي لم تُعقد بعد) تُحسب على حدة."},
    "yes": {"en": "yes", "fr": "oui", "ar": "نعم"},
    "no": {"en": "no", "fr": "non", "ar": "لا"},
})
COLUMNS.update({
    "wave": {"en": "survey wave", "fr": "vague d'enquête", "ar": "جولة المسح"},
    "role": {"en": "role", "fr": "rôle", "ar": "الدور"},
    "region": {"en": "region", "fr": "région", "ar": "المنطقة الجغرافية"},
    "flagged_posts": {"en": "flagged posts", "fr": "publications signalées", "ar": "المنشورات المُعلَّمة"},
    "asset_key": {"en": "table", "fr": "table", "ar": "الجدول"},
    "group": {"en": "group", "fr": "groupe", "ar": "المجموعة"},
    "last_materialized_at": {"en": "last built (UTC)", "fr": "dernière construction (UTC)",
                             "ar": "آخر بناء (UTC)"},
    "last_run_id": {"en": "run", "fr": "exécution", "ar": "التشغيل"},
    "last_run_status": {"en": "run status", "fr": "état de l'exécution", "ar": "حالة التشغيل"},
    "rows": {"en": "rows", "fr": "lignes", "ar": "الصفوف"},
    "check_name": {"en": "check", "fr": "contrôle", "ar": "الفحص"},
    "severity": {"en": "severity", "fr": "gravité", "ar": "الخطورة"},
    "evaluated_at": {"en": "checked (UTC)", "fr": "contrôlé (UTC)", "ar": "وقت الفحص (UTC)"},
    "description": {"en": "description", "fr": "description", "ar": "الوصف"},
    "kind": {"en": "kind", "fr": "type", "ar": "النوع"},
    "field": {"en": "field", "fr": "champ", "ar": "الحقل"},
    "reason": {"en": "reason", "fr": "raison", "ar": "السبب"},
    "files": {"en": "files", "fr": "fichiers", "ar": "الملفات"},
    "posts": {"en": "posts", "fr": "publications", "ar": "المنشورات"},
    "assessed": {"en": "labelled by the model", "fr": "étiquetées par le modèle", "ar": "صنّفها النموذج"},
    "lexicon": {"en": "labelled by word lists", "fr": "étiquetées par listes de mots", "ar": "صُنّفت بقوائم كلمات"},
    "not_assessed": {"en": "not labelled", "fr": "non étiquetées", "ar": "غير مصنّفة"},
    "lang_name": {"en": "language", "fr": "langue", "ar": "اللغة"},
    "programme": {"en": "programme line", "fr": "volet du programme", "ar": "محور البرنامج"},
})


def code(kind: str, value: object, lang: str | None) -> str:
    """A code of a published table (``kind``: line, region, construct, wave, role) in words; an unknown code is
    shown with its underscores as spaces."""
    if _missing(value):
        return "–"
    entry = _CODES.get(kind, {}).get(str(value))
    if entry is None:
        return str(value).replace("_", " ")
    return entry.get(lang or "en") or entry["en"]


def codes(kind: str, values: pd.Series, lang: str | None) -> pd.Series:
    """:func:`code` over a column (each distinct code looked up once)."""
    distinct = pd.unique(values.dropna())
    return values.map({v: code(kind, v, lang) for v in distinct}).where(values.notna(), "–")


def kpi(key: object, value: object, statement: object, lang: str | None, unit: object = None) -> str:
    """A network KPI as a sentence in ``lang``: the published English statement's numbers put into the KPI's
    sentence; when they do not fit (hidden value, another shape) the formatted value and the KPI's label."""
    template = _CODES["kpi"].get(str(key), {}).get(lang or "en")
    numbers = re.findall(r"\d+(?:\.\d+)?", str(statement or "")) if not _missing(value) else []
    if template is not None and numbers and template.count("{") == len(numbers):
        return template.format(*(number(float(n), lang) for n in numbers))
    label = code("kpi_label", key, lang)
    if key == "grants_amount" and not _missing(unit) and not _missing(value):  # an amount in a currency code
        return f"{number(value, lang)} {unit} {label}"
    return f"{number(value, lang)} {label}" if not _missing(value) else f"{t('hidden', lang)}: {label}"


def number(value: object, lang: str | None, digits: int | None = None) -> str:
    """A number in the locale's format (babel: ``1,234.5`` / ``1 234,5``); hidden (NA) as "–"."""
    from babel.numbers import format_decimal

    if _missing(value):
        return "–"
    fmt = None if digits is None else "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=fmt, locale=lang or "en")


def date(value: object, lang: str | None) -> str:
    """A date (``2026-10-31``, a timestamp) or a month (``2026-10``) in the locale's words (babel)."""
    from babel.dates import format_date

    if _missing(value) or not str(value).strip():
        return "–"
    text = str(value)
    try:
        stamp = pd.Timestamp(text)
    except (ValueError, TypeError):
        return text
    if len(text) == 7:  # a month
        return format_date(stamp.date(), "MMMM y", locale=lang or "en")
    return format_date(stamp.date(), "medium", locale=lang or "en")


def country(country_code: object, fallback: object, lang: str | None) -> str:
    """A country's name in ``lang`` from its ISO code (babel's territory names), else ``fallback``."""
    from babel import Locale

    names = Locale.parse(lang or "en").territories
    return names.get(str(country_code), str(fallback)) if not _missing(country_code) else str(fallback or "")


def place(name: object, local: object, lang: str | None) -> str:
    """A city or area name: the local-script name where the data have one and it is in the page's script
    (Arabic on the Arabic page), else the name; on other pages a non-Latin local name follows in brackets."""
    base = "" if _missing(name) else str(name)
    if _missing(local) or not str(local).strip() or str(local) == base:
        return base
    local = str(local)
    arabic = any("\u0600" <= ch <= "\u06ff" for ch in local)
    if lang == "ar" and arabic:
        return local
    return f"{base} ({local})" if base else local


def glossary(key: str, lang: str | None) -> tuple[str, str]:
    """(term, one-line meaning) of a glossary entry in ``lang``."""
    entry = GLOSSARY[key]
    return entry.get(lang or "en") or entry["en"]


def language(code: object, lang: str | None) -> str:
    """A language code (``en``, ``ar``) as the language's name in ``lang`` (babel), else the code."""
    from babel import Locale

    if _missing(code):
        return "–"
    here = Locale.parse(lang or "en")
    base, _, script = str(code).partition("-")
    if script in here.scripts and base in here.languages:  # "ar-Latn" (Arabizi) -> "Arabic (Latin)", never "Arabic"
        return f"{here.languages[base]} ({here.scripts[script]})"
    return here.languages.get(str(code), str(code))


# platforms' own spellings of their names (brand names: the same in every language)
PLATFORM_NAMES = {"x": "X", "tiktok": "TikTok", "youtube": "YouTube", "bluesky": "Bluesky", "vk": "VK",
                  "whatsapp": "WhatsApp", "linkedin": "LinkedIn"}


def platform(code: object, lang: str | None) -> str:
    """A platform code (``x``, ``telegram``) as its name ("X", "Telegram"); unknown or missing as a word in ``lang``."""
    if _missing(code) or str(code) in ("", "unknown"):
        return t("platform_unknown", lang)
    return PLATFORM_NAMES.get(str(code), str(code).capitalize())


def languages(values: pd.Series, lang: str | None) -> pd.Series:
    """:func:`language` over a column."""
    distinct = pd.unique(values.dropna())
    return values.map({v: language(v, lang) for v in distinct}).where(values.notna(), "–")


# ingest warnings (issue 18)
TEXT.update({
    "ingest_warnings": {"en": "Ingest warnings", "fr": "Avertissements d'ingestion", "ar": "تحذيرات الإدخال"},
    "no_ingest_warnings": {"en": "No ingest warnings.", "fr": "Aucun avertissement d'ingestion.",
                           "ar": "لا تحذيرات إدخال."},
    "warning_no_hate_flag": {
        "en": "{file}: no hate-crime information in this source: hate crime for {city} comes from {source}",
        "fr": "{file} : aucune information sur les crimes de haine dans cette source : les crimes de haine de {city} "
              "viennent de {source}",
        "ar": "{file}: لا معلومات عن جرائم الكراهية في هذا المصدر: جرائم الكراهية في {city} مصدرها {source}"},
    "warning_nowhere_yet": {"en": "nowhere yet", "fr": "nulle part pour l'instant", "ar": "لا مصدر بعد"},
    "warning_other_vintage": {
        "en": "{file}: codes of another boundary vintage (e.g. 2011 vs 2021 LSOAs): {rows} of {of} rows, e.g. "
              "{example}; they are quarantined",
        "fr": "{file} : codes d'un autre millésime de découpage (p. ex. LSOA 2011 contre 2021) : {rows} lignes sur "
              "{of}, p. ex. {example} ; elles sont en quarantaine",
        "ar": "{file}: رموز من إصدار حدود آخر (مثل LSOA لعام 2011 مقابل 2021): {rows} من {of} صفاً، مثل "
              "{example}؛ وُضعت في العزل"},
    "warning_personal_columns": {
        "en": "{file}: {count} columns not stored: they name a person or a place ({columns}); {phone_cells} answers "
              "that look like phone numbers withheld",
        "fr": "{file} : {count} colonnes non enregistrées : elles désignent une personne ou un lieu ({columns}) ; "
              "{phone_cells} réponses ressemblant à des numéros de téléphone retenues",
        "ar": "{file}: لم تُحفظ {count} أعمدة لأنها تدل على شخص أو مكان ({columns})؛ وحُجبت {phone_cells} إجابات "
              "تشبه أرقام الهواتف"},
    "warning_duplicates_differ": {
        "en": "{file}: {rows} rows repeat records already stored but differ from them (in {columns}): the stored "
              "records were kept, the corrections not applied",
        "fr": "{file} : {rows} lignes reprennent des enregistrements déjà stockés mais en diffèrent ({columns}) : "
              "les enregistrements stockés ont été gardés, les corrections non appliquées",
        "ar": "{file}: {rows} صفاً تكرر سجلات مخزنة لكنها تختلف عنها (في {columns}): أُبقيت السجلات المخزنة ولم "
              "تُطبق التصحيحات"},
    "warning_ambiguous_date_order": {
        "en": "{file}: every date in the column {field} could be read day first or month first; read as {assumed} "
              "(send ISO dates, 2025-03-04, if that is wrong)",
        "fr": "{file} : chaque date de la colonne {field} peut se lire jour d'abord ou mois d'abord ; lue comme "
              "{assumed} (envoyez des dates ISO, 2025-03-04, si c'est faux)",
        "ar": "{file}: يمكن قراءة كل تاريخ في العمود {field} باليوم أولاً أو بالشهر أولاً؛ قُرئ بصيغة {assumed} "
              "(أرسلوا تواريخ ISO مثل 2025-03-04 إن كان ذلك خطأ)"},
    "warning_activity_not_found": {
        "en": "{file}: {rows} participation rows name an activity that is not loaded ({ids}): they are kept and "
              "counted once that activity arrives (a typo, or the activities file not sent yet?)",
        "fr": "{file} : {rows} lignes de participation nomment une activité non chargée ({ids}) : elles sont "
              "gardées et comptées dès que cette activité arrive (une faute de frappe, ou le fichier des activités "
              "pas encore envoyé ?)",
        "ar": "{file}: {rows} صفاً من المشاركات تذكر نشاطاً غير محمّل ({ids}): أُبقيت وستُحتسب حين يصل ذلك "
              "النشاط (خطأ مطبعي، أو لم يُرسل ملف الأنشطة بعد؟)"},
    "warning_rows_part": {"en": "; rows {rows}", "fr": " ; lignes {rows}", "ar": "؛ الصفوف {rows}"},
    "warning_city_not_known": {
        "en": "{file}: {count} rows name a city in {field} that no member city bears, nor any other name of one "
              "({names}{rows}): each kept as written, a place of its own (if one is a member city, misspelt "
              "or under another name, correct it or add the name to the city aliases)",
        "fr": "{file} : {count} lignes nomment dans {field} une ville qu'aucune ville membre ne porte, ni sous un "
              "autre nom ({names}{rows}) : chacune gardée telle quelle, un lieu à part (si l'une est une "
              "ville membre mal écrite ou sous un autre nom, corrigez-la ou ajoutez ce nom aux alias des villes)",
        "ar": "{file}: {count} صفاً تذكر في {field} مدينة لا تحمل اسمها أي مدينة عضو ولا اسماً آخر لها ({names}{rows}): "
              "أُبقي كلٌّ منها كما كُتب مكاناً مستقلاً (إن كانت إحداها مدينة عضواً بخطأ إملائي أو "
              "باسم آخر فصحّحوها أو أضيفوا الاسم إلى الأسماء البديلة للمدن)"},
    "warning_city_maybe": {
        "en": "did you mean a member city? {pairs} (not applied: correct the file, or add the name to the city "
              "aliases)",
        "fr": "vouliez-vous dire une ville membre ? {pairs} (rien n'est appliqué : corrigez le fichier, ou ajoutez "
              "ce nom aux alias des villes)",
        "ar": "هل تقصدون مدينة عضواً؟ {pairs} (لم يُطبَّق شيء: صحّحوا الملف أو أضيفوا الاسم إلى الأسماء البديلة "
              "للمدن)"},
    "warning_city_ambiguous": {
        "en": "{file}: {count} rows name a city in {field} that more than one place bears ({names}{rows}) "
              "and give no country: counted as no member city (add the country to count them for the member)",
        "fr": "{file} : {count} lignes nomment dans {field} une ville dont plusieurs lieux portent le nom "
              "({names}{rows}) sans donner de pays : comptées comme aucune ville membre (ajoutez le pays "
              "pour les compter pour la ville membre)",
        "ar": "{file}: {count} صفاً تذكر في {field} مدينة يحمل اسمها أكثر من مكان ({names}{rows}) دون "
              "ذكر البلد: لم تُحتسب لأي مدينة عضو (أضيفوا البلد لتُحتسب للمدينة العضو)"},
    "warning_timezone_fixed_offset": {
        "en": "{file}: {count} cities' {field} is a fixed offset from UTC, read as a fixed zone ({examples}): their "
              "months and weeks never follow summer time; send the IANA name (Africa/Nairobi) if the city changes "
              "its clocks",
        "fr": "{file} : le champ {field} de {count} villes est un décalage fixe par rapport à UTC, lu comme un "
              "fuseau fixe ({examples}) : leurs mois et semaines ne suivent jamais l'heure d'été ; envoyez le nom "
              "IANA (Africa/Nairobi) si la ville change d'heure",
        "ar": "{file}: الحقل {field} لـ {count} مدن إزاحة ثابتة عن UTC، قُرئت منطقة زمنية ثابتة ({examples}): "
              "لا تتبع أشهرها وأسابيعها التوقيت الصيفي أبداً؛ أرسلوا اسم IANA (مثل Africa/Nairobi) إن كانت المدينة "
              "تغيّر ساعتها"},
    "warning_waiting_city": {
        "en": "{file}: waits for the city {city}, not yet in the cities registry: it is taken at the first run after "
              "the registry has it (nothing was loaded from it yet)",
        "fr": "{file} : attend la ville {city}, pas encore dans le registre des villes : il sera pris au premier "
              "passage après son ajout au registre (rien n'en a encore été chargé)",
        "ar": "{file}: ينتظر المدينة {city} غير الموجودة بعد في سجل المدن: سيُؤخذ في أول تشغيل بعد إضافتها إلى السجل "
              "(لم يُحمَّل منه شيء بعد)"},
    "warning_waiting_boundaries": {
        "en": "{file}: waits for the boundaries of {city}: it is taken at the first run after the city's boundary "
              "file is loaded (nothing was loaded from it yet)",
        "fr": "{file} : attend les limites de {city} : il sera pris au premier passage après le chargement du "
              "fichier de limites de la ville (rien n'en a encore été chargé)",
        "ar": "{file}: ينتظر حدود {city}: سيُؤخذ في أول تشغيل بعد تحميل ملف حدود المدينة (لم يُحمَّل منه شيء بعد)"},
    "warning_waiting_code": {
        "en": "{file}: the platform failed on it with an error it did not foresee (see the quarantine): it is taken "
              "again once, at the first run after the platform's code changes",
        "fr": "{file} : la plateforme a échoué sur ce fichier sur une erreur imprévue (voir la quarantaine) : il sera "
              "repris une fois, au premier passage après une modification du code de la plateforme",
        "ar": "{file}: أخفقت المنصة فيه بخطأ لم تتوقعه (انظر الحجر): سيُؤخذ مجدداً مرة واحدة في أول تشغيل بعد "
              "تغيير شيفرة المنصة"},
    "warning_rows_waiting": {
        "en": "{file}: {rows} rows name cities not yet in the cities registry ({cities}): they are in the quarantine "
              "and the file is taken again at the first run after the registry has one of them (its other rows are "
              "loaded)",
        "fr": "{file} : {rows} lignes nomment des villes pas encore dans le registre des villes ({cities}) : elles "
              "sont en quarantaine et le fichier sera repris au premier passage après l'ajout de l'une d'elles au "
              "registre (ses autres lignes sont chargées)",
        "ar": "{file}: {rows} سطراً تذكر مدناً غير موجودة بعد في سجل المدن ({cities}): هي في الحجر وسيُؤخذ الملف مجدداً "
              "في أول تشغيل بعد إضافة إحداها إلى السجل (سطوره الأخرى محمّلة)"},
    # a line of several files with one warning (dashboards.pages.health): how many, the newest names
    "warning_files": {"en": "{count} files (newest: {names})", "fr": "{count} fichiers (les plus récents : {names})",
                      "ar": "ملفات عددها {count} (أحدثها: {names})"},
    "warning_waiting_city_files": {
        "en": "{count} files wait for the city {city}, not yet in the cities registry (newest: {names}): they are "
              "taken at the first run after the registry has it (nothing was loaded from them yet)",
        "fr": "{count} fichiers attendent la ville {city}, pas encore dans le registre des villes (les plus "
              "récents : {names}) : ils seront pris au premier passage après son ajout au registre (rien n'en a "
              "encore été chargé)",
        "ar": "ملفات عددها {count} تنتظر المدينة {city} غير الموجودة بعد في سجل المدن (أحدثها: {names}): ستُؤخذ في "
              "أول تشغيل بعد إضافتها إلى السجل (لم يُحمَّل منها شيء بعد)"},
    "warning_waiting_boundaries_files": {
        "en": "{count} files wait for the boundaries of {city} (newest: {names}): they are taken at the first run "
              "after the city's boundary file is loaded (nothing was loaded from them yet)",
        "fr": "{count} fichiers attendent les limites de {city} (les plus récents : {names}) : ils seront pris au "
              "premier passage après le chargement du fichier de limites de la ville (rien n'en a encore été chargé)",
        "ar": "ملفات عددها {count} تنتظر حدود {city} (أحدثها: {names}): ستُؤخذ في أول تشغيل بعد تحميل ملف حدود "
              "المدينة (لم يُحمَّل منها شيء بعد)"},
    "warning_waiting_code_files": {
        "en": "{count} files the platform failed on with an error it did not foresee (newest: {names}; see the "
              "quarantine): they are taken again once, at the first run after the platform's code changes",
        "fr": "{count} fichiers sur lesquels la plateforme a échoué sur une erreur imprévue (les plus récents : "
              "{names} ; voir la quarantaine) : ils seront repris une fois, au premier passage après une "
              "modification du code de la plateforme",
        "ar": "ملفات عددها {count} أخفقت المنصة فيها بخطأ لم تتوقعه (أحدثها: {names}؛ انظر الحجر): ستُؤخذ مجدداً مرة "
              "واحدة في أول تشغيل بعد تغيير شيفرة المنصة"},
    "warning_rows_waiting_files": {
        "en": "{count} files (newest: {names}): {rows} rows name cities not yet in the cities registry ({cities}): "
              "they are in the quarantine and the files are taken again at the first run after the registry has "
              "one of them (their other rows are loaded)",
        "fr": "{count} fichiers (les plus récents : {names}) : {rows} lignes nomment des villes pas encore dans le "
              "registre des villes ({cities}) : elles sont en quarantaine et les fichiers seront repris au premier "
              "passage après l'ajout de l'une d'elles au registre (leurs autres lignes sont chargées)",
        "ar": "ملفات عددها {count} (أحدثها: {names}): {rows} سطراً تذكر مدناً غير موجودة بعد في سجل المدن "
              "({cities}): هي في الحجر وستُؤخذ الملفات مجدداً في أول تشغيل بعد إضافة إحداها إلى السجل (سطورها "
              "الأخرى محمّلة)"},
    "warning_more": {
        "en": "… and {lines} more lines of warnings ({files} files): the lake table ingest_warnings "
              "($SCN_HOME/lake/ingest_warnings/) holds every one",
        "fr": "… et {lines} autres lignes d'avertissements ({files} fichiers) : la table ingest_warnings du lac de "
              "données ($SCN_HOME/lake/ingest_warnings/) les contient tous",
        "ar": "… وأسطر تحذيرات أخرى عددها {lines} (ملفات عددها {files}): يحويها كلها جدول ingest_warnings في بحيرة "
              "البيانات ($SCN_HOME/lake/ingest_warnings/)"},
    "warning_outside_city": {
        "en": "{file}: {lines} lines of areas outside {city} skipped (by the column {column})",
        "fr": "{file} : {lines} lignes de zones hors de {city} ignorées (d'après la colonne {column})",
        "ar": "{file}: تُجوهل {lines} سطراً لمناطق خارج {city} (بحسب العمود {column})"},
    # survey data health (dashboards/pages/health.py): answers off their item's scale, answers exported as labels
    "warning_survey_off_scale": {
        "en": "{file}: {count} answers to {question} lie outside its scale {low}-{high} ({values}): left out of the "
              "survey indices; declare non-answer codes (e.g. 98;99) in the codebook's missing_codes column",
        "fr": "{file} : {count} réponses à {question} hors de son échelle {low}-{high} ({values}) : exclues des "
              "indices d'enquête ; déclarez les codes de non-réponse (p. ex. 98;99) dans la colonne missing_codes "
              "du livre de codes",
        "ar": "{file}: {count} إجابة عن {question} خارج مقياسه {low}-{high} ({values}): استُبعدت من مؤشرات "
              "الاستبيان؛ صرّحوا برموز عدم الإجابة (مثل 98;99) في عمود missing_codes من دليل الترميز"},
    "warning_survey_text_answers": {
        "en": "{file}: {count} codebook questions hold text, not numbers ({columns}): not stored - an export made "
              "with labels? Export the values",
        "fr": "{file} : {count} questions du livre de codes contiennent du texte, pas des nombres ({columns}) : non "
              "stockées - un export avec les libellés ? Exportez les valeurs",
        "ar": "{file}: {count} سؤالاً من دليل الترميز تحمل نصاً لا أرقاماً ({columns}): لم تُخزَّن - تصدير "
              "بالتسميات؟ صدّروا القيم"},
    # a codebook whose survey column names no survey export in the lake (a form's title where its id is meant)
    "warning_codebook_unknown_surveys": {
        "en": "{file}: {count} codebook survey ids name no survey export ingested ({values}): their rows apply to no "
              "answer - the survey id is the export's file name (surveys there: {surveys})",
        "fr": "{file} : {count} identifiants d'enquête du livre de codes ne désignent aucun export d'enquête ingéré "
              "({values}) : leurs lignes ne s'appliquent à aucune réponse - l'identifiant d'une enquête est le nom "
              "du fichier de son export (enquêtes présentes : {surveys})",
        "ar": "{file}: {count} من معرّفات الاستبيان في دليل الترميز لا تسمّي أي تصدير استبيان مُدخل ({values}): "
              "لا تنطبق صفوفها على أي إجابة - معرّف الاستبيان هو اسم ملف تصديره (الاستبيانات الموجودة: {surveys})"},
    "warning_no_surveys_yet": {"en": "none yet", "fr": "aucune pour l'instant", "ar": "لا شيء بعد"},
    # one per file x codebook question (survey_text_answers), whichever came first, the export or the codebook
    "warning_survey_text_question": {
        "en": "{file}: the answers to the codebook question {question} (column {column}) are text, not numbers: not "
              "stored, in no survey index - an export made with labels? Export the values and ingest that file",
        "fr": "{file} : les réponses à la question {question} du livre de codes (colonne {column}) sont du texte, pas "
              "des nombres : non stockées, absentes des indices d'enquête - un export avec les libellés ? Exportez "
              "les valeurs et ingérez ce fichier",
        "ar": "{file}: إجابات سؤال دليل الترميز {question} (العمود {column}) نصّ لا أرقام: لم تُخزَّن ولا تدخل في "
              "مؤشرات الاستبيان - تصدير بالتسميات؟ صدّروا القيم واستوعبوا ذلك الملف"},
})


# map levels (issue 21) ------------------------------------------------------------------------------------------
# the level of detail a map and series show (scn.privacy.levels.LEVELS) and why (REASONS), the rate per 10,000
# residents in the map's hover, and "no data at this level"
MAP_LEVELS: dict[str, dict[str, str]] = {
    "cell8_month": {"en": "small cells (0.7 km²) by month", "fr": "petites cellules (0,7 km²) par mois",
                    "ar": "خلايا صغيرة (0.7 كم²) حسب الشهر"},
    "cell7_month": {"en": "medium cells (5 km²) by month", "fr": "cellules moyennes (5 km²) par mois",
                    "ar": "خلايا متوسطة (5 كم²) حسب الشهر"},
    "cell6_month": {"en": "large cells (36 km²) by month", "fr": "grandes cellules (36 km²) par mois",
                    "ar": "خلايا كبيرة (36 كم²) حسب الشهر"},
    "area_month": {"en": "areas by month", "fr": "quartiers par mois", "ar": "الأحياء حسب الشهر"},
    "area_quarter": {"en": "areas by quarter", "fr": "quartiers par trimestre", "ar": "الأحياء حسب الربع"},
    "area_year": {"en": "areas by year", "fr": "quartiers par an", "ar": "الأحياء حسب السنة"},
    "city_month": {"en": "the whole city by month", "fr": "la ville entière par mois",
                   "ar": "المدينة بأكملها حسب الشهر"},
    "city_quarter": {"en": "the whole city by quarter", "fr": "la ville entière par trimestre",
                     "ar": "المدينة بأكملها حسب الربع"},
    "city_year": {"en": "the whole city by year", "fr": "la ville entière par an", "ar": "المدينة بأكملها حسب السنة"},
}
TEXT.update({f"level_{code}": words for code, words in MAP_LEVELS.items()})
TEXT.update({
    "map_level_full_detail": {
        "en": "Shown: {level}, every published count (staff view).",
        "fr": "Affiché : {level}, tous les chiffres publiés (vue du personnel).",
        "ar": "المعروض: {level}، كل الأعداد المنشورة (عرض الموظفين)."},
    "map_level_finest": {
        "en": "Shown: {level}, the finest level: every count can be shown.",
        "fr": "Affiché : {level}, le niveau le plus fin : chaque chiffre peut être montré.",
        "ar": "المعروض: {level}، أدق مستوى: يمكن عرض كل الأعداد."},
    "map_level_finer_hidden": {
        "en": "Shown: {level}. With {finer}, {share} of the counts would be hidden (fewer than {k}), so they are "
              "added up to {level}, the finest level at which every count can be shown.",
        "fr": "Affiché : {level}. Avec {finer}, {share} des chiffres seraient masqués (moins de {k}) : ils sont "
              "donc regroupés en {level}, le niveau le plus fin où chaque chiffre peut être montré.",
        "ar": "المعروض: {level}. مع {finer} ستُخفى {share} من الأعداد (أقل من {k})، لذا جُمعت إلى {level}، "
              "وهو أدق مستوى يمكن فيه عرض كل الأعداد."},
    "map_level_coarsest_hidden": {
        "en": "Shown: {level}. Even at this level some counts are fewer than {k}: they are shown as such.",
        "fr": "Affiché : {level}. Même à ce niveau, certains chiffres sont inférieurs à {k} : ils sont indiqués "
              "comme tels.",
        "ar": "المعروض: {level}. حتى في هذا المستوى بعض الأعداد أقل من {k}: وتُعرض على هذا النحو."},
    "map_level_no_data": {"en": "No data at this level.", "fr": "Pas de données à ce niveau.",
                          "ar": "لا توجد بيانات في هذا المستوى."},
    "series_some_hidden": {
        "en": "A period without a point had fewer than {k} in total, even for the whole city: too few to show.",
        "fr": "Une période sans point comptait moins de {k} au total, même pour toute la ville : trop peu pour "
              "être montrée.",
        "ar": "الفترة التي لا نقطة لها كان مجموعها أقل من {k} حتى للمدينة كلها: أقل من أن يُعرض."},
    "map_period": {"en": "Period", "fr": "Période", "ar": "الفترة"},
    "map_period_shown": {"en": "Period shown: {period}", "fr": "Période affichée : {period}",
                         "ar": "الفترة المعروضة: {period}"},
    "map_no_data": {"en": "No data at this level", "fr": "Pas de données à ce niveau",
                    "ar": "لا توجد بيانات في هذا المستوى"},
    "map_rate": {"en": " ({rate:.1f} per 10,000 residents)", "fr": " ({rate:.1f} pour 10 000 habitants)",
                 "ar": " ({rate:.1f} لكل 10,000 ساكن)"},
    "series_grain": {
        "en": "Both counts are drawn by {period}, the coarser of their two levels, so that they share one time axis.",
        "fr": "Les deux effectifs sont tracés par {period}, le plus grossier de leurs deux niveaux, afin de partager "
              "un même axe du temps.",
        "ar": "يُرسم العددان حسب الـ{period}، وهو الأعم بين مستويَيهما، ليشتركا في محور زمني واحد."},
    "series_partial": {
        "en": "The data cover only part of these {periods} (a total over fewer months is not a fall): {list}.",
        "fr": "Les données ne couvrent qu'une partie de ces {periods} (un total sur moins de mois n'est pas une "
              "baisse) : {list}.",
        "ar": "لا تغطي البيانات إلا جزءاً من هذه الـ{periods} (المجموع على أشهر أقل ليس انخفاضاً): {list}."},
    "series_partial_one": {"en": "{period} ({months} months)", "fr": "{period} ({months} mois)",
                           "ar": "{period} ({months} أشهر)"},
    "series_level": {
        "en": "totals over {level}, the level of detail shown for this city.",
        "fr": "totaux sur {level}, le niveau de détail montré pour cette ville.",
        "ar": "مجاميع على مستوى {level}، وهو مستوى التفصيل المعروض لهذه المدينة."},
    "series_blank": {
        "en": "No monthly series: this city's counts are too small to show month by month (fewer than {k}) and "
            "are not published at any level.",
        "fr": "Pas de série mensuelle : les chiffres de cette ville sont trop petits pour être montrés mois par "
              "mois (moins de {k}) et ne sont publiés à aucun niveau.",
        "ar": "لا توجد سلسلة شهرية: أعداد هذه المدينة صغيرة جداً لعرضها شهراً بشهر (أقل من {k}) ولا تُنشر "
              "في أي مستوى."},
})


def map_level(level: str, reason: str, finer: str | None, share: float, k: int, lang: str | None) -> str:
    """The sentence saying which level a map shows and why (``scn.privacy.levels``)."""
    words = t(f"level_{level}", lang) if has(f"level_{level}") else level
    finer_words = t(f"level_{finer}", lang) if finer and has(f"level_{finer}") else ""
    return t(f"map_level_{reason}", lang, level=words, finer=finer_words, share=f"{share:.0%}", k=k)


# why hidden counts are hidden (``scn.privacy.levels.SMALL``; ``detail.hidden_kind``): "" each hidden count is
# itself fewer than k; "_mixed" some may be k or more, hidden so that the small counts within cannot be worked
# out: one wording for both reasons, never which count is which; and a city with nothing published (not "too
# small")
TEXT.update({
    "map_level_coarsest_hidden_mixed": {
        "en": "Shown: {level}. Even at this level some counts are hidden: each is fewer than {k}, or is hidden so "
              "that smaller counts within it cannot be worked out from the figures shown.",
        "fr": "Affiché : {level}. Même à ce niveau, certains chiffres sont masqués : chacun est inférieur à {k}, ou "
              "est masqué pour que des chiffres plus petits qu'il contient ne puissent pas être déduits des "
              "chiffres affichés.",
        "ar": "المعروض: {level}. حتى في هذا المستوى بعض الأعداد مخفية: كل منها أقل من {k}، أو مخفي كي لا يمكن "
              "استنتاج أعداد أصغر يتضمنها من الأعداد المعروضة."},
    "series_some_hidden_mixed": {
        "en": "A period without a point had fewer than {k} in total, even for the whole city, or is hidden so that "
              "the small counts within it cannot be worked out from the figures shown.",
        "fr": "Une période sans point comptait moins de {k} au total, même pour toute la ville, ou est masquée pour "
              "que les petits chiffres qu'elle contient ne puissent pas être déduits des chiffres affichés.",
        "ar": "الفترة التي لا نقطة لها كان مجموعها أقل من {k} حتى للمدينة كلها، أو هي مخفية كي لا يمكن استنتاج "
              "الأعداد الصغيرة التي تتضمنها من الأعداد المعروضة."},
    "series_blank_mixed": {
        "en": "No series: even for the whole city by year, this city's totals are fewer than {k} or hidden so that "
              "the small counts within them cannot be worked out from the figures shown.",
        "fr": "Pas de série : même pour toute la ville par an, les totaux de cette ville sont inférieurs à {k} ou "
              "masqués pour que les petits chiffres qu'ils contiennent ne puissent pas être déduits des chiffres "
              "affichés.",
        "ar": "لا توجد سلسلة: حتى للمدينة كلها حسب السنة، مجاميع هذه المدينة أقل من {k} أو مخفية كي لا يمكن "
              "استنتاج الأعداد الصغيرة التي تتضمنها من الأعداد المعروضة."},
    "series_no_data": {"en": "No data yet for this city.", "fr": "Pas encore de données pour cette ville.",
                       "ar": "لا توجد بيانات بعد لهذه المدينة."},
    "map_all_hidden_small": {"en": "Too few to show: every count here is fewer than {k}",
                             "fr": "Trop peu pour être montré : chaque chiffre ici est inférieur à {k}",
                             "ar": "أقل من أن يُعرض: كل عدد هنا أقل من {k}"},
    "map_all_hidden_mixed": {"en": "Hidden: fewer than {k}, or so that the small counts within cannot be worked out",
                             "fr": "Masqué : moins de {k}, ou pour que les petits chiffres contenus ne puissent pas "
                                   "être déduits",
                             "ar": "مخفي: أقل من {k}، أو كي لا يمكن استنتاج الأعداد الصغيرة التي يتضمنها"},
})

TEXT.update({  # base map credit (dashboards/basemap.py)
    "public_domain": {"en": "public domain", "fr": "domaine public", "ar": "ملكية عامة"},
})

# prevalence beside counts (issue 21)
TEXT.update({
    "prev_flagged": {"en": "Flagged posts over the months published: {n}",
                     "fr": "Publications signalées sur les mois publiés : {n}",
                     "ar": "المنشورات المُعلَّمة خلال الأشهر المنشورة: {n}"},
    "prev_adjusted": {
        "en": "— about {share} of posts are hateful once the classifier's measured errors are corrected (95% "
              "interval {low} to {high}), measured on {n} reviewed posts of this city.",
        "fr": "— environ {share} des publications sont haineuses une fois corrigées les erreurs mesurées du "
              "classifieur (intervalle à 95 % de {low} à {high}), mesuré sur {n} publications relues de cette "
              "ville.",
        "ar": "— نحو {share} من المنشورات كراهية بعد تصحيح الأخطاء المقيسة للمصنّف (مجال 95% من {low} إلى "
              "{high})، مقيساً على {n} منشوراً مُراجَعاً من هذه المدينة."},
    "prev_adjusted_staff": {
        "en": "— about {share} of posts are hateful once the classifier's measured errors are corrected (95% "
              "interval {low} to {high}; about {adjusted} posts), measured on {n} reviewed posts of this city.",
        "fr": "— environ {share} des publications sont haineuses une fois corrigées les erreurs mesurées du "
              "classifieur (intervalle à 95 % de {low} à {high} ; environ {adjusted} publications), mesuré sur "
              "{n} publications relues de cette ville.",
        "ar": "— نحو {share} من المنشورات كراهية بعد تصحيح الأخطاء المقيسة للمصنّف (مجال 95% من {low} إلى "
              "{high}؛ نحو {adjusted} منشوراً)، مقيساً على {n} منشوراً مُراجَعاً من هذه المدينة."},
    "prev_per_platform": {
        "en": "Each platform's posts are corrected with the errors measured on its own reviewed posts ({parts}), "
              "so the correction follows the platforms' mix of the posts counted.",
        "fr": "Les publications de chaque plateforme sont corrigées avec les erreurs mesurées sur ses propres "
              "publications relues ({parts}) : la correction suit le mélange des plateformes des publications "
              "comptées.",
        "ar": "تُصحَّح منشورات كل منصة بالأخطاء المقيسة على منشوراتها المراجَعة ({parts})، فيتبع التصحيح مزيج "
              "المنصات في المنشورات المعدودة."},
    "prev_platform_n": {"en": "{platform}: {n} reviewed", "fr": "{platform} : {n} relues", "ar": "{platform}: {n} مراجَعاً"},
    "prev_adjusted_floor": {
        "en": "— no more than the classifier's false alarms measured on {n} reviewed posts of this city would "
              "give: once its errors are corrected, the share of hateful posts cannot be told from 0 (its upper "
              "bound is not estimable from these posts).",
        "fr": "— pas plus que les fausses alertes du classifieur mesurées sur {n} publications relues de cette "
              "ville n'en donneraient : une fois ses erreurs corrigées, la part de publications haineuses ne se "
              "distingue pas de 0 (sa borne haute n'est pas estimable à partir de ces publications).",
        "ar": "— ليست أكثر مما تعطيه الإنذارات الكاذبة للمصنّف المقيسة على {n} منشوراً مُراجَعاً من هذه المدينة: "
              "بعد تصحيح أخطائه لا يمكن تمييز نسبة منشورات الكراهية عن الصفر (ولا يمكن تقدير حدّها الأعلى من "
              "هذه المنشورات)."},
    "prev_not_measured": {
        "en": "The classifier's errors have not been measured on reviewed posts of this city yet, so no corrected "
              "share is shown.",
        "fr": "Les erreurs du classifieur n'ont pas encore été mesurées sur des publications relues de cette "
              "ville : aucune part corrigée n'est montrée.",
        "ar": "لم تُقَس أخطاء المصنّف بعد على منشورات مُراجَعة من هذه المدينة، لذا لا تُعرض نسبة مصحَّحة."},
    "prev_hidden": {
        "en": "The corrected share is not shown: it rests on fewer than {k} flagged posts.",
        "fr": "La part corrigée n'est pas montrée : elle repose sur moins de {k} publications signalées.",
        "ar": "لا تُعرض النسبة المصحَّحة: فهي تستند إلى أقل من {k} منشورات مُعلَّمة."},
    "risk_band_high": {"en": "very likely above the city's usual", "fr": "très probablement au-dessus de "
                       "l'habituel de la ville", "ar": "على الأرجح جداً أعلى من المعتاد في المدينة"},
    "risk_band_elevated": {"en": "probably above the city's usual", "fr": "probablement au-dessus de l'habituel "
                           "de la ville", "ar": "على الأرجح أعلى من المعتاد في المدينة"},
    "risk_band_typical": {"en": "not clearly above the city's usual", "fr": "pas nettement au-dessus de "
                          "l'habituel de la ville", "ar": "ليس أعلى بوضوح من المعتاد في المدينة"},
})
COLUMNS.update({"band": {"en": "compared with the city", "fr": "par rapport à la ville", "ar": "مقارنة بالمدينة"}})


def percent(value: object, lang: str | None) -> str:
    """A share (0.034) as a percentage in ``lang``'s format (3.4%); "?" when missing."""
    from babel.numbers import format_percent

    if _missing(value):
        return "?"
    return format_percent(float(value), format="#,##0.0%", locale=lang or "en")


def risk_bands(codes: object, lang: str | None) -> list[str]:
    """Risk bands (``geo.risk.BANDS``: high, elevated, typical) in words; an unknown band stays empty."""
    return [t(f"risk_band_{c}", lang) if has(f"risk_band_{c}") else "" for c in codes]


def risk_band_codes(risk: pd.DataFrame) -> np.ndarray:
    """Each area's band code (high / elevated / typical): the one geo.risk published in ``reasons``, else the
    ``score`` (the exceedance probability) cut at geo.risk's thresholds; None when neither is known."""
    from geo.risk import BANDS

    names = [b for _, b in BANDS]
    raw = risk["reasons"] if "reasons" in risk.columns else pd.Series(None, index=risk.index, dtype=object)
    published = np.array([(parse_json(r) or {}).get("band") for r in raw], dtype=object)
    score = pd.to_numeric(risk["score"], errors="coerce").to_numpy(dtype="float64") if "score" in risk.columns \
        else np.full(len(risk), np.nan)
    cut = np.where(np.isnan(score), None, np.select([score >= lo for lo, _ in BANDS], names, default="typical"))
    return np.where(np.isin(published, names), published, cut)

# a source the city never sent (geo.verdict.SOURCE_NOTES; the marts give null, not 0: docs/your-data.md)
TEXT.update({
    "insufficient_no_crime_data": {"en": "no crime records have been received from this city, so there is no "
                                   "hate-crime information",
                                   "fr": "aucun fait de délinquance n'a été reçu de cette ville : il n'y a donc "
                                   "aucune information sur les crimes de haine",
                                   "ar": "لم تُستلم أي سجلات جرائم من هذه المدينة، فلا تتوفر أي معلومات عن جرائم "
                                   "الكراهية"},
    "insufficient_no_social_data": {"en": "no social media posts have been received from this city",
                                    "fr": "aucune publication de réseaux sociaux n'a été reçue de cette ville",
                                    "ar": "لم تُستلم أي منشورات من وسائل التواصل الاجتماعي من هذه المدينة"},
    "prev_no_social": {"en": "No social media posts have been received from this city: there are no flagged posts "
                       "to count",
                       "fr": "Aucune publication de réseaux sociaux n'a été reçue de cette ville : il n'y a pas de "
                       "publications signalées à compter",
                       "ar": "لم تُستلم أي منشورات من وسائل التواصل الاجتماعي من هذه المدينة: لا توجد منشورات "
                       "مُعلَّمة لعدّها"},
})

# the classifier's held-out figures as the city and data-health pages state them (scn.nlp.accuracy)
TEXT.update({
    "accuracy_score": {"en": "{code} {f1} (95% CI {ci}, n = {n}; {baseline})",
                       "fr": "{code} {f1} (IC 95 % {ci}, n = {n} ; {baseline})",
                       "ar": "{code} {f1} (فترة 95% {ci}، العدد = {n}؛ {baseline})"},
    "accuracy_baseline": {"en": "baseline {base}: {verdict}", "fr": "référence {base} : {verdict}",
                          "ar": "المرجع {base}: {verdict}"},
    "accuracy_measured": {"en": "measured", "fr": "mesurée", "ar": "مقيسة"},
    "accuracy_too_few": {"en": "too few held-out posts to show a figure (n = {n}, fewer than {k})",
                         "fr": "trop peu de publications mises de côté pour donner un chiffre (n = {n}, moins de {k})",
                         "ar": "منشورات محجوزة أقل من أن يُعرض رقم (العدد = {n}، أقل من {k})"},
    "vs_baseline_beats": {"en": "the model beats it (paired 95% CI of the margin above 0)",
                          "fr": "le modèle la dépasse (IC 95 % apparié de l'écart au-dessus de 0)",
                          "ar": "النموذج يتفوق عليه (فترة 95% المزدوجة للفارق فوق 0)"},
    "vs_baseline_no_clear_difference": {
        "en": "the model is not shown to beat it (paired 95% CI of the margin spans 0)",
        "fr": "rien ne montre que le modèle la dépasse (IC 95 % apparié de l'écart englobe 0)",
        "ar": "لم يثبت أن النموذج يتفوق عليه (فترة 95% المزدوجة للفارق تشمل 0)"},
    "vs_baseline_worse": {"en": "the model does worse (paired 95% CI of the margin below 0)",
                          "fr": "le modèle fait moins bien (IC 95 % apparié de l'écart sous 0)",
                          "ar": "النموذج أسوأ منه (فترة 95% المزدوجة للفارق تحت 0)"},
    "vs_baseline_not_tested": {"en": "not compared with the baseline", "fr": "non comparée à la référence",
                               "ar": "لم تُقارن بالمرجع"},
    "vs_baseline_no_interval": {"en": "the margin has no interval, so the model is not shown to beat it",
                                "fr": "l'écart n'a pas d'intervalle : rien ne montre que le modèle la dépasse",
                                "ar": "لا فترة للفارق، فلم يثبت أن النموذج يتفوق عليه"},
    "accuracy_no_interval": {"en": "figure published without its 95% interval, not shown (n = {n})",
                             "fr": "chiffre publié sans son intervalle à 95 %, non affiché (n = {n})",
                             "ar": "رقم نُشر دون فترة 95%، فلا يُعرض (العدد = {n})"},
    "measured_share": {"en": "{share:.0%} of this city's posts are in a language and from a platform the classifier "
                             "was measured on; the others have no measured accuracy.",
                       "fr": "{share:.0%} des publications de cette ville sont dans une langue et d'une plateforme "
                             "sur lesquelles le classifieur a été mesuré ; les autres n'ont pas d'exactitude mesurée.",
                       "ar": "{share:.0%} من منشورات هذه المدينة بلغة ومن منصة قيس عليهما المصنّف؛ وليس لغيرها "
                             "دقة مقيسة."},
    "measured_share_all": {"en": "{share:.0%} of all posts are in a language and from a platform the classifier was "
                                 "measured on; the others have no measured accuracy.",
                           "fr": "{share:.0%} de l'ensemble des publications sont dans une langue et d'une "
                                 "plateforme sur lesquelles le classifieur a été mesuré ; les autres n'ont pas "
                                 "d'exactitude mesurée.",
                           "ar": "{share:.0%} من كل المنشورات بلغة ومن منصة قيس عليهما المصنّف؛ وليس لغيرها "
                                 "دقة مقيسة."},
})
COLUMNS.update({
    "vs_baseline": {"en": "model vs baseline", "fr": "modèle face à la référence", "ar": "النموذج مقابل المرجع"},
    "margin_ci_low": {"en": "margin 95% CI low", "fr": "écart IC 95 % bas", "ar": "الحد الأدنى للفارق (95%)"},
    "margin_ci_high": {"en": "margin 95% CI high", "fr": "écart IC 95 % haut", "ar": "الحد الأعلى للفارق (95%)"},
})
