"""Words of the hub's staff pages (keys prefixed ``staff_``), merged into dashboards.i18n.TEXT: the navigation
(also the links to the city profiles and the library), the upload page and its report, the quarantine rows of a
file, user management, the one-time password page and the audit log."""

TEXT: dict[str, dict[str, str]] = {
    # navigation
    "staff_nav_profiles": {"en": "City profiles", "fr": "Profils des villes", "ar": "ملفات المدن"},
    "staff_nav_library": {"en": "Library", "fr": "Bibliothèque", "ar": "المكتبة"},
    "staff_nav_upload": {"en": "Upload", "fr": "Téléverser", "ar": "رفع ملف"},
    "staff_nav_users": {"en": "Users", "fr": "Utilisateurs", "ar": "المستخدمون"},
    "staff_nav_audit": {"en": "Audit log", "fr": "Journal des modifications", "ar": "سجل التغييرات"},
    # kinds of file (scn.settings.KINDS)
    "staff_kind_social": {"en": "Social media posts", "fr": "Publications des réseaux sociaux",
                          "ar": "منشورات وسائل التواصل الاجتماعي"},
    "staff_kind_survey": {"en": "Survey answers or codebook", "fr": "Réponses d'enquête ou dictionnaire des codes",
                          "ar": "إجابات استطلاع أو دليل الرموز"},
    "staff_kind_programme": {"en": "Programme records", "fr": "Registres du programme", "ar": "سجلات البرنامج"},
    "staff_kind_crime": {"en": "Police records of crimes", "fr": "Faits enregistrés par la police",
                         "ar": "سجلات الشرطة للجرائم"},
    "staff_kind_boundaries": {"en": "Area boundaries", "fr": "Limites des quartiers", "ar": "حدود الأحياء"},
    "staff_kind_cities": {"en": "City registry", "fr": "Registre des villes", "ar": "سجل المدن"},
    "staff_kind_area-attributes": {"en": "Area figures (population, income…)",
                                   "fr": "Chiffres par quartier (population, revenu…)",
                                   "ar": "أرقام الأحياء (السكان، الدخل…)"},
    "staff_kind_crime-counts": {"en": "Crime counts by area", "fr": "Nombres de faits par quartier",
                                "ar": "أعداد الجرائم حسب الحي"},
    # roles
    "staff_role_staff": {"en": "Staff", "fr": "Équipe du réseau", "ar": "فريق الشبكة"},
    "staff_role_official": {"en": "City official", "fr": "Responsable municipal", "ar": "مسؤول المدينة"},
    "staff_role_reviewer": {"en": "Reviewer", "fr": "Relecteur", "ar": "مراجع"},
    # upload page
    "staff_upload_title": {"en": "Upload a file", "fr": "Téléverser un fichier", "ar": "رفع ملف"},
    "staff_upload_intro": {
        "en": "The file is checked and loaded exactly as on the command line: the original is archived, rows that "
              "fail a check are set aside with the reason, and rows already loaded are counted as duplicates, "
              "never added twice.",
        "fr": "Le fichier est vérifié et chargé exactement comme en ligne de commande : l'original est archivé, "
              "les lignes qui échouent à un contrôle sont mises à l'écart avec la raison, et les lignes déjà "
              "chargées sont comptées comme doublons, jamais ajoutées deux fois.",
        "ar": "يُفحص الملف ويُحمَّل تمامًا كما في سطر الأوامر: يُحفظ الأصل في الأرشيف، وتُعزل الصفوف التي لا تجتاز "
              "الفحص مع السبب، وتُحسب الصفوف المحمّلة سابقًا مكررة ولا تُضاف مرتين."},
    "staff_upload_kind": {"en": "Kind of file", "fr": "Type de fichier", "ar": "نوع الملف"},
    "staff_upload_city": {"en": "City", "fr": "Ville", "ar": "المدينة"},
    "staff_upload_no_city": {"en": "No city (the file names its cities)", "fr": "Aucune ville (le fichier nomme "
                             "ses villes)", "ar": "بلا مدينة (الملف يذكر مدنه)"},
    "staff_upload_city_note": {
        "en": "A city is needed for posts, survey answers, police records, boundaries, area figures and crime "
              "counts; not for programme records, the city registry or a survey codebook.",
        "fr": "Une ville est nécessaire pour les publications, les réponses d'enquête, les faits enregistrés par la "
              "police, les limites, les chiffres et les nombres de faits par quartier ; pas pour les registres du "
              "programme, le registre des villes ni un dictionnaire des codes.",
        "ar": "تلزم مدينة للمنشورات وإجابات الاستطلاع وسجلات الشرطة والحدود وأرقام الأحياء وأعداد الجرائم، ولا تلزم "
              "لسجلات البرنامج ولا لسجل المدن ولا لدليل رموز الاستطلاع."},
    "staff_upload_file": {"en": "File (one or several)", "fr": "Fichier (un ou plusieurs)",
                          "ar": "الملف (واحد أو أكثر)"},
    "staff_upload_limit": {"en": "At most {mb} MB per upload.", "fr": "{mb} Mo au plus par envoi.",
                           "ar": "{mb} ميغابايت على الأكثر في كل رفع."},
    "staff_upload_options": {"en": "Only for some kinds of file", "fr": "Seulement pour certains types de fichier",
                             "ar": "لبعض أنواع الملفات فقط"},
    "staff_upload_value_columns": {"en": "Area figures: columns holding values (separated by commas; empty: every "
                                         "numeric column)",
                                   "fr": "Chiffres par quartier : colonnes des valeurs (séparées par des virgules ; "
                                         "vide : toutes les colonnes numériques)",
                                   "ar": "أرقام الأحياء: الأعمدة التي تحمل القيم (مفصولة بفواصل؛ فارغ: كل الأعمدة "
                                         "الرقمية)"},
    "staff_upload_category": {"en": "Crime counts: the crime category of a file without one",
                              "fr": "Nombres de faits : la catégorie d'un fichier qui n'en a pas",
                              "ar": "أعداد الجرائم: فئة الجريمة لملف لا يذكرها"},
    "staff_upload_hate": {"en": "Crime counts: every count in the file is hate crime",
                          "fr": "Nombres de faits : tous les nombres du fichier sont des crimes de haine",
                          "ar": "أعداد الجرائم: كل الأعداد في الملف جرائم كراهية"},
    "staff_upload_submit": {"en": "Upload and check", "fr": "Téléverser et vérifier", "ar": "ارفع وافحص"},
    "staff_upload_report": {"en": "Report", "fr": "Rapport", "ar": "التقرير"},
    "staff_upload_file_line": {"en": "File {name}: {kind}, {city}", "fr": "Fichier {name} : {kind}, {city}",
                               "ar": "الملف {name}: {kind}، {city}"},
    "staff_upload_rows_read": {"en": "Rows read", "fr": "Lignes lues", "ar": "الصفوف المقروءة"},
    "staff_upload_accepted": {"en": "Accepted", "fr": "Acceptées", "ar": "المقبولة"},
    "staff_upload_quarantined": {"en": "Set aside (quarantined)", "fr": "Mises à l'écart (quarantaine)",
                                 "ar": "المعزولة"},
    "staff_upload_duplicates": {"en": "Duplicates (already loaded, not added)",
                                "fr": "Doublons (déjà chargées, non ajoutées)",
                                "ar": "المكررة (محمّلة سابقًا ولم تُضف)"},
    "staff_upload_warnings": {"en": "Warnings", "fr": "Avertissements", "ar": "التنبيهات"},
    "staff_upload_no_warnings": {"en": "No warnings.", "fr": "Aucun avertissement.", "ar": "لا تنبيهات."},
    "staff_upload_reasons": {"en": "Reasons (first rows set aside)", "fr": "Raisons (premières lignes mises à "
                             "l'écart)", "ar": "الأسباب (أول الصفوف المعزولة)"},
    "staff_upload_reason_line": {"en": "Row {row}, field {field}: {reason}",
                                 "fr": "Ligne {row}, champ {field} : {reason}",
                                 "ar": "الصف {row}، الحقل {field}: {reason}"},
    "staff_upload_failed": {"en": "The file could not be used:", "fr": "Le fichier n'a pas pu être utilisé :",
                            "ar": "تعذّر استخدام الملف:"},
    "staff_upload_quarantine_link": {"en": "See the rows of this file that were set aside",
                                     "fr": "Voir les lignes de ce fichier mises à l'écart",
                                     "ar": "عرض الصفوف المعزولة من هذا الملف"},
    "staff_upload_too_large": {"en": "The upload is larger than {mb} MB: use the command line for such files.",
                               "fr": "L'envoi dépasse {mb} Mo : utilisez la ligne de commande pour de tels "
                                     "fichiers.",
                               "ar": "الرفع أكبر من {mb} ميغابايت: استخدم سطر الأوامر لمثل هذه الملفات."},
    "staff_upload_no_file": {"en": "Choose a file first.", "fr": "Choisissez d'abord un fichier.",
                             "ar": "اختر ملفًا أولًا."},
    "staff_upload_gone": {"en": "This report is no longer available.", "fr": "Ce rapport n'est plus disponible.",
                          "ar": "هذا التقرير لم يعد متاحًا."},
    "staff_upload_again": {"en": "Upload another file", "fr": "Téléverser un autre fichier",
                           "ar": "رفع ملف آخر"},
    # quarantine rows of a file
    "staff_quarantine_title": {"en": "Rows set aside", "fr": "Lignes mises à l'écart", "ar": "الصفوف المعزولة"},
    "staff_quarantine_intro": {
        "en": "Each row of the file that failed a check: its number in the file, the field and the reason. The "
              "rows' contents are not shown.",
        "fr": "Chaque ligne du fichier qui a échoué à un contrôle : son numéro dans le fichier, le champ et la "
              "raison. Le contenu des lignes n'est pas affiché.",
        "ar": "كل صف من الملف لم يجتز الفحص: رقمه في الملف والحقل والسبب. لا يُعرض محتوى الصفوف."},
    "staff_quarantine_none": {"en": "No row of this file was set aside.",
                              "fr": "Aucune ligne de ce fichier n'a été mise à l'écart.",
                              "ar": "لم يُعزل أي صف من هذا الملف."},
    "staff_quarantine_count": {"en": "{n} rows set aside.", "fr": "{n} lignes mises à l'écart.",
                               "ar": "عدد الصفوف المعزولة: {n}."},
    "staff_quarantine_files": {"en": "Files with rows set aside", "fr": "Fichiers dont des lignes ont été mises à "
                               "l'écart", "ar": "ملفات عُزلت بعض صفوفها"},
    "staff_quarantine_files_intro": {
        "en": "Each file whose last ingestion set rows aside, newest first (at most 500). Open one to see its rows.",
        "fr": "Chaque fichier dont la dernière ingestion a mis des lignes à l'écart, du plus récent au plus ancien "
              "(500 au plus). Ouvrez-en un pour voir ses lignes.",
        "ar": "كل ملف عزل إدخاله الأخير بعض الصفوف، الأحدث أولًا (500 على الأكثر). افتح ملفًا لترى صفوفه."},
    "staff_quarantine_no_files": {"en": "No file has rows set aside.",
                                  "fr": "Aucun fichier n'a de lignes mises à l'écart.",
                                  "ar": "لا يوجد ملف عُزلت بعض صفوفه."},
    "staff_col_kind": {"en": "Kind", "fr": "Type", "ar": "النوع"},
    "staff_col_rows": {"en": "Rows set aside", "fr": "Lignes mises à l'écart", "ar": "الصفوف المعزولة"},
    "staff_col_when": {"en": "Ingested (UTC)", "fr": "Ingéré (UTC)", "ar": "أُدخل (UTC)"},
    "staff_quarantine_download": {"en": "Download as CSV", "fr": "Télécharger en CSV", "ar": "تنزيل بصيغة CSV"},
    "staff_col_file": {"en": "File", "fr": "Fichier", "ar": "الملف"},
    "staff_col_row": {"en": "Row", "fr": "Ligne", "ar": "الصف"},
    "staff_col_field": {"en": "Field", "fr": "Champ", "ar": "الحقل"},
    "staff_col_reason": {"en": "Reason", "fr": "Raison", "ar": "السبب"},
    # users
    "staff_users_title": {"en": "Users", "fr": "Utilisateurs", "ar": "المستخدمون"},
    "staff_users_name": {"en": "User name", "fr": "Nom d'utilisateur", "ar": "اسم المستخدم"},
    "staff_users_role": {"en": "Role", "fr": "Rôle", "ar": "الدور"},
    "staff_users_city": {"en": "City", "fr": "Ville", "ar": "المدينة"},
    "staff_users_no_city": {"en": "— (every city)", "fr": "— (toutes les villes)", "ar": "— (كل المدن)"},
    "staff_users_status": {"en": "Password", "fr": "Mot de passe", "ar": "كلمة المرور"},
    "staff_users_pending": {"en": "not set yet", "fr": "pas encore choisi", "ar": "لم تُعيَّن بعد"},
    "staff_users_active": {"en": "set", "fr": "choisi", "ar": "معيَّنة"},
    "staff_users_actions": {"en": "Change", "fr": "Modifier", "ar": "تعديل"},
    "staff_users_save": {"en": "Save role and city", "fr": "Enregistrer rôle et ville",
                         "ar": "حفظ الدور والمدينة"},
    "staff_users_remove": {"en": "Remove", "fr": "Supprimer", "ar": "حذف"},
    "staff_users_reset": {"en": "Make a one-time password link", "fr": "Créer un lien de mot de passe à usage "
                          "unique", "ar": "إنشاء رابط كلمة مرور لمرة واحدة"},
    "staff_users_add": {"en": "Add a user", "fr": "Ajouter un utilisateur", "ar": "إضافة مستخدم"},
    "staff_users_password": {"en": "Password (optional: leave empty to send a one-time link)",
                             "fr": "Mot de passe (facultatif : laissez vide pour envoyer un lien à usage unique)",
                             "ar": "كلمة المرور (اختيارية: اتركها فارغة لإرسال رابط لمرة واحدة)"},
    "staff_users_add_submit": {"en": "Add", "fr": "Ajouter", "ar": "إضافة"},
    "staff_users_rules": {
        "en": "A user name is 2 to 32 characters among lowercase letters, digits, dot, dash and underscore. "
              "Officials and reviewers need a city; staff see every city.",
        "fr": "Un nom d'utilisateur compte de 2 à 32 caractères parmi les minuscules, chiffres, point, tiret et "
              "tiret bas. Les responsables municipaux et les relecteurs ont une ville ; l'équipe du réseau voit "
              "toutes les villes.",
        "ar": "يتكون اسم المستخدم من 2 إلى 32 حرفًا من الحروف اللاتينية الصغيرة والأرقام والنقطة والشرطة والشرطة "
              "السفلية. يحتاج مسؤول المدينة والمراجع إلى مدينة؛ ويرى فريق الشبكة كل المدن."},
    "staff_users_link": {"en": "One-time link for {user} (works once, for {hours} hours; a newer link replaces "
                               "it). Send it to them:",
                         "fr": "Lien à usage unique pour {user} (valable une fois, pendant {hours} heures ; un "
                               "lien plus récent le remplace). Envoyez-le :",
                         "ar": "رابط لمرة واحدة للمستخدم {user} (يعمل مرة واحدة خلال {hours} ساعة؛ ويحل محله "
                               "أي رابط أحدث). أرسله إليه:"},
    "staff_users_done_add": {"en": "User {user} added.", "fr": "Utilisateur {user} ajouté.",
                             "ar": "أُضيف المستخدم {user}."},
    "staff_users_done_change": {"en": "User {user} changed.", "fr": "Utilisateur {user} modifié.",
                                "ar": "عُدّل المستخدم {user}."},
    "staff_users_done_remove": {"en": "User {user} removed; their sessions have ended.",
                                "fr": "Utilisateur {user} supprimé ; ses sessions sont terminées.",
                                "ar": "حُذف المستخدم {user} وانتهت جلساته."},
    "staff_users_done_reset_link": {"en": "New one-time link for {user}.",
                                    "fr": "Nouveau lien à usage unique pour {user}.",
                                    "ar": "رابط جديد لمرة واحدة للمستخدم {user}."},
    # problems (scn.access.users.UserError codes, and the pages' own)
    "staff_error_name": {"en": "That user name cannot be used (2 to 32 characters among a-z, 0-9, dot, dash, "
                               "underscore).",
                         "fr": "Ce nom d'utilisateur ne convient pas (2 à 32 caractères parmi a-z, 0-9, point, "
                               "tiret, tiret bas).",
                         "ar": "لا يمكن استخدام اسم المستخدم هذا (من 2 إلى 32 حرفًا لاتينيًا صغيرًا أو رقمًا أو "
                               "نقطة أو شرطة)."},
    "staff_error_role": {"en": "Choose a role.", "fr": "Choisissez un rôle.", "ar": "اختر دورًا."},
    "staff_error_city_needed": {"en": "Officials and reviewers need a city.",
                                "fr": "Les responsables municipaux et les relecteurs ont besoin d'une ville.",
                                "ar": "يحتاج مسؤول المدينة والمراجع إلى مدينة."},
    "staff_error_city_not_allowed": {"en": "Staff see every city: leave the city empty.",
                                     "fr": "L'équipe du réseau voit toutes les villes : laissez la ville vide.",
                                     "ar": "يرى فريق الشبكة كل المدن: اترك المدينة فارغة."},
    "staff_error_city_unknown": {"en": "That city is not in the registry.",
                                 "fr": "Cette ville n'est pas dans le registre.",
                                 "ar": "هذه المدينة ليست في السجل."},
    "staff_error_exists": {"en": "A user of that name already exists.",
                           "fr": "Un utilisateur de ce nom existe déjà.", "ar": "يوجد مستخدم بهذا الاسم."},
    "staff_error_no_user": {"en": "There is no such user.", "fr": "Cet utilisateur n'existe pas.",
                            "ar": "لا يوجد مستخدم بهذا الاسم."},
    "staff_error_password_short": {"en": "A password needs at least {n} characters.",
                                   "fr": "Un mot de passe compte au moins {n} caractères.",
                                   "ar": "تحتاج كلمة المرور إلى {n} أحرف على الأقل."},
    "staff_error_password_control": {"en": "A password cannot hold tabs or line breaks.",
                                     "fr": "Un mot de passe ne peut contenir ni tabulation ni saut de ligne.",
                                     "ar": "لا يمكن أن تحتوي كلمة المرور على مسافات جدولة أو فواصل أسطر."},
    "staff_error_password_long": {"en": "A password can have at most {n} characters.",
                                  "fr": "Un mot de passe compte au plus {n} caractères.",
                                  "ar": "لا يمكن أن تتجاوز كلمة المرور {n} حرفًا."},
    "staff_error_password_blank": {"en": "A password needs at least four different characters, not only spaces.",
                                   "fr": "Un mot de passe compte au moins quatre caractères différents, pas "
                                         "seulement des espaces.",
                                   "ar": "تحتاج كلمة المرور إلى أربعة أحرف مختلفة على الأقل، لا مسافات فقط."},
    "staff_error_last_staff": {"en": "This is the last staff user: keep at least one.",
                               "fr": "C'est le dernier membre de l'équipe du réseau : gardez-en au moins un.",
                               "ar": "هذا آخر مستخدم من فريق الشبكة: أبقِ واحدًا على الأقل."},
    "staff_error_self": {"en": "You cannot remove yourself.", "fr": "Vous ne pouvez pas vous supprimer vous-même.",
                         "ar": "لا يمكنك حذف نفسك."},
    "staff_error_mismatch": {"en": "The two passwords differ.", "fr": "Les deux mots de passe diffèrent.",
                             "ar": "كلمتا المرور مختلفتان."},
    "staff_error_invalid": {"en": "That change could not be made.", "fr": "Cette modification n'a pas pu être "
                            "faite.", "ar": "تعذّر إجراء هذا التغيير."},
    # one-time password page
    "staff_reset_title": {"en": "Choose your password", "fr": "Choisissez votre mot de passe",
                          "ar": "اختر كلمة المرور"},
    "staff_reset_for": {"en": "New password for {user}.", "fr": "Nouveau mot de passe pour {user}.",
                        "ar": "كلمة مرور جديدة للمستخدم {user}."},
    "staff_reset_password": {"en": "New password (at least {n} characters)",
                             "fr": "Nouveau mot de passe (au moins {n} caractères)",
                             "ar": "كلمة المرور الجديدة ({n} أحرف على الأقل)"},
    "staff_reset_confirm": {"en": "The same password again", "fr": "Le même mot de passe, à nouveau",
                            "ar": "كلمة المرور نفسها مرة أخرى"},
    "staff_reset_submit": {"en": "Set my password", "fr": "Enregistrer mon mot de passe",
                           "ar": "احفظ كلمة المرور"},
    "staff_reset_note": {"en": "Once it is set, every earlier session of this account ends; then sign in.",
                         "fr": "Une fois enregistré, toutes les sessions antérieures de ce compte prennent fin ; "
                               "connectez-vous ensuite.",
                         "ar": "بعد حفظها تنتهي كل الجلسات السابقة لهذا الحساب، ثم سجّل الدخول."},
    "staff_reset_refused": {"en": "This link cannot be used: it was used already, has expired or was replaced by a "
                                  "newer one. Ask the network team for a new link.",
                            "fr": "Ce lien ne peut pas être utilisé : il a déjà servi, a expiré ou a été remplacé "
                                  "par un lien plus récent. Demandez un nouveau lien à l'équipe du réseau.",
                            "ar": "لا يمكن استخدام هذا الرابط: استُخدم من قبل أو انتهت صلاحيته أو حل محله رابط "
                                  "أحدث. اطلب رابطًا جديدًا من فريق الشبكة."},
    "staff_reset_throttled": {"en": "Too many attempts from this address. Try again in {minutes} minutes.",
                              "fr": "Trop de tentatives depuis cette adresse. Réessayez dans {minutes} minutes.",
                              "ar": "محاولات كثيرة جدًا من هذا العنوان. حاول مجددًا بعد {minutes} دقيقة."},
    # audit log
    "staff_audit_title": {"en": "Audit log: who changed what", "fr": "Journal : qui a modifié quoi",
                          "ar": "السجل: من غيّر ماذا"},
    "staff_audit_actor": {"en": "Who", "fr": "Qui", "ar": "مَن"},
    "staff_audit_action": {"en": "Change", "fr": "Modification", "ar": "التغيير"},
    "staff_audit_target": {"en": "What", "fr": "Quoi", "ar": "ماذا"},
    "staff_audit_at": {"en": "When (UTC)", "fr": "Quand (UTC)", "ar": "متى (UTC)"},
    "staff_audit_city": {"en": "City", "fr": "Ville", "ar": "المدينة"},
    "staff_audit_detail": {"en": "Details", "fr": "Détails", "ar": "التفاصيل"},
    "staff_audit_filter": {"en": "Filter", "fr": "Filtrer", "ar": "تصفية"},
    "staff_audit_any": {"en": "any", "fr": "tous", "ar": "الكل"},
    "staff_audit_none": {"en": "No change recorded.", "fr": "Aucune modification enregistrée.",
                         "ar": "لا تغييرات مسجلة."},
    "staff_audit_shown": {"en": "Newest first; at most {n} shown.", "fr": "Les plus récentes d'abord ; {n} au plus.",
                          "ar": "الأحدث أولًا؛ {n} على الأكثر."},
    "staff_action_user.add": {"en": "user added", "fr": "utilisateur ajouté", "ar": "إضافة مستخدم"},
    "staff_action_user.change": {"en": "role or city changed", "fr": "rôle ou ville modifié",
                                 "ar": "تغيير الدور أو المدينة"},
    "staff_action_user.remove": {"en": "user removed", "fr": "utilisateur supprimé", "ar": "حذف مستخدم"},
    "staff_action_user.reset_link": {"en": "one-time password link made", "fr": "lien de mot de passe créé",
                                     "ar": "إنشاء رابط كلمة مرور"},
    "staff_action_user.password_set": {"en": "password set through a link", "fr": "mot de passe choisi par lien",
                                       "ar": "تعيين كلمة مرور عبر رابط"},
    "staff_action_ingest.upload": {"en": "file uploaded", "fr": "fichier téléversé", "ar": "رفع ملف"},
}
