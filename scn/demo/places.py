"""Real non-member cities the programme records need as home cities (summit delegates, workshops, exchanges)."""

from __future__ import annotations

import io

import pandas as pd

from scn.demo.spec import registry

EXTRA = """\
Austria|Vienna;Graz;Linz
Ireland|Dublin;Cork
Poland|Warsaw;Gdańsk
Morocco|Rabat;Casablanca;Fès
Egypt|Alexandria;Cairo
Iraq|Erbil;Mosul
Indonesia|Jakarta;Surabaya
Philippines|Marawi;Cotabato
Sri Lanka|Colombo;Batticaloa
Kyrgyzstan|Osh;Bishkek
Tajikistan|Khujand;Dushanbe
Uganda|Kampala
Somalia|Mogadishu
Portugal|Lisbon
Greece|Athens;Thessaloniki
United States|Seattle;Boston;Los Angeles;Minneapolis;Dearborn
United Kingdom|Manchester;Leicester;Bradford
Australia|Melbourne;Sydney;Brisbane;Perth
Canada|Toronto;Calgary;Vancouver
Germany|Hamburg;Munich;Düsseldorf
France|Lyon;Marseille;Strasbourg
Denmark|Odense;Aalborg;Esbjerg
Norway|Bergen;Drammen
Sweden|Gothenburg;Örebro
Netherlands|Amsterdam;Delft
Belgium|Brussels;Mechelen
Kenya|Nairobi;Kwale;Kilifi;Lamu;Garissa
India|New Delhi;Kolkata;Dharamsala;Guwahati;Shillong;Imphal;Hyderabad
Bangladesh|Sylhet
Nigeria|Maiduguri
Jordan|Amman
Senegal|Pikine
Albania|Durres;Shkodra
Finland|Turku
Italy|Milan
Spain|Barcelona
Switzerland|Zurich
"""


def places() -> pd.DataFrame:
    """name, country, member (bool): every member city plus the extra real cities, unique names, sorted."""
    reg = registry()[["name", "country"]].assign(member=True)
    rows = pd.read_csv(io.StringIO(EXTRA), sep="|", names=["country", "names"])
    extra = rows.assign(name=rows["names"].str.split(";")).explode("name")[["name", "country"]].assign(member=False)
    out = pd.concat([reg, extra], ignore_index=True).sort_values(["country", "name"]).reset_index(drop=True)
    assert out["name"].is_unique
    return out
