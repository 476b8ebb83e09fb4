-- participation records joined to their activity (records of an activity not in the lake are left out), with the
-- home country and home place as one spelling each: a country written in another case, with or without accents or
-- extra spaces, or as its ISO code, is the registry's country; a city whose name is a registry city's (as a slug:
-- case, accents, spaces and hyphens aside), or one of its other names (city_aliases seed: "Beyrouth" is Beirut),
-- in that country, or the only registry city of that name when no country is given, is the registry's city; any
-- other country or city is one place per case/accent/space variant (its first spelling in sort order). A record names its activity whatever the case
-- of the id (activity_key: `act-7` is the activity `ACT-7`); `planned`: the activity has not been held yet.
{%- set key = "lower(regexp_replace(trim(strip_accents({})), '\\s+', ' ', 'g'))" %}
with registry as (  -- each registry city by its name and by its other names (city_aliases seed: `Beyrouth`)
    select city_id, name, country, {{ city_slug('name') }} as name_slug
    from {{ ref('stg_cities') }} where name is not null
    union
    select c.city_id, c.name, c.country, {{ city_slug('x.alias') }}
    from {{ ref('city_aliases') }} x join {{ ref('stg_cities') }} c on c.city_id = x.city_id
    where c.name is not null
),
country_names as (  -- each way a registry country may be written -> the registry's name
    select written, min(country) as country
    from (
        select {{ key.format('country') }} as written, country from {{ ref('stg_cities') }} where country is not null
        union all
        select lower(trim(country_code)), country from {{ ref('stg_cities') }}
        where country_code is not null and country is not null
    )
    group by written
),
people as (
    select p.*, {{ key.format('p.home_country') }} as country_key, {{ key.format('p.home_city') }} as city_key,
        {{ city_slug('p.home_city') }} as city_slug
    from {{ ref('stg_programme_participants') }} p
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
        on r.name_slug = q.city_slug and q.city_slug <> ''
        and (q.country_name is null or r.country = q.country_name)
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
