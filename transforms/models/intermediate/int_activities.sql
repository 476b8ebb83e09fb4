-- activities with their member city, country and region read from the member registry as it is now (a city
-- registered, or its region corrected, after the file was ingested is used at the next build): the recorded city
-- id, else (summits, exchanges) the registry city the host's name names (macros/programme_places.sql city_names:
-- its id, name or another name - city_aliases seed: `Beyrouth` - as a city key: case, accents, spaces, a
-- parenthesised part and a leading "The" aside) when exactly one registry city of that name is in the activity's
-- country: its country is the city's (name in any case or accents, or ISO code); or it is a name the registry
-- does not know ("UK") for a host named without a qualifier, and not the country of another place of that name
-- (city_homonyms seed: Tripoli, Libya); or it is not given and the name says which place it is (not Tripoli). A
-- host named with a qualifier ("London (Ontario)") needs the city's own country. The country in one spelling:
-- a member city's registry country, else the recorded one (country_names: the registry's, in any case, accents,
-- punctuation or spaces, as its ISO code or as the country_names seed writes it - UK, Liban, Türkiye; else the
-- first written of its variants). A summit or exchange stored with the city id its host's name alone named (the
-- ingest before hosts were named by name and country) is read again by name and country, as one ingested now
-- would be. The registry's region for the city, else for the
-- country, else the one stored at ingest. An activity starting after the build's as-of date (as_of_date: the var
-- `as_of`, else today) is planned, not held: the marts that count what ran leave it out. `held_from`, the first
-- as-of date on which it counts as held, tells `scn run` when a build stops being current
-- (assets/transforms/state.py)
with countries as (
    select country, min(region) as region from {{ ref('stg_cities') }} where country is not null group by country
),
country_names as ({{ country_names() }}),
city_names as ({{ city_names() }}),
activities as (
    select a.* exclude (country, city_id), {{ country_key('a.country') }} as country_key,
        n.country is not null as country_known,
        -- one spelling per country: the registry's, else the first written of its case/accent/space variants
        coalesce(n.country, min(trim(a.country)) over (partition by {{ country_key('a.country') }})) as country,
        -- a summit or exchange (scn.ingest.programme EVENT_LINES) stored with the city id its host's name alone
        -- names (the ingest before hosts were named by name and country) is read again by name and country
        case when (a.programme_line, a.activity_type) in (('summit', 'summit'), ('city_exchange', 'exchange'))
                  and exists (select 1 from city_names h
                              where h.name_key = {{ city_key('a.host_city') }} and h.city_id = a.city_id)
             then null else a.city_id end as city_id
    from (  -- a country written as none (`n/a`, `-`, `unknown`: programme_places.sql no_country_keys) is none
        select * replace ({{ given_country('country') }} as country) from {{ ref('stg_programme_activities') }}
    ) a
    left join country_names n on n.written = {{ country_key('a.country') }}
),
candidates as (  -- each activity without a city id -> the registry cities its host's name may be, in its country
    select a.activity_id, h.city_id
    from activities a
    join city_names h
        on a.city_id is null and h.name_key = {{ city_key('a.host_city') }}
        and ((a.country is null and not h.ambiguous) or h.country is null
             or a.country = h.country
             or a.country_key in ({{ country_key('h.country') }}, lower(coalesce(h.country_code, '')))
             or (not a.country_known and a.host_city not like '%(%'
                 and not list_contains(h.other_countries, a.country_key)))
    group by all
),
linked as (
    select a.* exclude (country_key, country_known), coalesce(a.city_id, m.city_id) as member_city
    from activities a
    left join (select activity_id, min(city_id) as city_id from candidates group by all
               having count(distinct city_id) = 1) m on m.activity_id = a.activity_id
)
select
    a.activity_id,
    a.programme_line,
    a.activity_type,
    a.title,
    a.member_city as city_id,
    a.host_city,
    coalesce(c.country, a.country) as country,  -- a member city's is the registry's
    coalesce(c.region, k.region, a.region) as region,
    a.start_date,
    a.end_date,
    a.year,
    coalesce(a.start_date, make_date(a.year, 1, 1)) as held_from,
    coalesce(coalesce(a.start_date, make_date(a.year, 1, 1)) > {{ as_of_date() }}, false) as planned
from linked a
left join {{ ref('stg_cities') }} c on c.city_id = a.member_city
left join countries k on k.country = coalesce(c.country, a.country)
