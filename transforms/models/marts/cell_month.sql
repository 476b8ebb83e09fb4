-- posts, flagged posts, crimes and hate crimes per city x H3 cell x month; only cell-precision events
with counts as (
    {{ speech_crime_counts(['city_id', 'cell', 'resolution'], 'month', "location_precision = 'cell' and cell is not null") }}
)
select city_id, cell, resolution, period, posts, flagged_posts, crimes, hate_crimes,
       cast(null as bigint) as population
from counts
