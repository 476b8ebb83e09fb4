-- participation records joined to their activity; home place key for distinct-city counts
select
    p.record_id,
    p.person_pseudo,
    p.role,
    p.home_city,
    p.home_country,
    case when p.home_city is not null then coalesce(p.home_country, '?') || '|' || p.home_city end as home_place,
    a.activity_id,
    a.programme_line,
    a.activity_type,
    a.title,
    a.city_id,
    a.host_city,
    a.country,
    a.region,
    a.year
from {{ ref('stg_programme_participants') }} p
join {{ ref('int_activities') }} a using (activity_id)
