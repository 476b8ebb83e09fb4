"""Writes transforms/seeds/country_names.csv: each country's name in the listed languages and its own official
ones, from the Unicode CLDR data babel ships (Unicode License v3; attribution in transforms/seeds/README.md), its
ISO alpha-3 code, and a few usual forms CLDR lacks. A name two countries bear in some language is left out. Keys
are ``scn.ingest.programme.country_key``, the rule the warehouse's macro repeats.

    .venv/bin/python scripts/build_country_names.py
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.languages import get_official_languages

from scn.ingest.programme import country_key

OUT = Path(__file__).resolve().parents[1] / "transforms" / "seeds" / "country_names.csv"


REGISTRY = {"TR": "Turkey", "BA": "Bosnia and Herzegovina", "TT": "Trinidad and Tobago"}  # registry spellings
EXTRA = {"GB": ["UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales", "Northern Ireland",
                "United Kingdom of Great Britain and Northern Ireland"],
         "US": ["USA", "U.S.", "U.S.A.", "US of A", "United States of America", "America"],
         "CI": ["Ivory Coast", "Cote d'Ivoire"], "TR": ["Turkey", "Türkiye", "Turkiye"],
         "NL": ["Holland", "The Netherlands"], "CZ": ["Czech Republic"], "MM": ["Burma"], "SZ": ["Swaziland"],
         "MK": ["Macedonia", "Republic of Macedonia", "Republic of North Macedonia"], "XK": ["Kosova", "Republic of Kosovo"],
         "BA": ["Bosnia", "BiH", "Bosnia-Herzegovina"], "CD": ["DRC", "DR Congo", "Democratic Republic of Congo"],
         "KR": ["South Korea", "Republic of Korea"], "RU": ["Russian Federation"], "SY": ["Syrian Arab Republic"],
         "PS": ["Palestine", "State of Palestine"], "VA": ["Vatican"], "CV": ["Cape Verde"], "TL": ["East Timor"],
         "LA": ["Laos"], "IR": ["Iran, Islamic Republic of"], "VN": ["Viet Nam"], "TZ": ["United Republic of Tanzania"],
         "AE": ["UAE", "U.A.E."], "SA": ["KSA"]}
SKIP = {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "AN"}
LANGS = ("en", "fr", "ar", "es", "de", "it", "pt", "nl", "tr", "ru")


def names_by_code() -> list[tuple[str, str]]:
    """(name, ISO alpha-2 code) of every country in every language asked, its alpha-3 aliases and EXTRA."""
    en = Locale("en").territories
    codes = sorted(c for c in en if re.fullmatch(r"[A-Z]{2}", c) and c not in SKIP)
    pairs = []
    for code in codes:
        for lang in sorted(set(LANGS) | set(get_official_languages(code))):
            try:
                name = Locale.parse(lang).territories.get(code)
            except (UnknownLocaleError, ValueError):
                continue
            if name:
                pairs.append((name, code))
        pairs += [(name, code) for name in EXTRA.get(code, [])]
    pairs += [(alias, to[0]) for alias, to in get_global("territory_aliases").items()
              if re.fullmatch(r"[A-Z]{3}", alias) and len(to) == 1 and to[0] in codes]
    return pairs


def main() -> None:
    en = Locale("en").territories
    pairs = pd.DataFrame(names_by_code(), columns=["name", "country_code"]).drop_duplicates()
    pairs["key"] = country_key(pairs["name"])
    one = pairs.groupby("key")["country_code"].transform("nunique") == 1
    for key, names in pairs[~one].groupby("key")["name"]:
        print("dropped (two countries):", key, sorted(set(names)))
    kept = pairs[one].sort_values(["key", "name"]).drop_duplicates("key")
    kept = kept.assign(country=kept["country_code"].map(lambda c: REGISTRY.get(c, en[c])))
    kept = kept.sort_values(["country_code", "name"])[["name", "country_code", "country"]]
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        kept.to_csv(fh, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    print(len(kept), "names written to", OUT)


if __name__ == "__main__":
    main()
