"""Dev-time: build scn/data/cities.csv, the SCN member registry named in ../shared/seeds/004_*.txt.

Coordinates and populations are approximate (public knowledge); joined_year is unknown for every member in
the seeds, so it stays empty. Themes come from the programmes the seeds name for each city.
Run: .venv/bin/python scripts/build_cities.py
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from scn.registry import slugify

# name | country | ISO2 | region | continent | lat | lon | population | steering committee
MEMBERS = """\
Aarhus|Denmark|DK|Europe|Europe|56.1629|10.2039|360000|1
Antalya|Turkey|TR|Europe|Asia|36.8969|30.7133|2600000|1
Atlanta|United States|US|North America|North America|33.749|-84.388|500000|1
Beirut|Lebanon|LB|MENA|Asia|33.8938|35.5018|2400000|1
Copenhagen|Denmark|DK|Europe|Europe|55.6761|12.5683|650000|1
Dakar|Senegal|SN|Sub-Saharan Africa|Africa|14.7167|-17.4677|1200000|1
Denver|United States|US|North America|North America|39.7392|-104.9903|715000|1
Kaduna|Nigeria|NG|Sub-Saharan Africa|Africa|10.5105|7.4165|1600000|1
Kano|Nigeria|NG|Sub-Saharan Africa|Africa|12.0022|8.592|4100000|1
Kiffa|Mauritania|MR|Sub-Saharan Africa|Africa|16.6208|-11.4044|50000|1
Kristiansand|Norway|NO|Europe|Europe|58.1467|7.9956|115000|1
London|United Kingdom|GB|Europe|Europe|51.5074|-0.1278|8900000|1
Medellín|Colombia|CO|Latin America & Caribbean|South America|6.2442|-75.5812|2500000|1
Mombasa|Kenya|KE|Sub-Saharan Africa|Africa|-4.0435|39.6682|1200000|1
Montréal|Canada|CA|North America|North America|45.5017|-73.5673|1760000|1
Mumbai|India|IN|South Asia|Asia|19.076|72.8777|12400000|1
New York City|United States|US|North America|North America|40.7128|-74.006|8300000|1
Oslo|Norway|NO|Europe|Europe|59.9139|10.7522|700000|1
Palermo|Italy|IT|Europe|Europe|38.1157|13.3615|630000|1
Paris|France|FR|Europe|Europe|48.8566|2.3522|2100000|1
Puno|Peru|PE|Latin America & Caribbean|South America|-15.8402|-70.0219|140000|1
Rotterdam|Netherlands|NL|Europe|Europe|51.9244|4.4777|650000|1
Stockholm|Sweden|SE|Europe|Europe|59.3293|18.0686|980000|1
Tunis|Tunisia|TN|MENA|Africa|36.8065|10.1815|640000|1
Victoria|Australia|AU|Asia-Pacific|Oceania|-37.8136|144.9631|6700000|1
Al-Karak|Jordan|JO|MENA|Asia|31.1853|35.7048|70000|0
Anaheim|United States|US|North America|North America|33.8366|-117.9143|350000|0
Antwerp|Belgium|BE|Europe|Europe|51.2194|4.4025|530000|0
Aracinovo|North Macedonia|MK|Europe|Europe|42.0264|21.5619|12000|0
Augsburg|Germany|DE|Europe|Europe|48.3705|10.8978|300000|0
Aurora|United States|US|North America|North America|39.7294|-104.8319|390000|0
Bar|Montenegro|ME|Europe|Europe|42.0931|19.1003|45000|0
Berane|Montenegro|ME|Europe|Europe|42.8425|19.8733|25000|0
Berlin|Germany|DE|Europe|Europe|52.52|13.405|3700000|0
Bern|Switzerland|CH|Europe|Europe|46.948|7.4474|134000|0
Biel/Bienne|Switzerland|CH|Europe|Europe|47.1368|7.2468|55000|0
Bihać|Bosnia and Herzegovina|BA|Europe|Europe|44.8169|15.8708|56000|0
Bijeljina|Bosnia and Herzegovina|BA|Europe|Europe|44.7569|19.2144|107000|0
Birmingham|United Kingdom|GB|Europe|Europe|52.4862|-1.8904|1140000|0
Bordeaux|France|FR|Europe|Europe|44.8378|-0.5792|260000|0
Buenos Aires|Argentina|AR|Latin America & Caribbean|South America|-34.6037|-58.3816|3100000|0
Bujanovac|Serbia|RS|Europe|Europe|42.4592|21.7664|41000|0
Bulqize|Albania|AL|Europe|Europe|41.4917|20.2219|25000|0
Cair (Skopje)|North Macedonia|MK|Europe|Europe|42.0125|21.4419|62000|0
Cali|Colombia|CO|Latin America & Caribbean|South America|3.4516|-76.532|2200000|0
Centar (Sarajevo)|Bosnia and Herzegovina|BA|Europe|Europe|43.8563|18.4131|55000|0
Cerrik|Albania|AL|Europe|Europe|41.0314|19.9936|27000|0
Chaguanas|Trinidad and Tobago|TT|Latin America & Caribbean|North America|10.5167|-61.4167|83000|0
Chanchamayo|Peru|PE|Latin America & Caribbean|South America|-11.0558|-75.3292|160000|0
Chattanooga|United States|US|North America|North America|35.0456|-85.3097|180000|0
Cuenca|Ecuador|EC|Latin America & Caribbean|South America|-2.9001|-79.0059|600000|0
Dhaka North|Bangladesh|BD|South Asia|Asia|23.8103|90.4125|6000000|0
Dhaka South|Bangladesh|BD|South Asia|Asia|23.7104|90.4074|6500000|0
Diffa|Niger|NE|Sub-Saharan Africa|Africa|13.3154|12.6113|50000|0
Doboj|Bosnia and Herzegovina|BA|Europe|Europe|44.7314|18.0844|70000|0
Dresden|Germany|DE|Europe|Europe|51.0504|13.7373|560000|0
Edmonton|Canada|CA|North America|North America|53.5461|-113.4938|1010000|0
Elbasan|Albania|AL|Europe|Europe|41.1125|20.0822|140000|0
Envigado|Colombia|CO|Latin America & Caribbean|South America|6.1667|-75.5833|240000|0
Ferizaj|Kosovo|XK|Europe|Europe|42.3702|21.1553|110000|0
Fuenlabrada|Spain|ES|Europe|Europe|40.2842|-3.7942|190000|0
Gentofte|Denmark|DK|Europe|Europe|55.7486|12.5519|75000|0
Gjakova|Kosovo|XK|Europe|Europe|42.3803|20.4308|95000|0
Gjilan|Kosovo|XK|Europe|Europe|42.4635|21.4694|90000|0
Gostivar|North Macedonia|MK|Europe|Europe|41.7958|20.9083|60000|0
Gračanica|Kosovo|XK|Europe|Europe|42.6|21.1933|11000|0
Guldborgsund|Denmark|DK|Europe|Europe|54.7667|11.8667|60000|0
Gusinje|Montenegro|ME|Europe|Europe|42.5619|19.8339|4000|0
Hani I Elezit|Kosovo|XK|Europe|Europe|42.1475|21.2964|10000|0
Helsinki|Finland|FI|Europe|Europe|60.1699|24.9384|660000|0
Irbid|Jordan|JO|MENA|Asia|32.5556|35.85|500000|0
Jablanica|Bosnia and Herzegovina|BA|Europe|Europe|43.66|17.7617|10000|0
Kaçanik|Kosovo|XK|Europe|Europe|42.2319|21.2594|33000|0
Kicevo|North Macedonia|MK|Europe|Europe|41.5119|20.9589|39000|0
Kolofata|Cameroon|CM|Sub-Saharan Africa|Africa|11.1667|14.0|110000|0
Kousseri|Cameroon|CM|Sub-Saharan Africa|Africa|12.0769|15.0306|90000|0
Kumanovo|North Macedonia|MK|Europe|Europe|42.1322|21.7144|105000|0
Librazhd|Albania|AL|Europe|Europe|41.1797|20.3161|24000|0
Louisville|United States|US|North America|North America|38.2527|-85.7585|620000|0
Luton|United Kingdom|GB|Europe|Europe|51.8787|-0.42|225000|0
Majdal Anjar|Lebanon|LB|MENA|Asia|33.7072|35.9036|30000|0
Malaga|Spain|ES|Europe|Europe|36.7213|-4.4214|580000|0
Malé|Maldives|MV|South Asia|Asia|4.1755|73.5093|210000|0
Malmö|Sweden|SE|Europe|Europe|55.605|13.0038|360000|0
Meri/Diamaré|Cameroon|CM|Sub-Saharan Africa|Africa|10.7667|14.1167|100000|0
Mitrovica South|Kosovo|XK|Europe|Europe|42.8914|20.866|85000|0
Mokolo|Cameroon|CM|Sub-Saharan Africa|Africa|10.7397|13.8022|300000|0
Montgomery County|United States|US|North America|North America|39.1547|-77.2405|1060000|0
Montreuil|France|FR|Europe|Europe|48.8638|2.4485|110000|0
Narayanganj|Bangladesh|BD|South Asia|Asia|23.6238|90.5|1000000|0
Novi Pazar|Serbia|RS|Europe|Europe|43.1367|20.5122|100000|0
Nowshera|Pakistan|PK|South Asia|Asia|34.0153|71.9747|1500000|0
Ohrid|North Macedonia|MK|Europe|Europe|41.1231|20.8016|52000|0
Ottawa|Canada|CA|North America|North America|45.4215|-75.6972|1020000|0
Peja/Pec|Kosovo|XK|Europe|Europe|42.6593|20.2883|96000|0
Peshawar|Pakistan|PK|South Asia|Asia|34.0151|71.5249|2000000|0
Pignon|Haiti|HT|Latin America & Caribbean|North America|19.3333|-72.1167|45000|0
Preševo|Serbia|RS|Europe|Europe|42.3067|21.65|34000|0
Prijedor|Bosnia and Herzegovina|BA|Europe|Europe|44.9797|16.7139|90000|0
Prishtina|Kosovo|XK|Europe|Europe|42.6629|21.1655|210000|0
Prizren|Kosovo|XK|Europe|Europe|42.2139|20.7397|180000|0
Quetta|Pakistan|PK|South Asia|Asia|30.1798|66.975|1000000|0
Rožaje|Montenegro|ME|Europe|Europe|42.8425|20.1664|23000|0
Saida|Lebanon|LB|MENA|Asia|33.5571|35.3729|270000|0
San Diego|United States|US|North America|North America|32.7157|-117.1611|1390000|0
Sarcelles|France|FR|Europe|Europe|48.9973|2.3798|58000|0
Srebrenik|Bosnia and Herzegovina|BA|Europe|Europe|44.7064|18.4897|40000|0
Struga|North Macedonia|MK|Europe|Europe|41.1778|20.6783|63000|0
Tetovo|North Macedonia|MK|Europe|Europe|42.0097|20.9716|85000|0
The Hague|Netherlands|NL|Europe|Europe|52.0705|4.3007|550000|0
Tirana|Albania|AL|Europe|Europe|41.3275|19.8187|560000|0
Tripoli|Lebanon|LB|MENA|Asia|34.4367|35.8497|230000|0
Tutin|Serbia|RS|Europe|Europe|42.9903|20.3372|31000|0
Tuzla|Bosnia and Herzegovina|BA|Europe|Europe|44.5384|18.6763|110000|0
Ulcinj|Montenegro|ME|Europe|Europe|41.9294|19.2244|20000|0
Utrecht|Netherlands|NL|Europe|Europe|52.0907|5.1214|360000|0
Viborg|Denmark|DK|Europe|Europe|56.4532|9.402|97000|0
Vilvoorde|Belgium|BE|Europe|Europe|50.9281|4.4245|44000|0
Viti|Kosovo|XK|Europe|Europe|42.3214|21.3583|47000|0
Vushtrri|Kosovo|XK|Europe|Europe|42.8231|20.9675|70000|0
Yaoundé|Cameroon|CM|Sub-Saharan Africa|Africa|3.848|11.5021|2800000|0
Zanzibar|Tanzania|TZ|Sub-Saharan Africa|Africa|-6.1659|39.2026|220000|0
Zarqa|Jordan|JO|MENA|Asia|32.0728|36.088|630000|0
Zvečan|Kosovo|XK|Europe|Europe|42.9075|20.8403|17000|0
"""

# themes the seeds attach to named cities (programme lines, see docs/demo-world.md)
THEMES = {
    "saida": "local_prevention_network;young_cities", "tripoli": "local_prevention_network;young_cities",
    "majdal-anjar": "local_prevention_network", "irbid": "local_prevention_network",
    "al-karak": "local_prevention_network", "zarqa": "local_prevention_network",
    "quetta": "city_consultation", "peshawar": "city_consultation;city_exchange",
    "nowshera": "city_consultation", "dhaka-north": "city_consultation;local_action_planning",
    "dhaka-south": "city_consultation;local_action_planning", "narayanganj": "city_consultation",
    "mombasa": "local_action_planning;city_consultation;city_exchange;young_cities",
    "dakar": "city_exchange;young_cities", "montreal": "city_exchange", "kristiansand": "city_exchange",
    "birmingham": "city_exchange", "luton": "city_exchange", "anaheim": "city_exchange",
    "louisville": "city_exchange", "mumbai": "city_exchange", "aarhus": "summit", "victoria": "summit",
    "antalya": "summit", "chattanooga": "public_private_partnership", "london": "hate_speech_mapping;public_private_partnership",
    "kolofata": "local_action_planning", "kousseri": "local_action_planning", "mokolo": "local_action_planning",
    "meri-diamare": "local_action_planning", "peja-pec": "training", "ulcinj": "training",
    "kumanovo": "city_consultation;local_action_planning", "tetovo": "city_consultation",
}

COLUMNS = ["city_id", "name", "country", "country_code", "region", "continent", "lat", "lon", "population",
           "steering_committee", "joined_year", "themes"]


def build() -> pd.DataFrame:
    """The registry frame, columns as the `cities` lake table."""
    cols = ["name", "country", "country_code", "region", "continent", "lat", "lon", "population", "sc"]
    df = pd.read_csv(io.StringIO(MEMBERS), sep="|", names=cols, keep_default_na=False)
    df["city_id"] = df["name"].map(slugify)
    df["steering_committee"] = df.pop("sc").astype(bool)
    df["joined_year"] = pd.array([pd.NA] * len(df), dtype="Int32")
    df["themes"] = df["city_id"].map(THEMES).fillna("")
    assert df["city_id"].is_unique
    return df[COLUMNS].sort_values("city_id").reset_index(drop=True)


if __name__ == "__main__":
    out = Path(__file__).resolve().parents[1] / "scn" / "data" / "cities.csv"
    build().to_csv(out, index=False)
    print(out)
