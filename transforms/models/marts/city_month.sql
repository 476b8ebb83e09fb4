-- counts per city x month over every location precision, with posts the classifier could not assess
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='city_id',
          on_schema_change='fail', pre_hook="{{ delete_changed_cities() }}") }}
with counts as (
    {{ speech_crime_counts(['city_id'], 'month', 'true') }}
)
select c.city_id, c.period, c.posts, c.flagged_posts, c.not_assessed_posts, c.crimes, c.hate_crimes,
       ci.population
from counts c
left join {{ ref('stg_cities') }} ci using (city_id)
