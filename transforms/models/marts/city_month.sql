-- counts per city x month over every location precision, with posts the classifier could not assess
with counts as (
    {{ speech_crime_counts(['city_id'], 'month', 'true') }}
)
select c.city_id, c.period, c.posts, c.flagged_posts, c.not_assessed_posts, c.crimes, c.hate_crimes,
       ci.population
from counts c
left join {{ ref('stg_cities') }} ci using (city_id)
