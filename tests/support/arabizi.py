"""Short texts for language identification: Arabizi (Arabic written in Latin letters and digits: Levantine,
Egyptian and Maghrebi styles), written for these tests (no real person's post), and short English, French,
Spanish and Swahili lines that must keep their language (with the words Arabizi shares with them: ya, el, la, na,
wa, ana, bas, numbers)."""

from __future__ import annotations

ARABIZI = [
    # Levantine (Lebanese, Syrian)
    "kifak ya 3ammi, shu 3am ta3mel lyom?", "ana ktir ta3ban, bade nem shway", "yalla ya 7abibi",
    "wallah ma ba3ref shu sar ma3o", "shu hal 2esse, ma 7ada bya3ref", "ba3d ma khlset el shoghol ra7 ro7 3al beit",
    "ma fi kahraba mn mbere7, 3an jad ta3abna", "hayda el jar ma byeb2a sakit abadan",
    "ya rab ykoun kel shi mni7 bukra", "khalas ma 3ad fiye e7kil ma3o", "tayeb bas ma tet2akhar, 3am nestanak",
    "ahla w sahla fik, tfaddal 3al 2ahwe", "sho el akhbar 3andkon bel day3a?", "7ilwe ktir hal soura, min akhadha?",
    "mabrouk 3al shoghol el jdid ya batal", "yalla habibi nrou7 sawa", "inshallah kheir ya rab, ma tkhaf",
    # Egyptian
    "wallah 3amel 7aga", "ana mesh fahem 5ales", "enta feen delwa2ti? ana mestanik", "el gaw 7ar awi el naharda",
    "ma3lesh ya basha, el mara el gaya", "ezayak ya sa7bi, 3amel eh?", "mesh 3ayez a7ky ma3 7ad delwa2ti",
    "el 3arabeya 3otlet tani fe nos el taree2", "yalla bina nero7 el sinema ba3d el shoghl",
    "howa leh kol youm beyetla3 kalam keda?", "e7na 3ayzin nakol koshari el leila",
    "el mo7adra et2aglet lel osbo3 el gai", "bgad mabrook ya 7abibti, fre7tlek awi", "momken te2olly el sa3a kam?",
    "mesh ma3oul keda ya gama3a",
    # Maghrebi (Moroccan, Algerian, Tunisian)
    "wach nta mzyan? labas 3lik?", "rani 3ayan bezaf lyoum", "wesh rak dir khouya, kolchi mli7?",
    "had chi ma 3jebnich walou", "bghit nemchi l dar daba", "3lach ma jitich lbare7?",
    "sa7bi 9alli had l film zwin bezaf", "ma3andich lflous bach nchri tomobil", "chouf dak chi li 9olt lik, rah s7i7",
    "inchallah ghadi nchofek f l3id", "yallah nmchiw l b7ar ghedwa", "3andi bezaf dial lkhedma had simana",
    "kifech 7alek ya khti? twa7achtek", "el 7okouma dima tkhabi 3lina l7a9i9a", "barak allah fik 3la lmousa3ada",
    "ya 5ouya, 9oulli win rak", "ana ma nefhemch 3lach tzid l as3ar",
]

# language -> short lines of it that identification must keep
KEEP = {
    "en": ["see you at 7 near the station", "the bus was late again this morning", "ya know what i mean",
           "gr8 game last night m8", "meet me b4 the match at 3", "2 people were hurt in the crash",
           "this city is getting more expensive every year", "they should all go back where they came from",
           "great job by the volunteers today", "the market is closed on sunday", "we need more police on the streets",
           "happy birthday to my best friend", "the new park looks amazing", "traffic is terrible on the bridge",
           "so proud of our team tonight"],
    "fr": ["on se voit à 7h devant la gare", "le bus est encore en retard ce matin", "je suis très fatigué aujourd'hui",
           "la mairie a fermé la piscine", "merci beaucoup pour votre aide", "il fait trop chaud dans le métro",
           "ils devraient tous rentrer chez eux", "bravo aux bénévoles du quartier", "le marché est fermé le dimanche",
           "on a besoin de plus de policiers", "joyeux anniversaire ma belle", "la nouvelle place est magnifique"],
    "es": ["ya llegamos a casa, gracias", "el tren llega a las 7 de la tarde", "no entiendo nada de lo que dices",
           "la alcaldía cerró la piscina", "muchas gracias por tu ayuda", "hace mucho calor en el metro",
           "que se vayan todos a su país", "felicidades a los voluntarios del barrio", "el mercado está cerrado hoy",
           "necesitamos más policía en las calles", "feliz cumpleaños amiga mía", "la nueva plaza es preciosa"],
    "sw": ["habari ya asubuhi rafiki yangu", "asante sana kwa msaada wako", "tutaonana kesho jioni",
           "watu wengi walikuja sokoni leo", "nina njaa sana leo mchana", "mvua kubwa imenyesha usiku wote",
           "basi limechelewa tena asubuhi hii", "karibu nyumbani kwetu ndugu", "soko limefungwa siku ya jumapili",
           "tunahitaji polisi zaidi mitaani", "hongera kwa timu yetu usiku huu", "bei ya chakula imepanda sana"],
}
