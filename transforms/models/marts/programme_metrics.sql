-- activities and distinct people per programme line x host city x country x region x role x year
-- (activities without participant records appear with role null and people 0). Held activities only in
-- `activities` and `people`; an activity planned (int_activities.planned: starting after the as-of date) counts in
-- `planned_activities`, its registered participants nowhere yet. A participant record names its activity whatever
-- the case of the id (activity_key)
select
    a.programme_line,
    a.city_id,
    a.country,
    a.region,
    p.role,
    a.year,
    count(distinct a.activity_id) filter (where a.planned is not true) as activities,
    count(distinct p.person_pseudo) filter (where a.planned is not true) as people,
    count(distinct a.activity_id) filter (where a.planned) as planned_activities
from {{ ref('int_activities') }} a
left join {{ ref('stg_programme_participants') }} p
    on {{ activity_key('p.activity_id') }} = {{ activity_key('a.activity_id') }}
group by all
