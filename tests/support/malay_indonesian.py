"""py3langid's Malay / Indonesian confusion on a small written set: 20 Malaysian Malay and 20 Indonesian lines in a
social-media register, written for the check (docs/review.md, Limits). ``python -m tests.support.malay_indonesian``
prints the platform's detection (``detect_languages``) against the truth."""

from __future__ import annotations

import pandas as pd

MS = [  # Malaysian Malay, social-media register
    "Kenapa kerajaan tak buat apa-apa pasal harga barang yang naik ni?",
    "Aku tak faham macam mana polis boleh lepaskan dia macam tu sahaja.",
    "Jalan raya kat depan rumah aku rosak teruk, dah tiga bulan tak dibaiki.",
    "Awak nak pergi kedai ke petang nanti? Boleh tumpang kereta awak?",
    "Orang kat sini memang tak suka pendatang, asyik salahkan mereka je.",
    "Kerana duit, semua orang sanggup buat apa sahaja sekarang ni.",
    "Betul ke hospital kerajaan tu dah penuh? Ramai sangat pesakit.",
    "Saya rasa kita patut bantah undang-undang baru ni beramai-ramai.",
    "Budak-budak tu bising sangat malam tadi, jiran semua marah.",
    "Boleh tak awak semua berhenti sebarkan berita palsu pasal kaum lain?",
    "Harga minyak naik lagi, gaji tak naik pun, susah hidup macam ni.",
    "Kita orang Malaysia kena bersatu, jangan bergaduh sesama sendiri.",
    "Dia kata percuma, tapi bila sampai kena bayar juga, tipu betul.",
    "Esok cuti umum, jom kita pergi pantai dengan keluarga.",
    "Apasal kau cakap macam tu? Tak baik hina agama orang lain.",
    "Wang rakyat habis dibazir oleh ahli politik yang tamak.",
    "Bas tak datang langsung pagi tadi, terpaksa naik teksi ke pejabat.",
    "Mereka ni memang patut dihalau balik ke negara asal, menyusahkan betul.",
    "Terima kasih banyak-banyak kepada semua yang datang majlis semalam.",
    "Kedai mamak tu tutup dah, sedih betul, dah lama makan kat situ.",
]
ID = [  # Indonesian, social-media register
    "Kenapa pemerintah nggak ngapain-ngapain soal harga barang yang naik?",
    "Aku nggak ngerti gimana polisi bisa lepasin dia begitu saja.",
    "Jalan di depan rumahku rusak parah, udah tiga bulan nggak diperbaiki.",
    "Kamu mau ke toko nanti sore? Boleh numpang mobil kamu?",
    "Orang di sini memang nggak suka pendatang, selalu menyalahkan mereka.",
    "Karena uang, semua orang mau melakukan apa saja sekarang.",
    "Beneran rumah sakit umum itu sudah penuh? Banyak banget pasiennya.",
    "Menurut saya kita harus menolak undang-undang baru ini bersama-sama.",
    "Anak-anak itu berisik banget tadi malam, tetangga pada marah.",
    "Bisa nggak kalian semua berhenti menyebarkan hoaks soal suku lain?",
    "Harga BBM naik lagi, gaji nggak naik, susah banget hidup begini.",
    "Kita orang Indonesia harus bersatu, jangan bertengkar sesama sendiri.",
    "Katanya gratis, tapi pas sampai harus bayar juga, bohong banget.",
    "Besok libur nasional, yuk kita ke pantai bareng keluarga.",
    "Kenapa kamu ngomong begitu? Nggak baik menghina agama orang lain.",
    "Uang rakyat habis dihamburkan oleh politisi yang serakah.",
    "Bus nggak datang sama sekali tadi pagi, terpaksa naik taksi ke kantor.",
    "Mereka ini memang pantas diusir pulang ke negara asalnya, bikin repot aja.",
    "Terima kasih banyak untuk semua yang sudah datang ke acara kemarin.",
    "Warung padang itu sudah tutup, sedih banget, udah lama makan di situ.",
]


def confusion() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The truth x detected counts of the set, and its lines detected as another language."""
    from scn.nlp.langid import detect_languages

    frame = pd.DataFrame({"truth": ["ms"] * len(MS) + ["id"] * len(ID), "text": MS + ID})
    frame["got"] = detect_languages(frame["text"].tolist())
    return pd.crosstab(frame["truth"], frame["got"]), frame[frame["truth"] != frame["got"]]


if __name__ == "__main__":
    table, wrong = confusion()
    print(f"{table.to_string()}\n\n{wrong.to_string()}")
