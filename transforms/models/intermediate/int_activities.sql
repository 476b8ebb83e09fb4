-- activities with their member city, country and region read from the member registry as it is now (a city
-- registered, or its region corrected, after the file was ingested is used at the next build): the recorded city
-- id, else (summits, exchanges) the host city's name, or another name of it (city_aliases seed: `Beyrouth`), as a
-- city id when the registry has it and the activity's
-- country does not say otherwise: its country is not given, is the city's (name in any case or accents, or ISO
-- code), or is a name the registry does not know ("UK") for a host named without a qualifier; a host named with
-- one ("London (Ontario)") needs the city's own country. The registry's region for the city, else for the
-- country, else the one stored at ingest. An activity starting after the build's as-of date (as_of_date: the var
-- `as_of`, else today) is planned, not held: the marts that count what ran leave it out. `held_from`, the first
-- as-of date on which it counts as held, tells `scn run` when a build stops being current
-- (assets/transforms/state.py)
with countries as (
    select country, min(region) as region from {{ ref('stg_cities') }} where country is not null group by country
),
known as (  -- the countries the registry names, as a partner may write them
    select lower(trim(strip_accents(country))) as country_key from {{ ref('stg_cities') }} where country is not null
    union
    select lower(country_code) from {{ ref('stg_cities') }} where country_code is not null
),
aliases as (  -- a registry city's other names (city_aliases seed: `Beyrouth` is beirut), as slugs
    select {{ city_slug('alias') }} as alias_slug, min(city_id) as city_id from {{ ref('city_aliases') }}
    group by all having count(distinct city_id) = 1
),
activities as (
    select a.*, lower(trim(strip_accents(a.country))) as country_key,
        coalesce(lower(trim(strip_accents(a.country))) in (select country_key from known), false) as country_known,
        coalesce(al.city_id, {{ city_slug('a.host_city') }}) as host_key
    from {{ ref('stg_programme_activities') }} a
    left join aliases al on al.alias_slug = {{ city_slug('a.host_city') }}
),
linked as (
    select a.* exclude (host_key), coalesce(a.city_id, h.city_id) as member_city
    from activities a
    left join {{ ref('stg_cities') }} h
        on a.city_id is null and h.city_id = a.host_key
        and (a.country is null or h.country is null
             or a.country_key in (lower(trim(strip_accents(h.country))), lower(coalesce(h.country_code, '')))
             or (not a.country_known and a.host_city not like '%(%'))
)
select
    a.activity_id,
    a.programme_line,
    a.activity_type,
    a.title,
    a.member_city as city_id,
    a.host_city,
    coalesce(a.country, c.country) as country,
    coalesce(c.region, k.region, a.region) as region,
    a.start_date,
    a.end_date,
    a.year,
    coalesce(a.start_date, make_date(a.year, 1, 1)) as held_from,
    coalesce(coalesce(a.start_date, make_date(a.year, 1, 1)) > {{ as_of_date() }}, false) as planned
from linked a
left join {{ ref('stg_cities') }} c on c.city_id = a.member_city
left join countries k on k.country = coalesce(a.country, c.country)
