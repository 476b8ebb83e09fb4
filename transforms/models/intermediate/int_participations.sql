-- participation records joined to their activity (records of an activity not in the lake are left out), with the
-- home country and home place as one spelling each: a country written in another case, with or without accents or
-- extra spaces, or as its ISO code, is the registry's country (macros/programme_places.sql country_names); a city
-- whose name is a registry city's (as a city key: case, accents, spaces, hyphens and a leading "The" aside), or
-- its id, or one of its other names (city_aliases seed: "Beyrouth" is Beirut), in that country, or the only
-- registry city of that name when no country is given and the name says which place it is (city_names: not
-- Tripoli, which is also Libya's, nor a name two registry cities bear), is the registry's city; any other country
-- or city is one place however written (programme_places.sql place_key: the city key - letters folded, case,
-- accents, spaces, hyphens aside -, or a name with letters of another script by all its folded letters; its first spelling in sort
-- order). A record names its
-- activity whatever the case of the id (activity_key: `act-7` is the activity `ACT-7`); `planned`: the activity
-- has not been held yet.
with registry as ({{ city_names() }}),  -- each registry city by its id, name and other names (city_aliases)
country_names as ({{ country_names() }}),  -- each way a registry country may be written -> the registry's name
people as (
    select p.*, {{ country_key('p.home_country') }} as country_key, {{ place_key('p.home_city') }} as city_key,
        {{ city_key('p.home_city') }} as city_slug
    from (  -- a country written as none (`n/a`, `-`, `unknown`: programme_places.sql no_country_keys) is none
        select * replace ({{ given_country('home_country') }} as home_country)
        from {{ ref('stg_programme_participants') }}
    ) p
),
countried as (
    select p.*,
        coalesce(n.country, min(trim(p.home_country)) over (partition by p.country_key)) as country_name
    from people p
    left join country_names n on n.written = p.country_key
),
places as (  -- each (country, city as written) -> the registry city it names, when exactly one
    select q.country_name, q.city_key, q.city_slug,
        count(distinct r.city_id) as matches, min(r.name) as city_name, min(r.country) as city_country
    from (select distinct country_name, city_key, city_slug from countried where home_city is not null) q
    left join registry r
        on r.name_key = q.city_slug and q.city_slug <> ''
        and ((q.country_name is null and not r.ambiguous) or r.country = q.country_name)
    group by all
),
placed as (
    select c.*,
        case when c.home_city is not null then
            coalesce(c.country_name, case when pl.matches = 1 then pl.city_country end, '?') || '|'
            || coalesce(case when pl.matches = 1 then pl.city_name end,
                        min(trim(c.home_city)) over (partition by c.country_name, c.city_key))
        end as home_place
    from countried c
    left join places pl
        on pl.city_key = c.city_key and pl.city_slug = c.city_slug
        and pl.country_name is not distinct from c.country_name
)
select
    p.record_id,
    p.person_pseudo,
    p.role,
    p.home_city,
    p.country_name as home_country,
    p.home_place,
    a.activity_id,
    a.programme_line,
    a.activity_type,
    a.title,
    a.city_id,
    a.host_city,
    a.country,
    a.region,
    a.year,
    a.planned
from placed p
join {{ ref('int_activities') }} a on {{ activity_key('a.activity_id') }} = {{ activity_key('p.activity_id') }}
