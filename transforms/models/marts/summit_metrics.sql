-- per summit: distinct delegates, their distinct home cities and home countries, from participant records
select
    title as summit,
    year,
    host_city as city,
    country,
    count(distinct person_pseudo) as delegates,
    count(distinct home_place) as cities,
    count(distinct home_country) as countries
from {{ ref('int_participations') }}
where programme_line = 'summit'
group by activity_id, title, year, host_city, country
