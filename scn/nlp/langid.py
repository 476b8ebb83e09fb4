"""Language identification for short social texts (ISO 639-1), offline.

Texts are read in their normal form first (``scn.nlp.normal.normal_texts``: NFKC, no invisible characters, white
space folded), as the labeller reads them. Scripts decide where they are unambiguous (Bengali -> bn, Hangul -> ko,
...). Arabic script is weighed (``arabic_script``): Arabic evidence (the article ``al-``, Arabic function words, taa
marbuta) against the letters and function words of Persian, Urdu, Pashto and Sorani Kurdish; a text with more of
theirs than of Arabic's gets their code, never ``ar``. Latin and Cyrillic texts go to py3langid (model bundled in
the wheel): the most likely of the languages of the network's cities (so that short texts are not labelled with
rare languages), unless another language is clearly more likely (``OTHER_LANGUAGE_ODDS``: Haitian Creole is not
French) or the evidence for the list's best is weak (``WEAK``): then ``und`` (undetermined, not assessed).
Texts without letters (emoji, links, numbers only) get ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import pandas as pd

from scn.nlp.normal import normal_texts

# script -> (regex of its letters, language when the script alone decides it, or None)
SCRIPTS: dict[str, tuple[str, str | None]] = {
    "latin": (r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF\uFF21-\uFF3A\uFF41-\uFF5A]", None),
    "arabic": (r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]", "ar"),
    "cyrillic": (r"[\u0400-\u04FF]", None),
    "bengali": (r"[\u0980-\u09FF]", "bn"),
    "devanagari": (r"[\u0900-\u097F]", "hi"),
    "gurmukhi": (r"[\u0A00-\u0A7F]", "pa"),
    "gujarati": (r"[\u0A80-\u0AFF]", "gu"),
    "tamil": (r"[\u0B80-\u0BFF]", "ta"),
    "sinhala": (r"[\u0D80-\u0DFF]", "si"),
    "thai": (r"[\u0E00-\u0E7F]", "th"),
    "myanmar": (r"[\u1000-\u109F]", "my"),
    "georgian": (r"[\u10A0-\u10FF]", "ka"),
    "ethiopic": (r"[\u1200-\u137F]", "am"),
    "khmer": (r"[\u1780-\u17FF]", "km"),
    "greek": (r"[\u0370-\u03FF]", "el"),
    "armenian": (r"[\u0530-\u058F]", "hy"),
    "hebrew": (r"[\u0590-\u05FF]", "he"),
    "kana": (r"[\u3040-\u30FF]", "ja"),
    "hangul": (r"[\uAC00-\uD7AF\u1100-\u11FF]", "ko"),
    "han": (r"[\u4E00-\u9FFF]", "zh"),
}
UNDETERMINED = "und"
# Arabic script: per language, its own letters and frequent function words (whole words; written with either
# form of kaf and yeh, Persian and Urdu keyboards differ, except where the Arabic spelling is an Arabic word:
# اين "where", ولي, اما, كرد "Kurds", Egyptian دي / ده "this"). Letters shared by Persian, Urdu, Pashto and Kurdish
# (پ چ ژ گ ک ی) count for Persian in texts without a letter of Urdu's, Pashto's or Kurdish's own.
_W = r"(?<!\w)(?:{})(?!\w)"
ARABIC_SCRIPT: dict[str, tuple[str, str]] = {
    "ur": (r"[\u0679\u0688\u0691\u06BA\u06BE\u06C1\u06C2\u06C3\u06D2\u06D3]",  # ٹ ڈ ڑ ں ھ ہ ۂ ۃ ے ۓ
           _W.format("اور|[کك]و|س[ےي]|ن[ہه]ی?ں|ت[ھه]ا|ت[ھه]ی|[ہه]ے|[ہه]ی?ں|ب[ھه]ی|[یي][ہه]|و[ہه]")),
    "ps": (r"[\u067C\u0681\u0685\u0689\u0693\u0696\u069A\u06AB\u06BC\u06CD\u06D0]",  # ټ ځ څ ډ ړ ږ ښ ګ ڼ ۍ ې
           _W.format("زه|ته|په|چ[ېې]|[کك][ېې]|[یي][ېې]|سره|دی|نن|زما|ستا")),
    "ckb": (r"[\u0695\u06B5\u06C6\u06CE\u06D5]",  # ڕ ڵ ۆ ێ ە
            _W.format("لە|بۆ|[کك]ە|ئەم|ئەو|دە")),
    "fa": (r"[\u067E\u0686\u0698\u06AF\u06A9\u06CC]",  # پ چ ژ گ ک ی
           _W.format("است|هست[مید]?|هستند|هستیم|نیست|نيست|را|[کك]ه|از|برا[یي]|خ[یي]ل[یي]|ولی|چرا|شد|شده"
                     "|بود|کرد|کردم|خوب|امروز|د[یي]گر|[یي][کك]|این|آن|م[یي]|نم[یي]|م[یي]خواهم|ب[یي]ا"
                     "|هم[یي]ن|ا[یي]نجا|آنجا|[کك]جا|چ[یي]")),
}
# Arabic: the article (al-, with a clitic: wal-, bil-, lil-, fal-, kal-), taa marbuta, and function words
ARABIC_EVIDENCE = (r"(?<!\w)[وفبكل]?(?:ال|لل)\w\w|ة|ى|إ|" + _W.format(
    "في|على|علي|عن|الى|إلى|هذا|هذه|ذلك|تلك|التي|الذي|الذين|كان|كانت|يكون|لا|لم|لن|قد|يا|هل|انا|أنا|انت|أنت|نحن|انتم"
    "|هو|هي|مع|كل|بعد|قبل|أن|ان|إن|لكن|ليس|او|أو|ولا|الله|يجب|اللي|مش|ايش|شو|عشان|بس|جدا|كيف|وين|ليش|اذا|إذا|حتى"
    "|ثم|عند|منذ|بين|الا|إلا|غير|كما|لقد|لان|لأن"))
LATIN_LANGS = ["en", "fr", "es", "pt", "de", "it", "nl", "sv", "da", "no", "fi", "pl", "cs", "sk", "sl", "hr",
               "ro", "hu", "tr", "sq", "sw", "id", "ms", "tl", "az", "et", "lv", "lt", "is", "ga", "mt", "ca",
               "eu", "gl", "bs", "sr", "mk", "af", "xh", "zu", "rw", "vi", "uz"]
CYRILLIC_LANGS = ["ru", "uk", "bg", "mk", "sr", "be", "kk", "ky", "mn"]
LINKS = r"https?://\S+|www\.\S+|@\w+|#"
NOISE = LINKS + r"|\d+"
ARABIZI = "ar-Latn"  # Arabic in Latin letters and digits (BCP 47 script subtag): no Arabic-script model, lexicon, figure
# Arabizi evidence in a Latin text: words mixing letters with the digits that stand for Arabic consonants (3 ain,
# 7 haa, 2 hamza, 5 khaa, 9 qaf, 6 taa) beside a vowel, or a leading 3 (3la, 3lach) - not numbers with a unit (7h,
# 3pm, 2nd), codes (m25, a1, cp3), numbers after letters (covid19) or English shorthand (2day, 2much) - and words
# of spoken Arabic that English, French, Spanish, Swahili and the other Latin languages of the list do not write
# (not ya, el, la, ana, bas, wa, salam: they are theirs too).
ARABIZI_DIGIT_WORD = (r"(?=.*[^\W\d_])(?=.*(?:[aeiouy][235679]|[235679][aeiouy])|3[^\W\d_]{2})"
                      r"(?!\d+(?:st|nd|rd|th|h|am|pm|k|km|kg|g|m|mm|cm|s|x|d|p|min|hrs?|e|er|eme|ème)$)"
                      r"(?![^\W\d_]\d+$)(?!.*[^\W\d_]\d{2,}$)"
                      r"(?!(?:2day|2nite|2night|2moro|2morrow|2mrw|2gether|2u|2b|me2|u2|2go)$)[^\W_]+")
# Words of spoken Arabic written in Latin letters without digits, in two kinds. ARABIZI_WORDS: the dialects' own
# function words and everyday words (pronouns, question words, negation, "want", "now", "very", "here", greetings
# between speakers) that no other language of the list writes - not ya, el, la, ana, wa, bas, da, di, men, hal,
# law, hon, hala, abi, yani, wash, dial, fin, min, kan: English, French, Spanish, Turkish, Indonesian, Swahili or
# Finnish words. ARABIZI_LOANS: words English, French, German, Turkish, Indonesian and Swahili speakers borrow
# (yalla, habibi, inshallah, wallah, khalas, mashallah, tamam): half the evidence of the former, never enough alone.
ARABIZI_WORDS = (
    "ya3ni|yaani|kifak|kifik|keefak|kifek|kifkon|kifkom|kifach|kifech|kifash|kifesh|shu|sho|shou|shlon|shlonak"
    "|shlonik|shlonkum|ishloon|shloon|shaku|shako|mako|shunu|esh|aish|aysh|eish|ezay|ezayak|ezzayak|izzayak|ezayek"
    "|ezzayek|izzay|leh|lesh|leish|laish|3lach|3lech|alach|aalech|feen|fein|wein|wain|wayn|mnin|mneen|imta|emta"
    "|chno|chnou|chnowa|chnoua|chniya|chkoun|chkon|chhal|adesh|addesh|2adesh|mesh|mish|msh|mush|mafi|mafish"
    "|mafeesh|mafesh|mahich|manich|mouch|machi|mashi|walou|walo|walu|mahu|mahi|belli|elli|illi|keda|kda|kida|hek"
    "|heik|heyk|hayk|hayda|haida|hayde|haydi|hadchi|hadshi|dakchi|hatha|hathi|hadha|hedha|hedhi|hedi|hedik|hadik"
    "|dyal|diyal|bta3|beta3|mta3|mte3|metaa|enta|inta|enti|inti|ente|entu|ento|intu|howa|huwa|hiya|heya|e7na|i7na"
    "|ehna|ihna|a7na|nahna|ne7na|homma|humma|houma|homa|huma|nta|nti|ntouma|ntoma|ntuma|halla|halla2|hallaa"
    "|hala2|alhin|alheen|daba|delwa2ti|dilwa2ti|delwa2t|delwaati|delwa2ty|dlwa2ty|awi|2awi|awy|khales|5ales|ktir"
    "|kteer|kter|ktiir|wayed|wayid|kulish|bezaf|bzaf|bezzaf|bzzaf|barcha|barsha|shway|shwaya|shwayya|chwiya"
    "|chwia|kaman|kamaan|lissa|lessa|ba3d|ba3dein|baadein|baadain|badein|ba3den|bukra|bokra|baacher|bachir|bacher"
    "|ghedwa|ghodwa|lyom|lyoum|lyoom|elyom|elyoum|naharda|mbere7|mbareh|lbare7|lbareh|imbareh|baddi|biddi|bidi"
    "|baddak|badak|badek|biddak|abgha|abghi|3ayez|ayez|3ayza|ayza|3ayzin|ayzin|bghit|bghiti|bghina|bghaw|baghi"
    "|rani|raki|raho|rahi|ghadi|ykoun|bikoun|bkoun|nemchi|nmchi|nmchiw|nrou7|nrouh|nrooh|rou7|rouh|ro7|3am|ba3ref"
    "|baaref|bta3ref|naaref|na3ref|ma3ref|3aref|aarf|salamtak|salamtek|yislamo|yislamu|yaatik|ya3tik|essaha|sa7a"
    "|sa7teen|sa7bi|sahbi|khouya|khoya|5ouya|akhoy|khti|3ammi|zalame|zalameh|wlek|tayeb|tayyib|mnih|mni7|mli7|mlih"
    "|mzyan|mezyan|mzian|zwin|zwina|helw|helwa|7elw|hilu|hilwa|7ilu|7ilwe|kwayes|kwayyes|tfaddal|tfadal|ma3lesh"
    "|maalesh|ma3lish|maalish|hna|hnaya|hnak|honi|hunak|henak|walakin|walaken|lakin|wesh|wech|wach|wsh|3ala|3al"
    "|aala|wiyak|wiyaak|ma3|ma3ak|ma3o|ma3i|maak|3ashan|3shan|ashan|alashan|3alashan|mumkin|momken|yimkin|kolchi"
    "|kulshi|kolshi|kilshay|3andi|3andek|3andak|ma3andich|ma3ndich|makainch|3lik|3lih"
    "|3lina|3likom|alik|aalik|gama3a|3afak|3afek|2esse|basha|bach|flous|lflous|ntaa|nta3|shfeek|shfeeh|ba2a"
    "|yesser|behi|nhar|l7a9|mech|bikhair|bekhair|kheir|khair|3yit|3ayan|taaban|ta3ban|mabsout|mabsoot")
ARABIZI_LOANS = (
    "wallah|walla|wallahi|wellah|yalla|yallah|yala|habibi|habibti|inshallah|inchallah|nchallah|inshalla|mashallah"
    "|machallah|hamdullah|hamdoulah|hamdoullah|alhamdulillah|el7amdella|khalas|khalass|ahlan|marhaba|shukran"
    "|chokran|mabrouk|mabrook|akhi|ukhti|tamam|zain|labas|labes|yarab|yarabi|tfou")
# Words of the other Latin languages that Arabizi does not write (articles, pronouns, auxiliaries, prepositions of
# English, French, Spanish, Portuguese, German, Dutch, Italian, Turkish, Indonesian and Malay, Swahili): evidence
# that a line with a borrowed Arabic word is in one of them.
OTHER_WORDS = (
    "the|and|is|are|was|were|you|to|of|that|this|it|i|we|they|my|your|with|for|on|at|in|not|be|have|has|will|just"
    "|so|what|all|do|don|but|from|about|out|up|our|their|there|how|who|when|why|let|s|m|le|les|et|est|des|une|un"
    "|pas|que|je|tu|vous|nous|il|elle|on|ce|c|qui|dans|pour|avec|sur|au|aux|du|de|mon|se|en|j|ai|suis|sont|mais"
    "|plus|très|los|las|y|es|una|por|para|con|no|lo|del|mi|te|me|muy|pero|más|não|com|um|uma|der|die|das|und|ist"
    "|ich|du|nicht|mit|wir|ein|eine|zu|den|dem|auf|im|sie|er|het|een|van|che|ve|bir|bu|çok|ne|ben|sen|için|ile"
    "|gibi|var|yok|değil|yang|dan|ke|dari|ini|itu|saya|kami|kita|aku|kamu|tidak|tak|ada|akan|sudah|untuk|dengan"
    "|dia|juga|sangat|sekali|nak|awak|kwa|ni|za|hii|sana|watu|kwenye|lakini|leo|kesho|yangu|wako|yako|wote|hapa")
ARABIZI_MIN = 2.0  # Arabizi evidence a text needs (ARABIZI_WORDS and digit words 1, ARABIZI_LOANS 1/2 each), and
ARABIZI_SHARE = 0.25  # ARABIZI_SHARE of its words, at least one of them not borrowed, and twice the evidence of
OTHER_ODDS = 2.0  # the other languages' words (OTHER_ODDS), to be Arabizi; less evidence, but at least LOAN_WEIGHT,
LOAN_WEIGHT = 0.5  # when py3langid finds no language likely (its best under UNSURE_POSTERIOR over all its classes:
UNSURE_POSTERIOR = 0.4  # Arabizi in Latin letters looks like nothing it knows); fewer but at least UNSURE_SHARE of
UNSURE_SHARE = 0.5  # its words, none of another language: und (it may be Arabizi: no other lexicon applies)
POSTERIOR_WORDS = 3  # words py3langid's doubt needs to say anything (it likes no language of one or two words)
# py3langid's probabilities over all its languages (142 classes): und when a language outside the list is at least
# OTHER_LANGUAGE_MIN likely and OTHER_LANGUAGE_ODDS times likelier than the list's best, or when the list's best
# is under WEAK (4 times uniform: nothing points at it). Set on the held-out texts: of 6,439 English and French
# ones, 5 detected right before are und (27 in all, 22 of them detected as another language before); short
# English insults ("you stupid bitch", 0.17) stay English; Haitian Creole (ht 0.999) is und.
OTHER_LANGUAGE_ODDS = 50.0
OTHER_LANGUAGE_MIN = 0.5
WEAK = 0.03
FALLBACK_WORDS = {"en": r"\b(?:the|and|is|you|to|of|that|this|are|it)\b",
                  "fr": r"\b(?:le|la|les|et|est|des|une|pas|que|je|vous)\b",
                  "es": r"\b(?:el|los|las|y|es|que|una|por|para|con)\b",
                  "sw": r"\b(?:na|ya|wa|kwa|ni|za|hii|sana|watu)\b"}


@cache
def _identifier():
    """py3langid's identifier over all its languages, probabilities normalised (None when not installed)."""
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:
        return None
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@cache
def _columns(langs: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Columns of py3langid's classes in ``langs`` and outside them, and the class names."""
    classes = list(_identifier().nb_classes)
    inside = np.array([i for i, c in enumerate(classes) if c in langs], dtype=np.int64)
    outside = np.array([i for i, c in enumerate(classes) if c not in langs], dtype=np.int64)
    return inside, outside, classes


def _decide(ident, langs: tuple[str, ...], text: str) -> str:
    """The likeliest of ``langs``, or ``und`` when another language is clearly likelier or nothing points at any."""
    inside, outside, classes = _columns(langs)
    p = ident._decide(text) if hasattr(ident, "_decide") else \
        np.array([dict(ident.rank(text)).get(c, 0.0) for c in classes])  # one library call per text
    best = inside[int(p[inside].argmax())]
    other = p[outside].max() if len(outside) else 0.0
    if p[best] < WEAK or (other >= OTHER_LANGUAGE_MIN and other > OTHER_LANGUAGE_ODDS * p[best]):
        return UNDETERMINED
    return classes[best]


def _classify(texts: pd.Series, langs: list[str]) -> pd.Series:
    """py3langid on each distinct text (or stop-word counts when py3langid is absent)."""
    ident = _identifier()
    uniq = pd.Series(texts.unique())
    if ident is None:
        counts = pd.DataFrame({k: uniq.str.lower().str.count(rx) for k, rx in FALLBACK_WORDS.items()})
        guess = counts.idxmax(axis=1).where(counts.max(axis=1) > 0, UNDETERMINED)
    else:
        known = tuple(lang for lang in langs if lang in ident.nb_classes)
        guess = pd.Series([_decide(ident, known, t) for t in uniq], dtype="object")
    return texts.map(dict(zip(uniq, guess, strict=True)))


def arabic_script(texts: pd.Series) -> np.ndarray:
    """Language of Arabic-script texts: ``ar``, or ``fa`` / ``ur`` / ``ps`` / ``ckb`` where that language has more
    evidence (its letters and function words) than Arabic (article, taa marbuta, function words). Arabic wins ties
    and texts without evidence either way (short Arabic texts)."""
    ar = texts.str.count(ARABIC_EVIDENCE).to_numpy()
    letters = {lang: texts.str.count(rx).to_numpy() for lang, (rx, _) in ARABIC_SCRIPT.items()}
    own = sum(letters[lang] for lang in ARABIC_SCRIPT if lang != "fa") > 0
    letters["fa"] = np.where(own, 0, letters["fa"])  # shared letters are Persian's only beside no Urdu, Pashto...
    scores = pd.DataFrame({lang: letters[lang] + texts.str.count(words).to_numpy()
                           for lang, (_, words) in ARABIC_SCRIPT.items()})
    other = scores.idxmax(axis=1).to_numpy()  # ties: the first (ur, ps, ckb before fa)
    return np.where(scores.max(axis=1).to_numpy() > ar, other, "ar")


def _best_posterior(texts: pd.Series) -> np.ndarray:
    """py3langid's probability of its likeliest language (of all its classes) per text, once per distinct text;
    1 (sure of some language) when py3langid is not installed."""
    ident = _identifier()
    if ident is None or texts.empty:
        return np.ones(len(texts))
    uniq = pd.Series(texts.unique())
    best = [float(ident._decide(t).max()) if hasattr(ident, "_decide") else ident.rank(t)[0][1] for t in uniq]
    return texts.map(dict(zip(uniq, best, strict=True))).to_numpy(dtype="float64")


def arabizi_evidence(texts: pd.Series) -> pd.DataFrame:
    """Per text (index kept): ``arabizi`` (its words of ``ARABIZI_WORDS`` and ``ARABIZI_DIGIT_WORD``), ``inner``
    (of them, those listed or with a digit before a letter: ``mercpine9`` may be a user name), ``loans`` (of
    ``ARABIZI_LOANS``), ``other`` (of ``OTHER_WORDS``) and ``words``, each distinct word matched once."""
    words = texts.str.lower().str.findall(r"[^\W_]+").explode().dropna().astype(str)
    uniq = pd.Series(words.unique(), dtype=object).astype(str)
    digits, listed = uniq.str.fullmatch(ARABIZI_DIGIT_WORD), uniq.str.fullmatch(ARABIZI_WORDS)
    kinds = pd.DataFrame({
        "arabizi": digits | listed, "inner": listed | (digits & ~uniq.str.contains(r"\d$")),
        "loans": uniq.str.fullmatch(ARABIZI_LOANS), "other": uniq.str.fullmatch(OTHER_WORDS), "words": True},
        ).astype("int64").set_index(uniq)
    kinds["loans"] *= 1 - kinds["arabizi"]  # a word is one kind of evidence
    kinds["other"] *= 1 - kinds["arabizi"] - kinds["loans"]
    per = kinds.reindex(words.to_numpy()).set_axis(words.index).groupby(level=0).sum()
    return per.reindex(texts.index, fill_value=0)


def arabizi(texts: pd.Series) -> np.ndarray:
    """Per Latin-script text (links and mentions removed, digits kept): ``ar-Latn``, ``und`` or None (for the Latin
    languages' identification). Evidence (``arabizi_evidence``): Arabizi words 1 each, borrowed ones
    ``LOAN_WEIGHT``. Arabizi when it holds at least one Arabizi word and ``OTHER_ODDS`` times the other languages'
    words, and either ``ARABIZI_MIN`` evidence that is ``ARABIZI_SHARE`` of its words, or no other language's word,
    an Arabizi word listed or with a digit before a letter, at least ``POSTERIOR_WORDS`` words, and py3langid likes no
    language (its best under ``UNSURE_POSTERIOR``); ``und`` when it is not but its Arabizi and borrowed words are
    ``UNSURE_SHARE`` of its words and no other language's word is there."""
    per = arabizi_evidence(texts)
    evidence = per["arabizi"] + LOAN_WEIGHT * per["loans"]
    possible = ((per["arabizi"] >= 1) & (evidence >= OTHER_ODDS * per["other"])).to_numpy()
    strong = possible & ((evidence >= ARABIZI_MIN) & (evidence >= ARABIZI_SHARE * per["words"])).to_numpy()
    posterior = np.ones(len(texts))
    ask = possible & ~strong & ((per["other"] == 0) & (per["inner"] >= 1)
                                & (per["words"] >= POSTERIOR_WORDS)).to_numpy()
    posterior[ask] = _best_posterior(texts[ask].str.lower())
    sure = strong | (ask & (posterior < UNSURE_POSTERIOR))
    words = per["arabizi"] + per["loans"]  # und is the humble answer: a borrowed word counts in full
    unsure = ((words >= 1) & (words >= UNSURE_SHARE * per["words"]) & (per["other"] == 0)).to_numpy()
    return np.select([sure, unsure], [ARABIZI, UNDETERMINED], None).astype(object)


def base_language(code: str | None) -> str | None:
    """A language tag as labelling uses it: lower-case, a region or script dropped (``en-GB`` -> ``en``, ``sr-Latn``
    -> ``sr``), except Latin letters for a language written in another script (``ar-latn`` -> ``ar-Latn``: Arabizi is
    not labelled with Arabic-script Arabic's model, lexicon or figures)."""
    if not isinstance(code, str):
        return None
    parts = code.replace("_", "-").split("-")
    lang = parts[0].lower()
    latin = any(p.lower() == "latn" for p in parts[1:]) and lang not in LATIN_LANGS
    return f"{lang}-Latn" if latin else lang


def detect_languages(texts: Sequence[str | None], normalised: bool = False) -> list[str | None]:
    """ISO 639-1 code per text (639-3 for Sorani Kurdish, ``ckb``; ``und`` where a text in letters points at no
    language the identification knows well enough; None for empty texts or texts without letters). ``normalised``:
    the texts are already ``normal_texts`` (as ``scn.nlp.model.classify`` passes them)."""
    texts = list(texts) if normalised else normal_texts(list(texts))
    s = pd.Series(texts, dtype="string").fillna("")
    clean = s.str.replace(NOISE, " ", regex=True)
    counts = pd.DataFrame({name: clean.str.count(rx) for name, (rx, _) in SCRIPTS.items()}).astype("int64")
    has_letters = counts.sum(axis=1) > 0
    script = counts.idxmax(axis=1)
    fixed = {name: lang for name, (_, lang) in SCRIPTS.items() if lang}
    out = script.map(fixed).astype("object")
    arabic = (script == "arabic") & has_letters
    if arabic.any():
        out[arabic] = arabic_script(clean[arabic])
    latin = (script == "latin") & has_letters
    if latin.any():  # Arabizi first: its digits are letters (NOISE drops them) and no Latin language's lexicon fits
        found = pd.Series(arabizi(s[latin].str.replace(LINKS, " ", regex=True)), index=s.index[latin])
        out[found[found.notna()].index] = found[found.notna()]
        latin[found[found.notna()].index] = False
    for mask, langs in ((latin, LATIN_LANGS), ((script == "cyrillic") & has_letters, CYRILLIC_LANGS)):
        if mask.any():
            out[mask] = _classify(clean[mask].str.strip(), langs).to_numpy()
    out = out.where(has_letters, None)
    return [None if pd.isna(v) else str(v) for v in out]
