-- one row per post with the flags the counts need; flagged = classified as hate
select
    post_key,
    city_id,
    location_precision,
    area_code,
    case when location_precision = 'cell' then cell end as cell,
    case when location_precision = 'cell' then resolution end as resolution,
    month,
    week,
    coalesce(label = 'hate', false) as is_flagged,
    is_assessed
from {{ ref('stg_posts_enriched') }}
where city_id is not null
