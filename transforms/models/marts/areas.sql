-- official boundary areas as published: one row per city and area, the newest ingested version (stg_areas)
select city_id, area_code, area_name, area_name_local, population, geometry_wkt, centroid_lat, centroid_lon
from {{ ref('stg_areas') }}
