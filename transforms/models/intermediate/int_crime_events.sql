-- one row per crime with the flags the counts need; not_assessed/is_assessed exist for symmetry with posts
select
    crime_key,
    city_id,
    location_precision,
    area_code,
    case when location_precision = 'cell' then cell end as cell,
    case when location_precision = 'cell' then resolution end as resolution,
    month,
    week,
    is_hate,
    true as is_assessed
from {{ ref('stg_crimes_enriched') }}
where city_id is not null
