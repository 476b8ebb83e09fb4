-- the area-level panel: counts per city x official area x period kind (month, quarter, year) x period, with one
-- source of hate crime per city and period (published counts where the city has them, else incidents whose hate
-- status is known; never both), posts aggregated to the same period and the area's population of that year.
-- A published period keeps its own start and length: a financial year (2025/26, from 2025-04-01) is set
-- against the posts and incidents of April 2025 to March 2026, never moved to the calendar year
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='city_id',
          on_schema_change='fail', pre_hook="{{ delete_changed_cities() }}") }}
with post_events as (
    select city_id, area_code, cast(month || '-01' as date) as day, is_flagged
    from {{ ref('int_post_events') }}
    where area_code is not null and location_precision in ('cell', 'area') and month is not null
      and {{ city_filter() }}
),
-- the cities that send posts (any post, wherever located): posts are null, not 0, for a city that never sent any
post_cities as (
    select distinct city_id from {{ ref('int_post_events') }} where {{ city_filter() }}
),
crime_events as (
    select city_id, area_code, cast(month || '-01' as date) as day, is_hate
    from {{ ref('int_crime_events') }}
    where month is not null and {{ city_filter() }}
),
counts as (
    select city_id, area_code, period_kind, date_trunc('month', period_start)::date as period_start,
           category, hate_strand, is_hate, crime_count
    from {{ ref('stg_crime_counts') }}
    where {{ city_filter() }}
),
-- every city gets months; a city with published counts also gets the period kinds of its counts, aligned as
-- the counts are: `shift` = months from the kind's calendar start to the counts' start (3: a financial year)
city_kinds as (
    select distinct city_id, 'month' as period_kind, 0 as shift from post_events
    union select distinct city_id, 'month', 0 from crime_events
    union select distinct city_id, period_kind,
                 (month(period_start) - 1)
                 % case period_kind when 'year' then 12 when 'quarter' then 3 else 1 end
    from counts
),
posts as (
    select e.city_id, e.area_code, k.period_kind,
           (date_trunc(k.period_kind, e.day - to_months(k.shift)) + to_months(k.shift))::date as period_start,
           count(*) as posts, count(*) filter (where e.is_flagged) as flagged_posts
    from post_events e join city_kinds k using (city_id)
    group by all
),
-- incidents located to an area, per area and per city (the city's hate status is known when any is)
incidents as (
    select e.city_id, e.area_code, k.period_kind,
           (date_trunc(k.period_kind, e.day - to_months(k.shift)) + to_months(k.shift))::date as period_start,
           count(*) as crimes, count(e.is_hate) as known, count(*) filter (where e.is_hate) as hate_crimes
    from crime_events e join city_kinds k using (city_id)
    group by all
),
city_incidents as (
    select city_id, period_kind, period_start, sum(crimes) as crimes, sum(known) as known
    from incidents group by all
),
-- hate counts: the file's total where it gives one, else the sum over categories, else over strands
hate_counts as (
    select city_id, area_code, period_kind, period_start,
           coalesce(sum(crime_count) filter (where hate_strand = '' and category = ''),
                    sum(crime_count) filter (where hate_strand = '' and category <> ''),
                    sum(crime_count) filter (where hate_strand <> '' and category = ''),
                    sum(crime_count) filter (where hate_strand <> '' and category <> '')) as hate_crimes
    from counts where is_hate
    group by all
),
all_counts as (
    select city_id, area_code, period_kind, period_start,
           coalesce(sum(crime_count) filter (where category = ''), sum(crime_count)) as crimes
    from counts where not is_hate
    group by all
),
city_hate_counts as (select distinct city_id, period_kind, period_start from hate_counts),
city_all_counts as (select distinct city_id, period_kind, period_start from all_counts),
grid as (
    select city_id, area_code, period_kind, period_start from posts
    union select city_id, area_code, period_kind, period_start from incidents where area_code is not null
    union select city_id, area_code, period_kind, period_start from hate_counts
    union select city_id, area_code, period_kind, period_start from all_counts
),
panel as (
    select
        g.city_id, g.area_code, g.period_kind, g.period_start,
        case when pc.city_id is not null then coalesce(p.posts, 0) end as posts,
        case when pc.city_id is not null then coalesce(p.flagged_posts, 0) end as flagged_posts,
        case when cac.city_id is not null then coalesce(ac.crimes, 0)
             when coalesce(ci.crimes, 0) > 0 then coalesce(i.crimes, 0) end as crimes,
        case when cac.city_id is not null then 'counts'
             when coalesce(ci.crimes, 0) > 0 then 'incidents' end as crimes_source,
        case when chc.city_id is not null then coalesce(hc.hate_crimes, 0)
             when coalesce(ci.known, 0) > 0 then
                 case when coalesce(i.crimes, 0) = 0 then 0 when i.known > 0 then i.hate_crimes end
        end as hate_crimes,
        case when chc.city_id is not null then 'counts'
             when coalesce(ci.known, 0) > 0 then 'incidents'
             when coalesce(ci.crimes, 0) > 0 then 'unknown'
             else 'none' end as hate_source
    from grid g
    left join posts p using (city_id, area_code, period_kind, period_start)
    left join incidents i using (city_id, area_code, period_kind, period_start)
    left join hate_counts hc using (city_id, area_code, period_kind, period_start)
    left join all_counts ac using (city_id, area_code, period_kind, period_start)
    left join city_incidents ci using (city_id, period_kind, period_start)
    left join city_hate_counts chc using (city_id, period_kind, period_start)
    left join city_all_counts cac using (city_id, period_kind, period_start)
    left join post_cities pc using (city_id)
),
-- population of the period's year: that year, else the latest earlier year, else undated (year 0), else the
-- nearest later year; else the boundary file's
pops as (
    select p.city_id, p.area_code, p.period_kind, p.period_start, a.value as population, a.year as population_year
    from panel p
    join {{ ref('stg_area_attributes') }} a
      on a.city_id = p.city_id and a.area_code = p.area_code and a.attribute = 'population'
    qualify row_number() over (
        partition by p.city_id, p.area_code, p.period_kind, p.period_start
        order by case when a.year = year(p.period_start) then 0
                      when a.year between 1 and year(p.period_start) - 1 then 1
                      when a.year = 0 then 2 else 3 end,
                 abs(a.year - year(p.period_start))) = 1
)
select
    p.city_id,
    p.area_code,
    p.period_kind,
    p.period_start,
    case p.period_kind when 'month' then strftime(p.period_start, '%Y-%m')
                       when 'quarter' then cast(year(p.period_start) as varchar) || '-Q'
                                           || cast(quarter(p.period_start) as varchar)
                       else cast(year(p.period_start) as varchar) end as period,
    p.posts,
    p.flagged_posts,
    cast(p.crimes as bigint) as crimes,
    p.crimes_source,
    cast(p.hate_crimes as bigint) as hate_crimes,
    p.hate_source,
    cast(coalesce(pp.population, a.population) as double) as population,
    pp.population_year
from panel p
left join pops pp using (city_id, area_code, period_kind, period_start)
left join {{ ref('stg_areas') }} a using (city_id, area_code)
