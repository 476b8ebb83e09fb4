-- one row per post with the flags the counts need; flagged = a label the post_labels seed marks is_flagged
select
    p.post_key,
    p.city_id,
    p.location_precision,
    p.area_code,
    case when p.location_precision = 'cell' then p.cell end as cell,
    case when p.location_precision = 'cell' then p.resolution end as resolution,
    p.month,
    p.week,
    coalesce(l.is_flagged, false) as is_flagged,
    p.is_assessed
from {{ ref('stg_posts_enriched') }} p
left join {{ ref('post_labels') }} l on l.label = p.label
where p.city_id is not null
