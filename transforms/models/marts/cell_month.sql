-- posts, flagged posts, crimes and hate crimes per city x H3 cell x month; only cell-precision events
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='city_id',
          on_schema_change='fail', pre_hook="{{ delete_changed_cities() }}") }}
with counts as (
    {{ speech_crime_counts(['city_id', 'cell', 'resolution'], 'month', "location_precision = 'cell' and cell is not null") }}
)
select city_id, cell, resolution, period, posts, flagged_posts, crimes, hate_crimes,
       cast(null as bigint) as population
from counts
