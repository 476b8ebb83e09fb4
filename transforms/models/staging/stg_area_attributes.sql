-- area attributes (population, deprivation, ...) per city x area x attribute x year (0 = no year), typed; a value
-- sent again in a later file replaces the earlier one (the newest ingested part wins)
with {{ newest_part_ctes('area_attributes') }}
select
    cast(city_id as varchar) as city_id,
    cast(area_code as varchar) as area_code,
    cast(attribute as varchar) as attribute,
    cast(year as integer) as year,
    cast(value as double) as value
from src
left join parts using (part_id)
where city_id is not null and area_code is not null and attribute is not null and value is not null
qualify row_number() over (partition by city_id, area_code, attribute, year order by {{ newest_part_order() }}) = 1
