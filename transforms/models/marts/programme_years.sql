-- activities and distinct people per programme line, host city and year, every role together (the city page's
-- programme table: `programme_metrics` is split by role, so summing its activities counts an activity once per role)
select
    a.programme_line,
    a.city_id,
    a.year,
    count(distinct a.activity_id) as activities,
    count(distinct p.person_pseudo) as people
from {{ ref('int_activities') }} a
left join {{ ref('stg_programme_participants') }} p using (activity_id)
group by all
