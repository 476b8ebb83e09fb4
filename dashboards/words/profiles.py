"""Words of the hub's profiles pages (keys prefixed ``profiles_``), merged into dashboards.i18n.TEXT."""

TEXT: dict[str, dict[str, str]] = {
    "profiles_title": {"en": "City profiles", "fr": "Profils des villes", "ar": "ملفات المدن"},
    "profiles_count": {"en": "{n} member cities in the registry", "fr": "{n} villes membres dans le registre",
                       "ar": "{n} مدينة عضو في السجل"},
    "profiles_intro": {"en": "Every member city has a profile: search by name or country, or filter by theme, "
                             "region, country, programme line or language.",
                       "fr": "Chaque ville membre a un profil : cherchez par nom ou pays, ou filtrez par thème, "
                             "région, pays, volet du programme ou langue.",
                       "ar": "لكل مدينة عضو ملف: ابحث بالاسم أو البلد، أو صفِّ حسب الموضوع أو المنطقة أو البلد أو "
                             "محور البرنامج أو اللغة."},
    "profiles_search_title": {"en": "Search", "fr": "Recherche", "ar": "البحث"},
    "profiles_search": {"en": "Name or country", "fr": "Nom ou pays", "ar": "الاسم أو البلد"},
    "profiles_filter_theme": {"en": "Theme", "fr": "Thème", "ar": "الموضوع"},
    "profiles_filter_region": {"en": "Region", "fr": "Région", "ar": "المنطقة"},
    "profiles_filter_country": {"en": "Country", "fr": "Pays", "ar": "البلد"},
    "profiles_filter_line": {"en": "Programme line", "fr": "Volet du programme", "ar": "محور البرنامج"},
    "profiles_filter_language": {"en": "Language", "fr": "Langue", "ar": "اللغة"},
    "profiles_search_go": {"en": "Search", "fr": "Chercher", "ar": "ابحث"},
    "profiles_clear": {"en": "Clear the filters", "fr": "Effacer les filtres", "ar": "مسح عوامل التصفية"},
    "profiles_results": {"en": "Cities", "fr": "Villes", "ar": "المدن"},
    "profiles_found": {"en": "Cities found: {n}", "fr": "Villes trouvées : {n}", "ar": "المدن المطابقة: {n}"},
    "profiles_no_match": {"en": "No city matches these filters.", "fr": "Aucune ville ne correspond à ces filtres.",
                          "ar": "لا توجد مدينة تطابق عوامل التصفية هذه."},
    "profiles_back": {"en": "All city profiles", "fr": "Tous les profils de villes", "ar": "كل ملفات المدن"},
    "profiles_facts": {"en": "The city in the network", "fr": "La ville dans le réseau", "ar": "المدينة في الشبكة"},
    "profiles_region": {"en": "Region", "fr": "Région", "ar": "المنطقة"},
    "profiles_country": {"en": "Country", "fr": "Pays", "ar": "البلد"},
    "profiles_population": {"en": "Population", "fr": "Population", "ar": "عدد السكان"},
    "profiles_steering": {"en": "Member of the steering committee", "fr": "Membre du comité de pilotage",
                          "ar": "عضو في اللجنة التوجيهية"},
    "profiles_joined": {"en": "Joined the network", "fr": "Membre du réseau depuis", "ar": "سنة الانضمام إلى الشبكة"},
    "profiles_unknown": {"en": "unknown", "fr": "inconnu", "ar": "غير معروف"},
    "profiles_membership": {"en": "Membership", "fr": "Adhésion", "ar": "العضوية"},
    "profiles_member_current": {"en": "Current member", "fr": "Membre actuel", "ar": "عضو حالي"},
    "profiles_count_former": {"en": "and {n} former members, marked as such",
                              "fr": "et {n} anciens membres, signalés comme tels",
                              "ar": "و{n} من الأعضاء السابقين، مع الإشارة إلى ذلك"},
    "profiles_themes": {"en": "Themes", "fr": "Thèmes", "ar": "المواضيع"},
    "profiles_languages": {"en": "Languages of the country", "fr": "Langues du pays", "ar": "لغات البلد"},
    "profiles_programmes": {"en": "Programmes (years)", "fr": "Programmes (années)", "ar": "البرامج (السنوات)"},
    "profiles_survey": {"en": "Community surveys", "fr": "Enquêtes auprès de la population", "ar": "المسوح المجتمعية"},
    "profiles_no_survey": {"en": "no survey published", "fr": "aucune enquête publiée", "ar": "لم يُنشر أي مسح"},
    "profiles_posts": {"en": "Online speech monitoring", "fr": "Veille des discours en ligne",
                       "ar": "رصد الخطاب على الإنترنت"},
    "profiles_crimes": {"en": "Crime data", "fr": "Données sur la criminalité", "ar": "بيانات الجرائم"},
    "profiles_not_published": {"en": "not published", "fr": "non publiées", "ar": "غير منشورة"},
    "profiles_published_months": {"en": "published from {start} to {end}", "fr": "publiées de {start} à {end}",
                                  "ar": "منشورة من {start} إلى {end}"},
    "profiles_none": {"en": "none recorded", "fr": "aucun enregistré", "ar": "لا شيء مسجل"},
    "profiles_data_page": {"en": "Open the city's data page", "fr": "Ouvrir la page de données de la ville",
                           "ar": "افتح صفحة بيانات المدينة"},
    "profiles_text": {"en": "Profile", "fr": "Profil", "ar": "الملف"},
    "profiles_section_overview": {"en": "Overview", "fr": "Présentation", "ar": "نظرة عامة"},
    "profiles_section_challenges": {"en": "Challenges", "fr": "Défis", "ar": "التحديات"},
    "profiles_section_approaches": {"en": "Approaches", "fr": "Approches", "ar": "المقاربات"},
    "profiles_section_contacts": {"en": "Contacts", "fr": "Contacts", "ar": "جهات الاتصال"},
    "profiles_no_text": {"en": "No text yet.", "fr": "Pas encore de texte.", "ar": "لا يوجد نص بعد."},
    "profiles_contacts_network": {"en": "Contacts are shared with the city and the SCN team: ask the SCN team to "
                                        "put you in touch.",
                                  "fr": "Les contacts sont partagés avec la ville et l'équipe du SCN : demandez à "
                                        "l'équipe du SCN de vous mettre en relation.",
                                  "ar": "تُشارك جهات الاتصال مع المدينة وفريق الشبكة: اطلب من فريق الشبكة أن يضعك "
                                        "على تواصل."},
    "profiles_vis_public": {"en": "seen by every member", "fr": "visible par tous les membres",
                            "ar": "يراه كل الأعضاء"},
    "profiles_vis_network": {"en": "seen by the city and the SCN team only",
                             "fr": "visible par la ville et l'équipe du SCN seulement",
                             "ar": "تراه المدينة وفريق الشبكة فقط"},
    "profiles_history": {"en": "History (versions saved: {n})", "fr": "Historique (versions enregistrées : {n})",
                         "ar": "السجل (النسخ المحفوظة: {n})"},
    "profiles_no_history": {"en": "Nobody has written this profile yet.",
                            "fr": "Personne n'a encore rédigé ce profil.", "ar": "لم يكتب أحد هذا الملف بعد."},
    "profiles_version_by": {"en": "Version {version} by {user}, {when}", "fr": "Version {version} par {user}, {when}",
                            "ar": "النسخة {version} بواسطة {user}، {when}"},
    "profiles_version_at": {"en": "Version {version}, {when}", "fr": "Version {version}, {when}",
                            "ar": "النسخة {version}، {when}"},
    "profiles_edit": {"en": "Edit the profile", "fr": "Modifier le profil", "ar": "تعديل الملف"},
    "profiles_visibility": {"en": "Who sees it", "fr": "Qui le voit", "ar": "من يراه"},
    "profiles_save": {"en": "Save a new version", "fr": "Enregistrer une nouvelle version",
                      "ar": "حفظ نسخة جديدة"},
    "profiles_conflict_title": {"en": "Not saved: the profile changed meanwhile",
                                "fr": "Non enregistré : le profil a changé entre-temps",
                                "ar": "لم يُحفظ: تغيّر الملف في أثناء ذلك"},
    "profiles_conflict": {"en": "Someone saved version {current} of this profile while you were editing version "
                                "{base}. Your text has not been saved, so that their changes are not lost: it is "
                                "kept below. Compare it with the text saved now, then save again.",
                          "fr": "Quelqu'un a enregistré la version {current} de ce profil pendant que vous modifiiez "
                                "la version {base}. Votre texte n'a pas été enregistré, pour que ses modifications "
                                "ne soient pas perdues : il est conservé ci-dessous. Comparez-le au texte "
                                "enregistré maintenant, puis enregistrez à nouveau.",
                          "ar": "حفظ شخص آخر النسخة {current} من هذا الملف بينما كنت تعدّل النسخة {base}. لم يُحفظ "
                                "نصك حتى لا تضيع تعديلاته، وهو محفوظ أدناه. قارنه بالنص المحفوظ الآن ثم احفظ "
                                "مرة أخرى."},
    "profiles_conflict_theirs": {"en": "The text saved now (version {current})",
                                 "fr": "Le texte enregistré maintenant (version {current})",
                                 "ar": "النص المحفوظ الآن (النسخة {current})"},
    "profiles_conflict_yours": {"en": "Your text (not saved)", "fr": "Votre texte (non enregistré)",
                                "ar": "نصك (غير محفوظ)"},
    "profiles_conflict_save": {"en": "Save my text as a new version", "fr": "Enregistrer mon texte comme nouvelle "
                               "version", "ar": "حفظ نصي كنسخة جديدة"},
    "profiles_conflict_back": {"en": "Back to the profile without saving", "fr": "Revenir au profil sans "
                               "enregistrer", "ar": "العودة إلى الملف دون حفظ"},
    # themes of the registry that are not programme lines (the others are worded as the lines are)
    "profiles_theme_hate_speech_mapping": {"en": "Mapping hate speech", "fr": "Cartographie des discours de haine",
                                           "ar": "رصد خطاب الكراهية على الخريطة"},
    "profiles_theme_public_private_partnership": {"en": "Public–private partnership",
                                                  "fr": "Partenariat public-privé",
                                                  "ar": "الشراكة بين القطاعين العام والخاص"},
    # the city page's prevalence line (dashboards/components/city.py:prevalence_line): rates measured on reviewed
    # posts but too few hateful or other ones to correct with (scn.review.prevalence.MIN_CLASS)
    "prev_not_corrected": {
        "en": "The classifier's errors could not be corrected for this city: its reviewed posts hold too few "
              "hateful posts or too few other posts (at least {k} of each are needed in every language), so no "
              "corrected share is shown.",
        "fr": "Les erreurs du classifieur n'ont pas pu être corrigées pour cette ville : ses publications relues "
              "comptent trop peu de publications haineuses ou trop peu d'autres publications (il en faut au moins "
              "{k} de chaque sorte dans chaque langue) : aucune part corrigée n'est montrée.",
        "ar": "تعذّر تصحيح أخطاء المصنّف لهذه المدينة: منشوراتها المُراجَعة تضم عدداً قليلاً جداً من منشورات "
              "الكراهية أو من المنشورات الأخرى (يلزم {k} على الأقل من كلٍّ منها في كل لغة)، لذا لا تُعرض نسبة "
              "مصحَّحة."},
    # the same line when some of the city's posts were corrected with no rates (adjusted_counts'
    # city_uncorrected_posts: no usable rates measured on posts of their language and platform or reviewed)
    "prev_uncorrected_posts": {
        "en": "Of its {posts} posts, {uncorrected} could not be corrected with error rates measured on posts of "
              "their language and platform.",
        "fr": "Sur ses {posts} publications, {uncorrected} n'ont pas pu être corrigées avec des taux d'erreur "
              "mesurés sur des publications de leur langue et de leur plateforme.",
        "ar": "من منشوراتها البالغة {posts}، تعذّر تصحيح {uncorrected} بمعدلات أخطاء مقيسة على منشورات بلغتها "
              "ومنصتها."},
    # codes of the analysis tables rendered on the city and data-health pages (not profiles_ keys): the risk reason
    # geo.risk gives when an area's survey resilience is below the rest of its city by a test at 5%, and the F1
    # scores of the review loop shown without an interval (scn.review.metrics: too few reviewed posts for one)
    "reason_resilience_below_city": {
        "en": "survey resilience below the rest of the city's areas (beyond the surveys' margins of error)",
        "fr": "résilience dans l'enquête inférieure au reste des secteurs de la ville (au-delà des marges d'erreur "
              "des enquêtes)",
        "ar": "صمود في المسح أدنى من بقية مناطق المدينة (بما يتجاوز هوامش الخطأ في المسوح)"},
    "review_no_interval": {"en": "no interval: too few reviewed posts", "fr": "pas d'intervalle : trop peu de "
                           "publications relues", "ar": "لا فترة ثقة: عدد قليل جداً من المنشورات المُراجَعة"},
    "review_no_interval_too_few_reviewed": {"en": "no interval: fewer than {k} reviewed posts",
                                            "fr": "pas d'intervalle : moins de {k} publications relues",
                                            "ar": "لا فترة ثقة: أقل من {k} منشوراً مُراجَعاً"},
    "review_no_interval_too_few_positives": {"en": "no interval: fewer than {k} reviewed hateful posts",
                                             "fr": "pas d'intervalle : moins de {k} publications haineuses relues",
                                             "ar": "لا فترة ثقة: أقل من {k} منشورات كراهية مُراجَعة"},
    "review_no_interval_too_few_per_class": {"en": "no interval: fewer than {k} reviewed posts of some label",
                                             "fr": "pas d'intervalle : moins de {k} publications relues pour une "
                                                   "des étiquettes",
                                             "ar": "لا فترة ثقة: أقل من {k} منشورات مُراجَعة لأحد التصنيفات"},
    "review_no_interval_class_not_reviewed": {"en": "no interval: a label never occurs among reviewed posts",
                                              "fr": "pas d'intervalle : une étiquette n'apparaît dans aucune "
                                                    "publication relue",
                                              "ar": "لا فترة ثقة: أحد التصنيفات لا يظهر في أي منشور مُراجَع"},
}
