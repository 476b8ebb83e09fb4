-- the member registry as published: one row per city, the newest ingested version of each (stg_cities)
select
    city_id, name, country, country_code, region, continent, lat, lon, population, steering_committee,
    joined_year, themes, timezone
from {{ ref('stg_cities') }}
