"""A platform written in full-width letters (``Ｔｗｉｔｔｅｒ``), in look-alike letters of another script (Cyrillic
``Т`` in ``Тwitter``, Greek ``Τ``), in mathematical letters, with a no-break space or a zero-width space, is the
platform: its posts key as ``x:<id>`` and their authors keep the pseudonym the plain spelling gives (before, each
spelling was a platform of its own: ``ｔｗｉｔｔｅｒ@london:1``, another pseudonym). A name beyond ASCII that is no
known platform is refused, the row quarantined naming the file's column: it cannot become a platform of its own."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scn import lake
from scn.ingest.pipeline import ingest_file
from scn.ingest.social.posts import fold_platforms

HEADER = "id,created_at,text,lang,lat,lon,place,author,network,url"

TWITTER = ["x", "Twitter", "TWITTER ", "\uff34\uff57\uff49\uff54\uff54\uff45\uff52", "\u0422witter",
           "Tw\u0456tter", "\u03a4witter", "twitter\u00a0", "\u00a0twitter", "twit\u200bter", "\U0001d413witter",
           "X\u00a0(Twitter)", "\uff38"]
TELEGRAM = ["telegram", "\u0422\u0435l\u0435gr\u0430m", "TG", "\uff54\uff47", "Telegram\u202f"]
FACEBOOK = ["facebook", "Fa\u0441ebook", "F\u0412", "fb\u200d", "\uff26\uff41\uff43\uff45\uff42\uff4f\uff4f\uff4b"]


def test_every_spelling_of_a_platform_folds_to_its_name() -> None:
    values = TWITTER + TELEGRAM + FACEBOOK + ["forum", "Forum ", "\u200b\u00a0"]
    names, ok = fold_platforms(pd.Series(values, dtype="string", index=range(10, 10 + len(values))))
    assert ok.all() and names.index.equals(ok.index) and names.index[0] == 10
    expected = ["x"] * len(TWITTER) + ["telegram"] * len(TELEGRAM) + ["facebook"] * len(FACEBOOK) + ["forum"] * 2
    assert names.tolist()[:-1] == expected and pd.isna(names.iloc[-1])


def test_a_name_beyond_ascii_that_is_no_platform_is_refused() -> None:
    unknown = ["\u0424\u0435\u0439\u0441\u0431\u0443\u043a", "\u0442\u0432\u0438\u0442\u0442\u0435\u0440",
               "Tw\u0456tt\u0435r\u0436", "f\u00f6rum", "\u0641\u064a\u0633\u0628\u0648\u0643"]
    _, ok = fold_platforms(pd.Series(unknown, dtype="string"))
    assert not ok.any()


def test_a_file_of_look_alike_platforms_is_one_platform(home: Path, tmp_path: Path) -> None:
    spellings = TWITTER + ["\u0424\u0435\u0439\u0441\u0431\u0443\u043a"]
    rows = [f"{i},2025-03-01T10:00:00Z,post {i},en,51.5,-0.12,,jane,{p},"
            for i, p in enumerate(spellings, start=1)]
    path = tmp_path / "posts.csv"
    path.write_text("\n".join([HEADER, *rows, ""]), encoding="utf-8")
    result = ingest_file("social", path, city_id="london")
    assert (result.accepted, result.quarantined) == (len(TWITTER), 1)
    posts = lake.read_table("posts")
    assert set(posts["platform"]) == {"x"} and posts["post_key"].str.fullmatch(r"x:\d+").all()
    assert posts["author_pseudo"].nunique() == 1
    q = lake.read_table("quarantine")
    assert q[["row", "field"]].values.tolist() == [[len(spellings), "network"]]
    assert "not a platform" in q["reason"].iloc[0] and q["file"].iloc[0].endswith("posts.csv")


NATIVE = {"vk": ["VK", "vk", "VKontakte", "\u0412\u041a\u043e\u043d\u0442\u0430\u043a\u0442\u0435", "\u0412\u041a",
                 "\u0432\u043a", "\uff36\uff2b"],
          "weibo": ["Weibo", "\u5fae\u535a", "\u65b0\u6d6a\u5fae\u535a", "\u5fae\u535a\u200b"],
          "odnoklassniki": ["\u041e\u0434\u043d\u043e\u043a\u043b\u0430\u0441\u0441\u043d\u0438\u043a\u0438"]}


def test_a_platform_written_in_its_own_script_is_that_platform(home: Path, tmp_path: Path) -> None:
    """VK written ``ВКонтакте`` or ``ВК``, Weibo ``微博``: real platforms of the network's regions in their own
    letters were refused (beyond ASCII, no known platform; ``ВК`` read by the look-alike table as ``BK``). They are
    the platform (one key scope, one pseudonym per author); a look-alike forgery of such a name stays refused."""
    values = [v for spellings in NATIVE.values() for v in spellings]
    names, ok = fold_platforms(pd.Series(values, dtype="string"))
    assert ok.all(), [v for v, good in zip(values, ok, strict=True) if not good]
    assert names.tolist() == [p for p, spellings in NATIVE.items() for _ in spellings]
    forged = ["B\u041a\u043e\u043d\u0442\u0430\u043a\u0442\u0435", "\u0412\u041a\u043e\u043dtakte", "\u5fae\u535a\u535a",
              "\u0412\u041a\u0416"]  # a Latin B, Latin letters at the end, a third character, a letter more
    _, ok = fold_platforms(pd.Series(forged, dtype="string"))
    assert not ok.any()
    rows = [f"{i},2025-03-01T10:00:00Z,post {i},ru,51.5,-0.12,,ivan,{p}," for i, p in enumerate(NATIVE["vk"], 1)]
    path = tmp_path / "vk.csv"
    path.write_text("\n".join([HEADER, *rows, ""]), encoding="utf-8")
    assert ingest_file("social", path, city_id="london").accepted == len(rows)
    posts = lake.read_table("posts")
    assert set(posts["platform"]) == {"vk"} and posts["author_pseudo"].nunique() == 1
    assert posts["post_key"].str.fullmatch(r"vk@london:\d+").all()  # the key rule of a platform of its own, as before
