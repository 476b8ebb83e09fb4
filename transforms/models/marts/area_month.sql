-- counts per city x official area x month (cell- and area-precision events that carry an area_code)
with counts as (
    {{ speech_crime_counts(['city_id', 'area_code'], 'month', "area_code is not null and location_precision in ('cell', 'area')") }}
)
select c.city_id, c.area_code, c.period, c.posts, c.flagged_posts, c.crimes, c.hate_crimes, a.population
from counts c
left join {{ ref('stg_areas') }} a using (city_id, area_code)
