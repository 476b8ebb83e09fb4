"""Calls to gather or act (mobilisation) in English, French and Arabic: a call ("meet at", "rassemblement",
"تجمع", "join us", "descendons dans la rue", "انزلوا" ...) together with a time ("saturday", "20h", "الجمعة",
"بعد صلاة") or a place ("outside the town hall", "place de la mairie", "أمام المسجد") cue.

A harmless event announcement is mobilising too ("join us in the park on saturday for the festival"): what makes a
call a warning sign is its hostility, ``hostile_mobilisation``: a mobilising text that names a target group and is
hateful or offensive, or says to drive the group out ("send them back", "dehors", "اطردوهم"). Pure functions over
texts (vectorised regular expressions); numbers and booleans out, no I/O.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scn.nlp.targets import detect_targets

CALL = "|".join([
    # English
    r"\bmeet (?:us |me |up )?(?:at|in|outside|by|near|on)\b", r"\bgather(?:ing)? (?:at|in|outside|on|near)\b",
    r"\bjoin us\b", r"\blet'?s (?:go|meet|march|gather|show|stand|rally|take)\b", r"\bcome (?:out|down|along)\b",
    r"\brall(?:y|ies) (?:at|in|outside|on)\b", r"\bmarch (?:on|to|at|through)\b", r"\bshow up\b", r"\bbe there\b",
    r"\bturn out\b", r"\bconverge on\b", r"\btake (?:to )?the streets\b", r"\beveryone (?:to|at|out)\b",
    r"\bprotest (?:at|outside|in front)\b", r"\ball out\b", r"\bbring (?:your|friends|everyone)\b",
    # French
    r"\brassembl(?:ement|ons|ez)\w*", r"\brendez[- ]vous\b", r"\brdv\b", r"\bretrouvons[- ]nous\b",
    r"\brejoignez[- ]nous\b", r"\bvenez\b", r"\bmobilis(?:ez|ons|ation)\w*", r"\bmanif(?:estation)?s?\b",
    r"\bdescend(?:ons|ez) dans la rue\b", r"\btous (?:à|au|aux|devant|ensemble)\b", r"\bsoyez (?:là|présents?)\b",
    # Arabic
    r"تجمع|تجمّع|احتشد|تظاهر|مظاهرة|وقفة|لنلتق|موعدنا|انزلوا|اخرجوا|انضموا|شاركوا|النفير|هبوا|هبّوا|الزحف",
])
WHEN = "|".join([
    r"\b(?:today|tonight|tomorrow|this (?:morning|afternoon|evening|weekend)|at (?:noon|midnight|dawn))\b",
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b", r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b", r"\b\d{1,2}:\d{2}\b",
    r"\b\d{1,2}h(?:\d{2})?\b", r"\b(?:aujourd'hui|ce soir|demain|ce week-end|à midi)\b",
    r"\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b", r"\b\d{1,2}/\d{1,2}\b",
    r"اليوم|الليلة|غدا|غداً|بكرة|السبت|الأحد|الاثنين|الإثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|الساعة|مساء|صباح|بعد صلاة",
])
WHERE = "|".join([
    r"\b(?:outside|in front of|opposite)\b",
    r"\b(?:square|street|road|mosque|church|synagogue|temple|station|park|town hall|city hall|council|bridge|"
    r"market|centre|center|estate|hotel|camp|shelter|school)\b",
    r"\b(?:place|devant|rue|mairie|gare|mosquée|église|synagogue|parc|pont|marché|avenue|quartier|centre|foyer)\b",
    r"ساحة|أمام|شارع|مسجد|جامع|كنيسة|دوار|المحطة|السوق|البلدية|ميدان|مخيم",
])
HOSTILE = "|".join([
    r"\b(?:not welcome|(?:get|kick|drive|push|run|throw|thrown|chase|force) (?:\w+ ){0,3}?out|send (?:\w+ ){0,3}?(?:back|"
    r"home)|where they came from|clean (?:out|up) our|take back|stop the invasion|deal with (?:them|em)|"
    r"teach (?:them|em) a lesson|burn (?:\w+ ){0,3}?down)\b",
    r"\b(?:dehors|chass(?:ons|ez|er)|vir(?:ons|ez|er)|pas les bienvenus|rentrez chez vous|nettoy(?:ons|er)|"
    r"expuls(?:ons|ez|er)|brûl)\w*",
    r"اطرد|طرد|ارحلوا|ارحل|لا مكان لهم|ليسوا مرحب|نظفوا|احرقوا|اخرجوهم",
])
HOSTILE_LABELS = ("hate", "offensive")


def _has(text: pd.Series, pattern: str) -> np.ndarray:
    return text.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)


def mobilisation(texts: pd.Series | list[str]) -> pd.DataFrame:
    """Per text (input order): ``call``, ``when``, ``where`` (the cues found), ``score`` (call 0.5, time 0.25,
    place 0.25: 0 to 1) and ``mobilising`` = a call with a time or a place cue."""
    s = pd.Series(texts, dtype="string").reset_index(drop=True).str.lower()
    call, when, where = _has(s, CALL), _has(s, WHEN), _has(s, WHERE)
    return pd.DataFrame({"call": call, "when": when, "where": where,
                         "score": 0.5 * call + 0.25 * when + 0.25 * where, "mobilising": call & (when | where)})


def hostile(texts: pd.Series | list[str]) -> np.ndarray:
    """Texts that say to drive a group out or hurt it ("send them back", "dehors", "اطردوهم")."""
    return _has(pd.Series(texts, dtype="string").reset_index(drop=True).str.lower(), HOSTILE)


def hostile_mobilisation(texts: pd.Series | list[str], labels: pd.Series | list | None = None,
                         targets: pd.Series | list | None = None) -> np.ndarray:
    """Mobilising texts with a hostile target: a target group (``targets``, else found by scn.nlp.targets) and
    either a hateful or offensive ``labels`` value or a hostile phrase. A harmless event announcement, or one
    that names a group without hostility (an iftar invitation), is not."""
    s = pd.Series(texts, dtype="string").reset_index(drop=True)
    target = (pd.Series(targets, dtype=object).reset_index(drop=True) if targets is not None
              else detect_targets(s.astype(object)))
    label = pd.Series(labels if labels is not None else [None] * len(s), dtype=object).reset_index(drop=True)
    aimed = target.notna().to_numpy(dtype=bool)
    return mobilisation(s)["mobilising"].to_numpy() & aimed & (label.isin(HOSTILE_LABELS).to_numpy() | hostile(s))
