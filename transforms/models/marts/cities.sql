-- the member registry as published: one row per city, the newest ingested version of each (stg_cities); former
-- members stay (their history is the network's), told apart by left_year
select
    city_id, name, country, country_code, region, continent, lat, lon, population, steering_committee,
    joined_year, themes, timezone, left_year
from {{ ref('stg_cities') }}
