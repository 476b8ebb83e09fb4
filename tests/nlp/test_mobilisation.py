"""Calls to gather or act (scn.nlp.mobilisation) on hand-written English, French and Arabic texts: a call with a
time or place is mobilising; a harmless event announcement is mobilising but never hostile; a hostile call needs a
target group and hateful/offensive words or a call to drive the group out."""

from __future__ import annotations

import numpy as np

from scn.nlp.mobilisation import hostile_mobilisation, mobilisation

HOSTILE_CALLS = [
    "Meet at the town hall on Saturday 2pm, time to send those immigrants back where they came from",
    "Everyone out tonight at 8pm outside the mosque, muslims are not welcome in this town",
    "Join us at the station tomorrow, we kick the refugees out of our estate",
    "Rassemblement samedi 14h place de la mairie : dehors les migrants !",
    "Rendez-vous demain 20h devant la mosquée, chassons les musulmans du quartier",
    "تجمع يوم الجمعة أمام المسجد لطرد اللاجئين",
    "انزلوا الليلة إلى الساحة، اطردوا السوريين من حينا",
]
ANNOUNCEMENTS = [  # calls to gather, harmless
    "Join us in the park on Saturday at ten for the summer festival, all welcome",
    "Muslims and friends, join us at the mosque on Friday at 6pm for iftar",
    "Come down to the market square tomorrow for the refugee welcome picnic",
    "Rendez-vous samedi au marché pour la fête du quartier, venez nombreux",
    "Rassemblement dimanche 11h place de la République pour la marche contre le racisme",
    "تجمع يوم الجمعة بعد الصلاة في الساحة للاحتفال بالعيد",
    "شاركوا معنا غداً الساعة الخامسة في حديقة البلدية لتنظيف الحي",
]
NOT_CALLS = [
    "I love my neighbours",
    "the council meeting about parking is on thursday at seven",
    "Refugees are vermin and should be thrown out of our city",
    "they are invading our streets and we must push them out of this city before it is too late",
    "Les migrants sont une honte pour ce pays",
    "اللاجئون حشرات يجب طردهم",
    "What a lovely sunny day in the park",
]


def test_calls_with_time_or_place_are_mobilising_in_three_languages() -> None:
    found = mobilisation(HOSTILE_CALLS + ANNOUNCEMENTS + NOT_CALLS)
    n = len(HOSTILE_CALLS) + len(ANNOUNCEMENTS)
    assert found["mobilising"].iloc[:n].all(), found.iloc[:n][~found["mobilising"].iloc[:n]]
    assert not found["mobilising"].iloc[n:].any(), found.iloc[n:][found["mobilising"].iloc[n:]]
    assert (found["score"].iloc[:n] >= 0.75).all() and (found["score"].iloc[n:] <= 0.5).all()
    assert found["score"].between(0, 1).all()


def test_only_hostile_calls_are_hostile_mobilisation() -> None:
    texts = HOSTILE_CALLS + ANNOUNCEMENTS + NOT_CALLS
    out = hostile_mobilisation(texts)  # no labels: hostility from the words, targets found in the text
    expected = np.r_[np.ones(len(HOSTILE_CALLS), bool), np.zeros(len(ANNOUNCEMENTS) + len(NOT_CALLS), bool)]
    assert (out == expected).all(), [t for t, o, e in zip(texts, out, expected, strict=True) if o != e]
    # a harmless announcement is hostile only if the classifier says it is hateful or offensive
    iftar = ANNOUNCEMENTS[1]
    assert not hostile_mobilisation([iftar], ["none"])[0] and hostile_mobilisation([iftar], ["hate"])[0]
    festival = ANNOUNCEMENTS[0]  # no target group: never hostile, whatever the label
    assert not hostile_mobilisation([festival], ["offensive"])[0]
    assert not hostile_mobilisation([iftar], ["none"], [None])[0]
