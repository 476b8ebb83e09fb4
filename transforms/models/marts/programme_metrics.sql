-- activities and distinct people per programme line x host city x country x region x role x year
-- (activities without participant records appear with role null and people 0)
select
    a.programme_line,
    a.city_id,
    a.country,
    a.region,
    p.role,
    a.year,
    count(distinct a.activity_id) as activities,
    count(distinct p.person_pseudo) as people
from {{ ref('int_activities') }} a
left join {{ ref('stg_programme_participants') }} p using (activity_id)
group by all
