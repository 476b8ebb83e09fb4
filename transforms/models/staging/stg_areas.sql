-- boundary areas, one row per city x area_code: the newest ingested part wins
with {{ newest_part_ctes('areas') }}
select
    cast(city_id as varchar) as city_id,
    cast(area_code as varchar) as area_code,
    cast(area_name as varchar) as area_name,
    cast(area_name_local as varchar) as area_name_local,
    cast(population as bigint) as population,
    cast(geometry_wkt as varchar) as geometry_wkt,
    cast(centroid_lat as double) as centroid_lat,
    cast(centroid_lon as double) as centroid_lon
from src
left join parts using (part_id)
where city_id is not null and area_code is not null
qualify row_number() over (partition by city_id, area_code order by {{ newest_part_order() }}) = 1
