-- one row per participation record (a person may attend several activities)
select
    cast(record_id as varchar) as record_id,
    cast(activity_id as varchar) as activity_id,
    cast(person_pseudo as varchar) as person_pseudo,
    cast(role as varchar) as role,
    nullif(trim(cast(home_city as varchar)), '') as home_city,
    nullif(trim(cast(home_country as varchar)), '') as home_country,
    nullif(trim(cast(gender as varchar)), '') as gender
from {{ source('lake', 'programme_participants') }}
qualify row_number() over (partition by record_id order by activity_id) = 1
