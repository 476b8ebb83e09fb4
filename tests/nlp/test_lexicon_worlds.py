"""The lexicon method on everyday posts: innocent words, words inside longer words, demonyms, colours,
counter-speech, and the clear slurs and insults that must still be flagged (scn/nlp/lexicon.py, rules version 3).

Every sentence below was flagged by the rules before version 3 (except the ones that must stay flagged), through a
HurtLex lemma whose everyday sense dominates (HurtLex's automatic translation filed "gente", "polis", "bibi" as
derogatory words and "negro", "alman" as ethnic slurs).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scn.nlp.lexicon import load_lexicon
from scn.nlp.model import classify

EVERYDAY = [  # (lang, text): ordinary posts, each holding a word the old rules matched
    ("es", "Compré un vestido negro en el mercado"),  # colour filed as an ethnic slur
    ("es", "El semáforo está en amarillo"),
    ("es", "Mi abuela compró un coche rojo"),
    ("es", "Mi amiga y mi prima vienen mañana"),  # kinship / friend words under prostitution, disability
    ("es", "Mi perro es muy bueno"),  # animals
    ("es", "La vaca da leche"),
    ("es", "El gato duerme en el sofá todo el día"),
    ("es", "La gente del barrio organizó una fiesta"),  # generic noun under derogatory words
    ("sw", "Bibi yangu anaishi Mombasa"),  # my grandmother lives in Mombasa
    ("sw", "Afisa wa afya alitembelea shule leo"),  # the health officer visited the school today
    ("sw", "Hakuna shida, tutaonana kesho"),  # no problem, see you tomorrow
    ("sw", "Polisi walisaidia watoto kuvuka barabara"),  # police helped children cross the road
    ("sw", "Wenyeji wa mji walikaribisha wageni"),  # the town's residents welcomed the guests
    ("sw", "Mwalimu wetu ni msomi mzuri"),  # our teacher is a fine scholar
    ("tr", "Polis trafiği düzenledi"),
    ("tr", "Bu sorun yarın çözülecek"),
    ("tr", "Kara kedi yolumu kesti"),
    ("tr", "Öğretmen öğrencilere kitap dağıttı"),  # the teacher handed out books
    ("de", "Mein Hund ist sehr lieb"),
    ("de", "Der Polizist half den Kindern über die Straße"),
    ("de", "Der Müll wird am Montag abgeholt"),
    ("it", "Il mio cane è molto buono"),
    ("it", "Il poliziotto ha aiutato i bambini"),
    ("it", "Ho comprato un vestito nero"),
    ("it", "Bisogna buttare la spazzatura stasera"),
]

DEMONYMS = [  # a nationality, people or colour word alone is never hate (nor offensive)
    ("tr", "Alman arkadaşım bugün geldi"),  # my German friend came today
    ("tr", "Çingene müziği festivali bu hafta İzmir'de"),
    ("es", "Los gitanos de Granada celebran su cultura con flamenco"),
    ("es", "Mi vecino es negro y muy simpático"),
    ("it", "Il mio vicino nero cucina benissimo"),
]

COUNTER_SPEECH = [
    ("es", "Llamar 'sudaca' a la gente es racista"),  # flagged through "gente" before
    ("sw", "Kuwaita watu majina mabaya ni shida kubwa"),  # calling people bad names is a big problem
    ("tr", "Irkçılık bir sorun, herkese saygı gösterin"),  # racism is a problem, respect everyone
]

SUBSTRINGS = [  # lemmas inside longer words never match (Unicode word boundaries): guards, also true before
    ("es", "Los idiotismos del idioma son curiosos"),  # "idiota" inside a longer word
    ("es", "Bebimos un negroni en la terraza"),  # "negro"
    ("de", "Das Schloss ist idiotensicher"),  # "idiot"
    ("sw", "Wajingajinga ni neno refu"),  # "mjinga" not at a word start
    ("it", "Il cretinetti del paese ride"),  # "cretino"
]

CLEAR = [  # (lang, text, label): explicit insults and borrowed slurs still flag
    ("es", "Eres un idiota", "offensive"),
    ("es", "Pinche pendejo, vete a tu país", "offensive"),
    ("es", "Eres un imbécil", "offensive"),
    ("sw", "Wewe ni mjinga kabisa", "offensive"),
    ("sw", "Mpumbavu wewe, nyamaza", "offensive"),
    ("tr", "Aptal herif sus", "offensive"),
    ("tr", "Sen salak mısın", "offensive"),
    ("de", "Du Idiot, halt die Klappe", "offensive"),
    ("de", "Du dummer Wichser", "offensive"),
    ("it", "Sei un coglione", "offensive"),
    ("it", "Stai zitto, idiota", "offensive"),
    ("hr", "ovaj kurvin sin", "offensive"),
    ("es", "Fuera de aquí, nigger", "hate"),
    ("tr", "Defol git kraut", "hate"),
    ("sw", "Wewe ni jigaboo", "hate"),
]


def _labels(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return classify([t for _, t in rows], [lang for lang, _ in rows])


@pytest.mark.parametrize(("lang", "text"), EVERYDAY)
def test_everyday_words_are_not_flagged(lang: str, text: str) -> None:
    out = _labels([(lang, text)])
    assert out.loc[0, "method"] == "lexicon"
    assert out.loc[0, "label"] == "none", (text, load_lexicon().label(pd.Series([text]), pd.Series([lang])).loc[0, "term"])


@pytest.mark.parametrize(("lang", "text"), DEMONYMS)
def test_demonyms_and_colours_alone_are_never_hate(lang: str, text: str) -> None:
    out = _labels([(lang, text)])
    assert out.loc[0, "label"] == "none" and out.loc[0, "score_hate"] == 0.0 and out.loc[0, "target"] is None


@pytest.mark.parametrize(("lang", "text"), COUNTER_SPEECH)
def test_counter_speech_without_insult_words_is_not_flagged(lang: str, text: str) -> None:
    assert _labels([(lang, text)]).loc[0, "label"] == "none"


@pytest.mark.parametrize(("lang", "text"), SUBSTRINGS)
def test_lemmas_inside_longer_words_do_not_match(lang: str, text: str) -> None:
    assert _labels([(lang, text)]).loc[0, "label"] == "none"


def test_clear_insults_and_slurs_still_flag() -> None:
    out = _labels([(lang, t) for lang, t, _ in CLEAR])
    assert out["label"].tolist() == [label for *_, label in CLEAR]
    hate = out["label"].eq("hate")
    assert out.loc[hate, "target"].eq("origin").all() and out.loc[hate, "score_hate"].eq(1.0).all()
    assert out["method"].eq("lexicon").all() and out["assessed"].all()


def test_no_colour_or_people_word_of_the_shipped_lists_is_hate() -> None:
    """Hate comes only from slurs that stand untranslated in at least half of the lists, never from a word of the
    language's own vocabulary that the translation filed as a slur."""
    lex = load_lexicon()
    for lang, words in {"es": ["negro", "amarillo", "rojo", "gitano", "primo"], "tr": ["alman", "çingene", "zenci"],
                        "sq": ["zezak"], "it": ["nero", "negro"]}.items():
        for w in words:
            assert lex.terms[lang].get(w, (0, None))[0] < 2, (lang, w)
    hate = {t for terms in lex.terms.values() for t, (rank, _) in terms.items() if rank == 2}
    assert {"nigger", "nigga", "kraut", "jigaboo"} <= hate


def test_same_rules_on_a_batch_as_one_by_one() -> None:
    rows = EVERYDAY + DEMONYMS + [(lang, t) for lang, t, _ in CLEAR]
    batch = _labels(rows * 3)["label"].tolist()
    single = [_labels([r]).loc[0, "label"] for r in rows]
    assert batch == single * 3


def test_single_category_and_referent_entries_from_a_custom_folder(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    rows = ["id\tpos\tcategory\tstereotype\tlemma\tlevel",
            "ZZ1\tn\tcds\tno\tpeople\tconservative",  # one insult category only: a mistranslation, not used
            "ZZ2\tn\tcds\tno\tnitwit\tconservative", "ZZ2\tn\tddp\tyes\tnitwit\tconservative",  # two: offensive
            "ZZ3\tn\tan\tno\tdoggo\tconservative", "ZZ3\tn\tcds\tno\tdoggo\tconservative",
            "ZZ3\tn\tdmc\tyes\tdoggo\tconservative",  # an animal with two insult categories: not used
            "ZZ4\tn\tps\tyes\tyellow\tconservative",  # PS only, but a word of this list alone: not used
            "ZZ5\tn\tps\tyes\tblorg\tconservative"]
    (tmp_path / "hurtlex_zz.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "hurtlex_yy.tsv").write_text("\n".join([rows[0], "YY1\tn\tps\tyes\tblorg\tconservative"]) + "\n",
                                             encoding="utf-8")
    (tmp_path / "hurtlex_xx.tsv").write_text("\n".join([rows[0], "XX1\tn\tps\tyes\tblorg\tconservative"]) + "\n",
                                             encoding="utf-8")
    monkeypatch.setenv("SCN_LEXICONS", str(tmp_path))
    lex = load_lexicon()
    assert lex.terms["zz"] == {"nitwit": (1, None), "blorg": (2, "origin")}
    out = classify(["the people", "a nitwit", "my doggo", "yellow", "a blorg", "blorgs"], ["zz"] * 6)
    assert out["label"].tolist() == ["none", "offensive", "none", "none", "hate", "none"]
