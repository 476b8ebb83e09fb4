-- programme activities; year falls back to the start date's year. One row per activity as it is named whatever the
-- case of its id (activity_key: `ACT-7` and `act-7` from two files of one partner are one activity), the row with
-- the latest start date kept (then the id's first spelling in sort order)
select
    cast(activity_id as varchar) as activity_id,
    cast(programme_line as varchar) as programme_line,
    cast(activity_type as varchar) as activity_type,
    cast(title as varchar) as title,
    nullif(trim(cast(city_id as varchar)), '') as city_id,
    cast(host_city as varchar) as host_city,
    cast(country as varchar) as country,
    nullif(trim(cast(region as varchar)), '') as region,
    cast(start_date as date) as start_date,
    cast(end_date as date) as end_date,
    coalesce(cast(year as integer), cast(year(cast(start_date as date)) as integer)) as year
from {{ source('lake', 'programme_activities') }}
qualify row_number() over (
    partition by {{ activity_key('activity_id') }} order by start_date desc nulls last, activity_id
) = 1
