-- member registry, one row per city: the newest ingested part wins (parts are ordered by ingest_log time)
with {{ newest_part_ctes('cities') }},
-- timezone is optional and newer than the table: parts written before it have no such column (null: UTC)
registry as (select * from src union all by name select null::varchar as timezone where false)
select
    cast(city_id as varchar) as city_id,
    cast(name as varchar) as name,
    cast(country as varchar) as country,
    cast(country_code as varchar) as country_code,
    cast(region as varchar) as region,
    cast(continent as varchar) as continent,
    cast(lat as double) as lat,
    cast(lon as double) as lon,
    cast(population as bigint) as population,
    cast(steering_committee as boolean) as steering_committee,
    cast(joined_year as integer) as joined_year,
    cast(themes as varchar) as themes,
    cast(timezone as varchar) as timezone
from registry as src
left join parts using (part_id)
where city_id is not null
qualify row_number() over (partition by city_id order by {{ newest_part_order() }}) = 1
