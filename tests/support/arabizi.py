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

# A harder set (written for these tests, no real person's post): Arabizi with no digits at all (Levantine, Egyptian,
# Gulf and Iraqi, Maghrebi), and lines of other languages carrying Arabic loanwords and names, which Arabizi must
# not take. Each list is split in two (``halves``): rules are tuned on the first half, reported on the second.
ARABIZI_NO_DIGITS = [
    # Levantine
    "kifak ya zalame, shu el akhbar?", "ana ktir mabsout lyom, el jaw helo", "shu badak tekol el masa?",
    "ma baaref shu sar maa el shabab", "yalla ta nrouh nekol shi", "hayda el shi ma byenfaa abadan",
    "baddi rouh aal beit halla", "wlek shu hal haki, ma bi sir hek", "bala ma tkhabbir hada, khalina sakteen",
    "eh walla, kel shi ghali hal iyyem", "mnih enno ejit, kenna nestanak",
    # Egyptian
    "ana mesh aarf aamel eh", "enta fein ya basha? mestanyak men badri", "el donia zahma awi el naharda",
    "howa leh byeshtem kol el nas keda", "yalla bina nenzel wust el balad", "ma tezalsh menni, mkansh asdi",
    "ehna mashyeen delwaati, mesh hanestana", "el akl da helw awi, men ein?", "ana taaban khales w mesh ader akammel",
    "ezzayak ya habibi, amel eh el ayam di", "bokra hashoufak ala el ahwa",
    # Gulf and Iraqi
    "shlonak ya akhoy, wesh akhbarak?", "wayed zain, alhamdulillah kilshay tamam", "ana abi aruh al souq baacher",
    "shfeek zaalan? mafi shay", "yalla nrooh al bahar, al jaw hilu", "wain inta alhin? ana yait",
    "hatha al rayyal ma yestahi abadan", "ishloon al shoghol wiyak?", "la tkhaf, kilshay bekhair inshallah",
    "shako mako? shlonkum?", "ana ma adri shaku hal sawalif",
    # Maghrebi (Moroccan, Algerian, Tunisian)
    "wach nta labas? kolchi mzyan?", "ana ghadi nmchi l hanout daba", "ma fhamtch chno bghiti tgoul",
    "had nhar kan skhoun bezzaf", "chkoun li ja lbareh l dar?", "wesh rak khouya, labes alik?",
    "rani mrid chwiya, ma nkhrejch lyoum", "bghit nchri tomobil walakin ma andich lflous",
    "chnowa ahwelek? labes aalik?", "barcha nas jew lil aars", "ya khouya, ma tkhafch, kolchi ghadi ykoun mlih",
    "aychek khoya, yaatik essaha", "chhal tswa had lhwayej?", "mazal ma jach, rah f triq",
    "akhi ana mashghoul halla, baadein bahkik", "wallah ma kent naaref belli rak hna",
]

# language -> lines with Arabic loanwords and names (yalla, habibi, inshallah, wallah, khalas, mashallah, Mohamed)
LOANWORDS = {
    "en": ["yalla habibi, let's go to the match tonight", "inshallah the weather will be better tomorrow",
           "mashallah your kids have grown so fast", "Mohamed and Ahmed are coming to dinner with us",
           "wallah I didn't know the shop was closed", "khalas, I'm done with this job habibi",
           "my habibi brought me flowers, inshallah we marry next year", "shukran to everyone who came to the iftar",
           "eid mubarak to all my neighbours, yalla let's eat", "the sheikh spoke at the mosque after prayers"],
    "fr": ["yalla on y va habibi, le film commence", "inchallah on se verra demain au marché",
           "wallah je te jure que c'est vrai", "Mohamed et Ahmed sont partis à la mosquée",
           "khalas, j'en ai marre de ce bus toujours en retard", "mashallah ta fille est magnifique"],
    "es": ["inshallah mañana vamos a la playa con Ahmed", "yalla vamos habibi, que llegamos tarde",
           "wallah que no sabía nada de eso", "Mohamed y Fátima se casan en agosto, mashallah",
           "ojalá llueva mañana en el pueblo"],
    "de": ["yalla, wir gehen jetzt nach Hause", "wallah, ich schwöre, das war ich nicht",
           "habibi, kommst du heute Abend mit?", "inshallah klappt es morgen mit dem Termin",
           "Ahmed und Mohamed spielen heute Fußball im Park", "digga wallah, das ist echt krass"],
    "tr": ["inşallah yarın hava güzel olur", "maşallah çocuklar çok büyümüş", "yalla gidelim artık, geç kaldık",
           "Mehmet ve Ahmet bugün okula gelmedi", "vallahi ben bir şey bilmiyorum", "habibi bu akşam bize gel"],
    "id": ["insyaallah besok saya datang ke rumahmu", "alhamdulillah semua keluarga sehat",
           "masya allah, anaknya pintar sekali", "Ahmad dan Muhammad pergi ke masjid setelah magrib",
           "wallahi saya tidak tahu soal itu", "yalla kita berangkat sekarang, sudah siang"],
    "sw": ["inshallah tutaonana kesho asubuhi", "alhamdulillah mvua imenyesha leo", "mashallah mtoto wako amekua sana",
           "Mohamed na Ahmed wameenda msikitini", "habibi karibu nyumbani kwetu leo jioni",
           "wallahi sijui alikokwenda"],
}

# language -> Malay, Indonesian and Swahili lines whose Arabic loanwords (doa, sabar, ilmu, salama, dunia) are theirs
SHARED = {
    "ms": ["saya nak pergi ke masjid selepas solat asar", "terima kasih atas doa dan sokongan semua",
           "selamat hari raya, maaf zahir dan batin", "jangan lupa baca doa sebelum makan",
           "dia selalu sabar walaupun hidup susah", "kita perlu ilmu dan akhlak yang baik",
           "insya allah kita jumpa minggu depan", "khabar baik, alhamdulillah, awak macam mana"],
    "id": ["hari ini kami buka puasa bersama di musholla", "semoga berkah dan rezeki melimpah untuk kalian",
           "jadwal sholat jumat sudah diumumkan", "kabar saya baik, terima kasih banyak",
           "waktu maghrib sudah tiba, ayo berbuka", "dia selalu ikhlas membantu tetangga"],
    "sw": ["habari za asubuhi, salama kabisa", "tuna wakati mzuri sana hapa mjini", "asante kwa dua zako, ndugu yangu",
           "kitabu hiki kina hadithi nzuri sana", "salamu kwa familia yako yote", "sheria mpya itaanza mwezi ujao",
           "tafadhali subiri kidogo, nakuja", "rafiki yangu ana safari ya biashara kesho",
           "nimefurahi sana kuwaona wote hapa leo", "dunia ina mambo mengi ya ajabu"],
}


def halves(lines: list[str]) -> tuple[list[str], list[str]]:
    """(tuning half, reporting half): alternate lines, so each half has every dialect or language."""
    return lines[::2], lines[1::2]


def pairs(by_lang: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(language, line) of every line of ``by_lang``."""
    return [(lang, line) for lang, lines in by_lang.items() for line in lines]
