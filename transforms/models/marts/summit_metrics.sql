-- per summit (title, year, host city, country): distinct delegates, their distinct home places and home countries,
-- from participant records. One summit sent under two activity ids (`SUMMIT-2025` and `summit-2025` from two
-- delegate lists) is one row, its delegates counted once. A planned summit (int_participations.planned: it starts
-- after the build's as-of date) is not one held: its registered delegates wait for it
select
    title as summit,
    year,
    host_city as city,
    country,
    count(distinct person_pseudo) as delegates,
    count(distinct home_place) as cities,
    count(distinct home_country) as countries
from {{ ref('int_participations') }}
where programme_line = 'summit' and planned is not true
group by title, year, host_city, country
