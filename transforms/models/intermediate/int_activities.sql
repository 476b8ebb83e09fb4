-- activities with region filled from the member registry when the record has none
select
    a.activity_id,
    a.programme_line,
    a.activity_type,
    a.title,
    a.city_id,
    a.host_city,
    coalesce(a.country, c.country) as country,
    coalesce(a.region, c.region) as region,
    a.start_date,
    a.end_date,
    a.year
from {{ ref('stg_programme_activities') }} a
left join {{ ref('stg_cities') }} c using (city_id)
