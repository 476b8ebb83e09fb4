"""Posts that NAME a group (religion, origin, nationality, refugees ...): the labeller does not take a group's name
alone as evidence of hate, and keeps the flags of hateful posts naming the same groups. Also: hyphenated compounds
are one word for the cue words ("grand-mère" holds no "mère"), and closed-class words ("her", "these") and group
names ("jew", "juif") are no cue words.

The world below was written by hand before the model was run on it, not chosen to match it: neutral posts (news,
events, greetings, sport, community notices, religion named respectfully), every one ``none``; hateful controls
naming the same groups (generalisations, expulsion calls, conspiracy, threats, contempt), every one hate or
offensive. Flagged before -> after this change (``classify(texts, [lang] * n, lexicon=False)``): neutral en 5/40 ->
0/40, fr 23/40 -> 2/40, ar 4/40 -> 1/40; hateful en 12/20 -> 12/20, fr 17/20 -> 17/20, ar 9/20 -> 9/20 (the model
misses the others with or without the rule)."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from scn.nlp import rules
from scn.nlp.model import classify, load_default
from scn.nlp.rules import EvidenceRules
from scn.nlp.targets import contains, latin_words

NEUTRAL_MENTIONS: dict[str, list[str]] = {
    "en": [
        "The Muslim community of Leeds holds an open day at the mosque this Saturday, everyone welcome",
        "Syrian refugees open a bakery on Station Road, the bread is amazing",
        "Happy Hanukkah to our Jewish neighbours!",
        "Eid Mubarak to all Muslims celebrating today 🌙",
        "Merry Christmas to all the Christians in our parish",
        "The council's new report counts 3,000 refugees resettled in the city since 2016",
        "Interfaith walk: Jews, Christians and Muslims will walk together from the synagogue to the cathedral",
        "African food festival in the park on Sunday, music from 2pm",
        "The Somali community centre is looking for volunteers to teach English",
        "Our football team has players from Afghanistan, Syria and Eritrea, and we won the league!",
        "The Mexican restaurant on Elm Street is doing free tacos for kids today",
        "Exhibition on the history of Jewish life in Manchester opens at the museum",
        "Ramadan timetable for Muslims in the city is now available at the library",
        "Black History Month events start next week at the town hall",
        "Migrants from Ukraine and Syria shared their stories at the school assembly",
        "Welcome dinner for newly arrived refugees at St Mary's church, bring a dish",
        "The Hindu temple is celebrating Diwali with fireworks on Friday evening",
        "Arab film festival: tickets for the opening night are on sale",
        "Immigrant entrepreneurs won three of the five awards at the business fair",
        "Local Muslim doctors ran a free health check in the market square",
        "Black women in science: panel at the university on Thursday",
        "Pakistani cricket fans celebrated in the streets after the match",
        "The Jewish museum is free on the first Sunday of the month",
        "Christians and Muslims together cleaned the riverbank this morning",
        "News: the government will resettle 500 more Afghan refugees this year",
        "The mosque and the church are collecting winter coats for homeless people",
        "Congratulations to the Syrian family who opened the new pharmacy",
        "Roma musicians are playing at the summer festival tonight",
        "Muslim students organised an iftar open to the whole campus",
        "The Africans in our choir taught us a song in Swahili, beautiful",
        "Refugee Week: a photo exhibition at the central library",
        "The Arab community association is offering free Arabic lessons for children",
        "Our neighbours are Muslims from Bosnia, they invited us for coffee",
        "Jewish and Muslim leaders signed a joint statement against violence",
        "Story time in Polish, Arabic and Somali at the library this Saturday",
        "Mexicans in the city celebrate Independence Day with a parade on 16 September",
        "Migrant workers' rights: information session at the union office",
        "Good luck to the refugee team at the regional athletics championship!",
        "The new imam and the rabbi visited the primary school together",
        "Immigrants make up a quarter of the city's nurses, says the hospital report",
    ],
    "fr": [
        "La communauté musulmane de Lyon organise une journée portes ouvertes à la mosquée samedi",
        "Les réfugiés syriens ouvrent une boulangerie rue de la République",
        "Bonne fête de Hanoukka à nos voisins juifs !",
        "Aïd Moubarak à tous les musulmans 🌙",
        "Joyeux Noël à tous les chrétiens de la paroisse",
        "Selon la préfecture, 2 000 réfugiés ont été accueillis dans la métropole depuis 2016",
        "Marche interreligieuse : juifs, chrétiens et musulmans marcheront ensemble dimanche",
        "Festival des cuisines africaines au parc de la Tête d'Or ce week-end",
        "L'association des Maliens de Montreuil cherche des bénévoles pour l'aide aux devoirs",
        "Notre équipe de foot a des joueurs afghans, syriens et érythréens, et on a gagné le championnat !",
        "Exposition sur l'histoire des juifs d'Alsace au musée à partir de mardi",
        "Les horaires du ramadan pour les musulmans de la ville sont disponibles en mairie",
        "Le Mois de l'histoire des Noirs commence la semaine prochaine à la médiathèque",
        "Des migrants ukrainiens et syriens ont raconté leur parcours aux élèves du collège",
        "Repas d'accueil pour les réfugiés nouvellement arrivés à la salle paroissiale",
        "Festival du film arabe : les billets pour la soirée d'ouverture sont en vente",
        "Des entrepreneurs immigrés ont remporté trois prix au salon des entreprises",
        "Des médecins musulmans ont proposé un dépistage gratuit sur la place du marché",
        "La communauté africaine de Marseille fête ses 30 ans avec un concert",
        "Le musée d'art et d'histoire du judaïsme est gratuit le premier dimanche du mois",
        "Chrétiens et musulmans ont nettoyé ensemble les berges de la Saône ce matin",
        "Le gouvernement va accueillir 500 réfugiés afghans supplémentaires cette année",
        "La mosquée et l'église collectent des manteaux pour les sans-abri",
        "Félicitations à la famille syrienne qui a ouvert la nouvelle pharmacie du quartier",
        "Des musiciens roms jouent ce soir à la fête de la musique",
        "Les étudiants musulmans organisent un iftar ouvert à tout le campus",
        "Les Africains de notre chorale nous ont appris un chant en wolof, magnifique",
        "Semaine des réfugiés : exposition photo à la bibliothèque centrale",
        "L'association culturelle arabe propose des cours d'arabe gratuits pour les enfants",
        "Nos voisins sont des musulmans de Bosnie, ils nous ont invités à prendre le thé",
        "Des responsables juifs et musulmans ont signé une déclaration commune contre la violence",
        "Les Maghrébins de Roubaix célèbrent l'Aïd au parc avec un grand pique-nique",
        "Réunion d'information sur les droits des travailleurs migrants à la bourse du travail",
        "Bonne chance à l'équipe des réfugiés au championnat régional d'athlétisme !",
        "Le nouvel imam et le rabbin ont visité l'école primaire ensemble",
        "Les immigrés représentent un quart des infirmiers de la ville, selon le rapport de l'hôpital",
        "Concert de gospel à la cathédrale avec une chorale de chrétiens d'Afrique de l'Ouest",
        "Les Arabes chrétiens de la ville célèbrent Pâques avec une messe en arabe",
        "Journée portes ouvertes à la synagogue pour les Journées du patrimoine",
        "Les juifs de Strasbourg et les musulmans du quartier ont partagé un repas de rupture du jeûne",
    ],
    "ar": [
        "الجالية المسلمة في ليون تنظم يوما مفتوحا في المسجد يوم السبت والجميع مرحب بهم",
        "لاجئون سوريون يفتتحون مخبزا جديدا في شارع الجمهورية",
        "عيد مبارك لكل المسلمين وكل عام وانتم بخير 🌙",
        "ميلاد مجيد لكل المسيحيين في مدينتنا",
        "بحسب تقرير البلدية تم استقبال ثلاثة الاف لاجئ في المدينة منذ 2016",
        "مسيرة مشتركة للمسلمين والمسيحيين من الكنيسة الى الجامع يوم الاحد",
        "مهرجان الطعام الافريقي في الحديقة العامة يوم الجمعة",
        "جمعية الجالية الصومالية تبحث عن متطوعين لتعليم الاطفال",
        "فريقنا لكرة القدم فيه لاعبون سوريون وفلسطينيون ولبنانيون وفزنا بالبطولة",
        "معرض عن تاريخ اليهود في المغرب يفتتح في المتحف الاسبوع القادم",
        "مواعيد الافطار والامساك للمسلمين في رمضان متوفرة في البلدية",
        "مهاجرون من السودان وسوريا يروون قصصهم لطلاب المدرسة",
        "عشاء ترحيبي باللاجئين الجدد في قاعة الكنيسة",
        "مهرجان الفيلم العربي: التذاكر متوفرة لحفل الافتتاح",
        "اطباء مسلمون يقدمون فحوصات مجانية في ساحة السوق",
        "المسيحيون والمسلمون نظفوا ضفة النهر معا صباح اليوم",
        "الحكومة ستستقبل خمسمئة لاجئ افغاني اضافي هذا العام",
        "المسجد والكنيسة يجمعان معاطف الشتاء للمشردين",
        "مبروك للعائلة السورية التي افتتحت الصيدلية الجديدة في الحي",
        "الطلاب المسلمون ينظمون افطارا مفتوحا لكل طلاب الجامعة",
        "الافارقة في الكورال علمونا اغنية جميلة بالسواحلية",
        "اسبوع اللاجئين: معرض صور في المكتبة المركزية",
        "جمعية الجالية العربية تقدم دروسا مجانية في اللغة العربية للاطفال",
        "جيراننا مسلمون من البوسنة ودعونا لشرب القهوة",
        "قادة مسلمون ويهود وقعوا بيانا مشتركا ضد العنف",
        "حظ سعيد لفريق اللاجئين في بطولة العاب القوى",
        "الامام الجديد والقس زارا المدرسة الابتدائية معا",
        "المهاجرون يشكلون ربع الممرضين في المدينة بحسب تقرير المستشفى",
        "النازحون في المخيم يحتاجون بطانيات، يمكنكم التبرع في مركز الحي",
        "تهنئة للاخوة الشيعة بمناسبة ذكرى المولد",
        "الفلسطينيون في المدينة يحتفلون بيوم التراث بمعرض للتطريز",
        "كل عام وانتم بخير لجيراننا المسيحيين بمناسبة عيد الفصح",
        "الاجانب المقيمون يمكنهم التسجيل في دروس اللغة مجانا",
        "ندوة عن تاريخ المسلمين في الاندلس في الجامعة يوم الخميس",
        "اللاجئون السوريون في الحي نظموا سوقا خيريا لدعم المدرسة",
        "الكنيسة القبطية تدعو الجميع الى حفل الميلاد",
        "مسابقة رمضانية لحفظ القران للاطفال المسلمين في المركز الاسلامي",
        "مهاجر سوداني يفوز بجائزة افضل طباخ في المدينة",
        "الجالية اليهودية في تونس تحتفل بموسم الغريبة في جربة",
        "شباب مسلمون ومسيحيون يتطوعون معا لتوزيع الطعام في رمضان",
    ],
}

HATEFUL_MENTIONS: dict[str, list[str]] = {
    "en": [
        "Muslims are all terrorists, every single one of them",
        "Send the refugees back, we don't want them here",
        "Jews control the banks and the media, wake up",
        "Africans are lazy and stupid, always have been",
        "Deport every illegal immigrant, they are criminals",
        "Syrians are ruining this city, get them out",
        "Mexicans are rapists and drug dealers",
        "Black people are criminals, every one of them",
        "Christians are brainwashed idiots",
        "Arabs should go back to the desert where they belong",
        "Migrants are invading our country and stealing our jobs",
        "I hate Muslims, they should all be banned",
        "Burn down the mosque and the Muslims with it",
        "Somalis are a disease on this country",
        "Roma are thieves, lock your doors",
        "Refugees are scum, kick them out",
        "Kill all the Jews",
        "Immigrants are filthy parasites",
        "Pakistanis are all rapists, every last one",
        "No more Afghans, close the borders before they kill us all",
    ],
    "fr": [
        "Les musulmans sont tous des terroristes",
        "Renvoyez les réfugiés chez eux, on n'en veut pas ici",
        "Les juifs contrôlent les banques et les médias, réveillez-vous",
        "Les Africains sont des fainéants et des idiots",
        "Il faut expulser tous les immigrés, ce sont des délinquants",
        "Les Syriens détruisent notre ville, dehors",
        "Les Arabes c'est tous des voleurs",
        "Les Noirs sont tous des criminels",
        "Les chrétiens sont des abrutis",
        "Les migrants envahissent notre pays et volent nos emplois",
        "Je déteste les musulmans, qu'ils dégagent tous",
        "Brûlez la mosquée avec les musulmans dedans",
        "Les Roms sont des voleurs, fermez vos portes",
        "Les réfugiés sont des racailles, virez-les",
        "Mort aux juifs",
        "Les immigrés sont de sales parasites",
        "Les Maghrébins sont tous des dealers",
        "Plus un seul Afghan, fermez les frontières avant qu'ils nous tuent",
        "Les musulmans dehors, on en a marre de ces gens",
        "Ces migrants sont une honte, qu'ils retournent dans leur pays de merde",
    ],
    "ar": [
        "المسلمين كلهم ارهابيين",
        "رجعوا اللاجئين لبلادهم ما بدنا ياهم هون",
        "اليهود يسيطرون على البنوك والاعلام",
        "الافارقة كسالى واغبياء",
        "يجب طرد كل المهاجرين فهم مجرمون",
        "السوريين خربوا البلد، اطردوهم",
        "المسيحيين كفار انجاس",
        "الشيعة خونة وعملاء ويجب قتلهم",
        "الفلسطينيين باعوا ارضهم وهم خونه",
        "اللاجئين حثالة المجتمع",
        "اكره اليهود الله يلعنهم",
        "احرقوا الكنيسة ومن فيها من المسيحيين",
        "الاجانب لصوص وسرقوا شغلنا",
        "النازحين وسخين وجابوا الامراض",
        "الموت لليهود",
        "السوريين كلهم شحاذين وحرامية",
        "الروافض انجاس ولازم يطردوا",
        "المهاجرين الافارقة مجرمين ومغتصبين",
        "المسلمين متخلفين وارهابيين",
        "اللاجئين السوريين عالة على البلد لازم يرحلوا",
    ],
}


# the bound of the other everyday worlds (tests/nlp/test_neutral_texts.py): 10 % flagged, the model's best held-out
# false-flag rate on texts its annotators call ``none`` (Davidson, 8.3 %), rounded up
MAX_FLAGGED = 0.10


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_neutral_mentions_of_groups_are_rarely_flagged(lang: str) -> None:
    """At most 10 % of 40 neutral posts naming a group flagged (before: en 5, fr 23, ar 4 of 40)."""
    texts = NEUTRAL_MENTIONS[lang]
    assert len(texts) >= 40
    out = classify(texts, [lang] * len(texts), lexicon=False)
    flagged = out.loc[out["label"] != "none", "label"]
    assert len(flagged) / len(texts) <= MAX_FLAGGED, {texts[i]: label for i, label in flagged.items()}


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_hateful_posts_naming_the_same_groups_keep_their_flags(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every hateful control the labeller flags when a group's name counts as evidence (no ``HOSTILE`` list) is
    still flagged, with the same label, when it does not; and most controls are flagged at all."""
    texts = HATEFUL_MENTIONS[lang]
    shipped = classify(texts, [lang] * len(texts), lexicon=False)["label"].to_numpy()
    monkeypatch.setattr(rules, "HOSTILE", {})
    before = classify(texts, [lang] * len(texts), lexicon=False)["label"].to_numpy()
    kept = before != "none"
    assert (shipped[kept] == before[kept]).all(), dict(zip(np.array(texts)[kept], shipped[kept], strict=True))
    assert (shipped != "none").sum() >= len(texts) * 0.4


def _weak(texts: list[str], lang: str, cues: list[str] | None = None) -> list[str]:
    """Labels after the rules alone when the model says ``offensive`` with P(none) 0.6 (above every ``NONE_MIN``):
    kept only where the rules find evidence."""
    proba = np.tile([0.1, 0.3, 0.6], (len(texts), 1))
    return EvidenceRules(lang, cues or []).apply(texts, np.full(len(texts), "offensive", dtype=object),
                                                 proba).tolist()


@pytest.mark.parametrize(("lang", "neutral", "hostile"), [
    ("en", ["Eid Mubarak to our Muslim neighbours", "Refugee Week starts at the library",
            "The Jewish museum is free on Sundays"],
     ["Deport the refugees", "Muslims are terrorists", "I hate Jews", "Send those migrants back home",
      "those wetbacks again", "African immigrants are criminals, every one of them"]),
    ("fr", ["Bonne fête de l'Aïd à nos voisins musulmans", "Les réfugiés syriens ouvrent une boulangerie",
            "Exposition sur l'histoire des juifs d'Alsace"],
     ["Les juifs contrôlent les médias", "Les réfugiés dehors", "Mort aux juifs", "Les Arabes c'est tous des voleurs",
      "encore ces bougnoules"]),
    ("ar", ["عيد مبارك لجيراننا المسلمين", "لاجئون سوريون يفتتحون مخبزا", "معرض عن تاريخ اليهود في المغرب"],
     ["اطردوا اللاجئين", "المسلمين ارهابيين", "اكره اليهود", "السوريين كلهم لصوص", "الروافض في الحي"]),
])
def test_a_group_name_alone_is_no_evidence(lang: str, neutral: list[str], hostile: list[str]) -> None:
    """The rules alone: a weak flag on a text that names a group and nothing hostile is cleared like one on a text
    naming none; a slur or a word of hostility (removal, violence, hatred, stereotype, conspiracy, generalisation)
    keeps it. (Before: every text naming a group kept the model's flag.)"""
    assert _weak(neutral, lang) == ["none"] * len(neutral)
    assert _weak(hostile, lang) == ["offensive"] * len(hostile)


def test_hostility_words_match_inside_unicode_text() -> None:
    """``contains`` on texts with non-ASCII letters: a pattern with ``\\w*`` before more of it ("contrôl\\w* les")
    matched nothing there (its RE2 pre-filter dropped ``\\w*``, so "contrôl les" never matched "contrôlent les")."""
    texts = pd.Series(["les juifs contrôlent les médias", "ils contrôlent les banques", "contrôle technique"])
    assert contains(texts, latin_words(r"contrôl\w* les")).tolist() == [True, True, False]


@pytest.mark.parametrize(("lang", "cues", "compound", "plain"), [
    ("fr", ["mère"], ["Merci aux urgences, ils ont été au top avec ma grand-mère cette nuit",
                      "Ma belle-mère arrive demain"], ["nique ta mère"]),
    ("fr", ["casse"], ["On a repeint le casse-croûte du coin"], ["casse-toi de là", "ça casse les pieds"]),
    ("en", ["hip", "fat", "motherfucker"], ["My mother-in-law loves the hip-hop class", "fat-free yoghurt on offer"],
     ["shut up you mother-fucker", "you fat pig"]),
])
def test_hyphenated_compounds_are_one_word_for_cue_words(lang: str, cues: list[str], compound: list[str],
                                                          plain: list[str]) -> None:
    """A cue word only inside a hyphenated compound is no cue word ("mère" of "grand-mère" kept "Merci ... ma
    grand-mère" offensive); the same word on its own, a compound that is a cue word unhyphenated
    ("mother-fucker") and a French verb-pronoun form ("casse-toi") still are."""
    assert _weak(compound, lang, cues) == ["none"] * len(compound)
    assert _weak(plain, lang, cues) == ["offensive"] * len(plain)


def test_closed_class_words_and_group_names_are_no_cue_words() -> None:
    """English closed-class words (scikit-learn's stop words less their open-class entries) and group names leave
    the cue words, also in a model pickled before (the shipped artefact's English cues held "her", "she",
    "these", "nobody", "yourself", "jew"; French "juif"); slurs and content words stay."""
    made = EvidenceRules("en", ["her", "these", "bitch", "jew", "kikes", "thick"])
    assert sorted(made.cues.vocabulary) == ["bitch", "kikes", "thick"]
    assert made.closed == ("her", "these")
    assert _weak(["I love her", "these cookies are great"], "en", ["her", "these"]) == ["none", "none"]
    old = EvidenceRules.__new__(EvidenceRules)  # as pickled before: the full cue words, no ``closed``
    old.__dict__.update(lang="en", cues=rules._cue_vectorizer("en", ["bitch", "her", "jew", "she"]))
    assert sorted(pickle.loads(pickle.dumps(old)).cues.vocabulary) == ["bitch"]
    model = load_default().models
    english = set(model["en"].rules.cues.vocabulary)
    assert english and not english & {"her", "she", "these", "nobody", "yourself", "jew"}
    assert {"bitch", "nigger", "thick"} <= english
    assert "juif" not in model["fr"].rules.cues.vocabulary and "mère" in model["fr"].rules.cues.vocabulary


CLOSED_CLASS_EN = [  # everyday English posts holding the closed-class words that were cue words
    "Happy birthday to my mum, she is the best", "Proud of my daughter, she passed her exams today",
    "These cookies from the new bakery are amazing", "Nobody told me the library was closed on Monday",
    "Treat yourself to a coffee at the market this weekend", "My sister got her first job, so happy for her",
    "These roadworks are taking forever", "She scored twice in the final, what a player",
    "Take care of yourself in this heat and drink water", "Nobody at the bus stop knew when the next one comes",
    "Called my grandma, she sends her love to everyone", "These are the best days of the summer",
    "Our teacher retired today, we will miss her", "Ask yourself what you can do for your neighbourhood",
    "These kids cleaned the whole park, well done", "She opened a small shop on the corner, go and see her"]


def test_english_posts_with_closed_class_words_are_rarely_flagged() -> None:
    """Everyday English posts with "her", "she", "these", "nobody", "yourself": at most 10 % flagged (before the
    closed-class words left the cue words: 6 of 16, e.g. "Proud of my daughter, she passed her exams today")."""
    out = classify(CLOSED_CLASS_EN, ["en"] * len(CLOSED_CLASS_EN), lexicon=False)
    flagged = out.loc[out["label"] != "none", "label"]
    assert len(flagged) / len(CLOSED_CLASS_EN) <= MAX_FLAGGED, {CLOSED_CLASS_EN[i]: lab for i, lab in flagged.items()}


EVERYDAY_VERBS_EN = [  # everyday English posts opening with a verb of speech, request, thought or feeling
    "Ask yourself what you can do for your neighbourhood", "Ask the librarian about the new opening hours",
    "Tell your mum happy birthday from all of us", "Don't worry, the pool reopens on Monday",
    "Trust me, the soup at the market is worth the queue", "Text me when you get to the station",
    "I expect the match to be close on Saturday", "We laughed all evening at the comedy night",
    "Tell me which bus goes to the hospital", "Ask your teacher about the summer reading club",
    "We argue every year about who makes the best cake", "Worry less, walk more: new park trail opens"]


def test_everyday_verbs_of_speech_and_thought_are_no_cue_words() -> None:
    """Verbs of speech, request, thought and feeling ("ask", "tell", "text", "trust", "worry", "expect", "laugh",
    "argue") passed the cue criterion because Davidson's offensive tweets are conversation ("ask your ...", "tell
    that ..."); everyday posts open with them as much. They are no cue words (before: "Ask yourself what you can do
    for your neighbourhood" hate, "Text me when you get to the station" and "Tell me which bus goes to the
    hospital" offensive: 3 of 12; after: 1 of 12, "Tell me which bus ...", which the model flags without "tell"
    too); insults, slurs and verbs of violence stay cue words."""
    made = EvidenceRules("en", ["ask", "tell", "text", "trust", "worry", "bitch", "slap", "punch"])
    assert sorted(made.cues.vocabulary) == ["bitch", "punch", "slap"]
    assert not set(load_default().models["en"].rules.cues.vocabulary) & {"ask", "tell", "text", "trust", "worry"}
    out = classify(EVERYDAY_VERBS_EN, ["en"] * len(EVERYDAY_VERBS_EN), lexicon=False)
    flagged = out.loc[out["label"] != "none", "label"]
    assert len(flagged) / len(EVERYDAY_VERBS_EN) <= MAX_FLAGGED, {EVERYDAY_VERBS_EN[i]: lab
                                                                  for i, lab in flagged.items()}


@pytest.mark.parametrize(("cues", "inversion", "imperative"), [
    (["disent", "sait"], ["« On ne lâche rien », disent-ils devant la mairie", "Que sait-elle de la nouvelle école ?",
                          "Sait-on quand la route sera réparée ?", "Qui sait-il ?", "Que disent-elles du marché ?"],
     ["ils disent n'importe quoi", "on sait"]),
    (["va", "casse"], ["La piscine va-t-elle rouvrir en juin ?", "Le tram va-t-il passer ?", "Où va-t-on manger ?"],
     ["casse-toi", "va-t'en", "casse-les", "casse-leur les pieds"]),
])
def test_french_subject_inversion_is_one_word(cues: list[str], inversion: list[str], imperative: list[str]) -> None:
    """A French verb with an inverted subject pronoun ("disent-ils", "sait-elle", "va-t-il": a question or a
    reported speech) is one word for the cue words, like other hyphenated compounds; the imperative with an object
    pronoun ("casse-toi", "casse-les") is still cut at the hyphen (before: both cut, so "disent" of "disent-ils"
    kept "« On ne lâche rien », disent-ils" offensive)."""
    assert _weak(inversion, "fr", cues) == ["none"] * len(inversion)
    assert _weak(imperative, "fr", cues) == ["offensive"] * len(imperative)
