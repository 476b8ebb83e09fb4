-- counts per city x official area x month (cell- and area-precision events that carry an area_code)
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='city_id',
          on_schema_change='fail', pre_hook="{{ delete_changed_cities() }}") }}
with counts as (
    {{ speech_crime_counts(['city_id', 'area_code'], 'month', "area_code is not null and location_precision in ('cell', 'area')") }}
)
select c.city_id, c.area_code, c.period, c.posts, c.flagged_posts, c.crimes, c.hate_crimes, a.population
from counts c
left join {{ ref('stg_areas') }} a using (city_id, area_code)
