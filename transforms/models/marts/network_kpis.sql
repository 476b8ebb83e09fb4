-- headline network figures in the shape SCN publishes, each computed from the records (see docs/metrics.md); what
-- ran only: a planned activity (int_activities.planned) and its registered participants count nowhere yet
with p as (select * from {{ ref('int_participations') }} where planned is not true),
-- host_place: a host city once however it is written - its member city (int_activities links another name or
-- case of a registry city to it), else the country (int_activities: one spelling) and the name as a place key
-- (programme_places.sql place_key: case, accents, spaces and a leading "The" aside; a name with letters of another
-- script by all its letters, no longer dropped nor keyed by its Latin letters alone); a host with no country (int_activities.country null: none
-- recorded, or `n/a`) under the explicit key `(no country)`, which no country key can be (it has no brackets)
a as (
    select *, coalesce('=' || city_id, coalesce(nullif({{ country_key('country') }}, ''), '(no country)') || '|'
                                       || nullif({{ place_key('host_city') }}, '')) as host_place
    from {{ ref('int_activities') }} where planned is not true
),
g as (select * from {{ ref('stg_programme_grants') }}),
-- the roles that count as city officials (is_city_leader in the participant_roles seed: mayor, city_official)
leaders as (select role from {{ ref('participant_roles') }} where is_city_leader),
trained as (
    select count(distinct person_pseudo) as people,
           count(distinct home_place) as cities,
           count(distinct home_country) as countries
    from p
    where programme_line in ('training', 'local_action_planning') and role in (select role from leaders)
),
reached as (
    select count(distinct person_pseudo) as people, count(distinct home_place) as cities,
           count(distinct home_country) as countries
    from p
),
lpn as (
    select count(distinct a.activity_id) as networks,
           count(distinct a.host_place) as cities,
           (select count(distinct person_pseudo) from p where programme_line = 'local_prevention_network') as members
    from a where programme_line = 'local_prevention_network'
),
lap as (
    select count(distinct host_place) as cities, count(distinct country) as countries
    from a where programme_line = 'local_action_planning'
),
consult as (
    select count(distinct activity_id) as consultations,
           count(distinct host_place) as cities,
           count(distinct country) as countries
    from a where programme_line = 'city_consultation'
),
grants as (
    select count(distinct grant_id) as grants, count(distinct city_id) as cities from g
),
-- amounts are summed per currency (never across currencies); no grants: one row of 0 in unit `currency`
grant_amounts as (
    select currency, sum(amount) as amount from g where currency is not null group by currency
    union all
    select 'currency', 0 where not exists (select 1 from g where currency is not null)
),
exchange as (
    select count(distinct activity_id) as exchanges,
           count(distinct person_pseudo) filter (where person_pseudo is not null) as people,
           count(distinct home_place) as cities
    from a left join p using (activity_id, programme_line)
    where a.programme_line = 'city_exchange'
),
young as (
    select count(distinct a.host_place) as cities,
           count(distinct a.country) as countries,
           (select count(distinct person_pseudo) from p
            where programme_line = 'young_cities' and role = 'youth') as youth
    from a where programme_line = 'young_cities'
),
summits as (
    select count(distinct activity_id) as summits from a where programme_line = 'summit'
),
-- current members only: a city that left the network (left_year) is a former member, counted apart
members as (
    select count(*) as cities, count(distinct country) as countries from {{ ref('stg_cities') }}
    where left_year is null
),
former as (
    select count(*) as cities from {{ ref('stg_cities') }} where left_year is not null
),
kpis as (
    select 'member_cities' as kpi, cities::double as value, 'cities' as unit,
           format('{} current member cities in {} countries', cities, countries) as statement from members
    union all
    select 'former_member_cities', cities, 'cities',
           format('{} former member cities (left the network)', cities) from former
    union all
    select 'officials_trained', people, 'people',
           format('Trained {} city officials in {} cities across {} countries', people, cities, countries)
    from trained
    union all
    select 'people_reached', people, 'people',
           format('Reached {} people from {} cities in {} countries', people, cities, countries) from reached
    union all
    select 'local_prevention_networks', networks, 'networks',
           format('{} Local Prevention Networks with {} members', networks, members) from lpn
    union all
    select 'lpn_members', members, 'people',
           format('{} Local Prevention Network members', members) from lpn
    union all
    select 'lap_cities', cities, 'cities',
           format('Local Action Planning in {} cities in {} countries', cities, countries) from lap
    union all
    select 'lap_countries', countries, 'countries',
           format('Local Action Planning in {} countries', countries) from lap
    union all
    select 'city_consultations', consultations, 'consultations',
           format('{} city consultations in {} cities across {} countries', consultations, cities, countries)
    from consult
    union all
    select 'innovation_grants', grants, 'grants',
           format('{} grants to organisations in {} cities', grants, cities) from grants
    union all
    select 'grants_amount', amount, currency,
           format('{} {} awarded in grants', round(amount)::bigint, currency) from grant_amounts
    union all
    select 'city_exchanges', exchanges, 'exchanges',
           format('{} city exchanges with {} participants from {} cities', exchanges, people, cities)
    from exchange
    union all
    select 'young_cities', cities, 'cities',
           format('Young Cities in {} cities across {} countries, reaching {} young people', cities, countries,
                  youth)
    from young
    union all
    select 'summits', summits, 'summits', format('{} Global Summits', summits) from summits
)
select kpi, value, unit, statement from kpis
