-- activities and distinct people per SCN region, programme line and year, every role together (the network page's
-- chart and planned table: `programme_metrics` is split by role, so summing its activities counts an activity once
-- per role; `programme_years` has no region). The region is int_activities': the host member city's, else its
-- country's, else the one recorded. Held activities only in `activities` and `people`; planned ones
-- (int_activities.planned) in `planned_activities`. An activity id in another case or with other accents is one
-- activity, and a participant record names it whatever the spelling (activity_key)
select
    a.region,
    a.programme_line,
    a.year,
    count(distinct {{ activity_key('a.activity_id') }}) filter (where a.planned is not true) as activities,
    count(distinct p.person_pseudo) filter (where a.planned is not true) as people,
    count(distinct {{ activity_key('a.activity_id') }}) filter (where a.planned) as planned_activities
from {{ ref('int_activities') }} a
left join {{ ref('stg_programme_participants') }} p
    on {{ activity_key('p.activity_id') }} = {{ activity_key('a.activity_id') }}
group by all
