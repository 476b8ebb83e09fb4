-- activities and distinct people per programme line, host city and year, every role together (the city page's
-- programme table: `programme_metrics` is split by role, so summing its activities counts an activity once per role).
-- Held activities only in `activities` and `people`; planned ones (int_activities.planned) in `planned_activities`.
-- A participant record names its activity whatever the case of the id (activity_key)
select
    a.programme_line,
    a.city_id,
    a.year,
    count(distinct a.activity_id) filter (where a.planned is not true) as activities,
    count(distinct p.person_pseudo) filter (where a.planned is not true) as people,
    count(distinct a.activity_id) filter (where a.planned) as planned_activities
from {{ ref('int_activities') }} a
left join {{ ref('stg_programme_participants') }} p
    on {{ activity_key('p.activity_id') }} = {{ activity_key('a.activity_id') }}
group by all
