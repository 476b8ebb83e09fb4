{#-
  Full outer join of post counts and crime counts at one grain.
  keys: grain columns present in both int_post_events and int_crime_events; period: 'month' or 'week';
  where: filter applied to both event tables (with `city_filter()`: an incremental build reads the changed
  cities' events only).
  A city sends a source when it has any event of that family (a post; a crime), wherever located: the counts of
  a source the city never sent are null (not measured) in every row; a row of a city that does send it but had
  none of its events there that period is 0 (measured). hate_crimes is also null (unknown) when no crime of the
  group has a known hate status.
-#}
{% macro speech_crime_counts(keys, period, where) %}
with posts as (
    select {{ keys | join(', ') }}, {{ period }} as period,
           count(*) as posts,
           count(*) filter (where is_flagged) as flagged_posts,
           count(*) filter (where not is_assessed) as not_assessed_posts
    from {{ ref('int_post_events') }}
    where {{ where }} and {{ period }} is not null and {{ city_filter() }}
    group by all
),
crimes as (
    select {{ keys | join(', ') }}, {{ period }} as period,
           count(*) as crimes,
           -- unknown (null) when no crime of the group has a known hate status: never 0 for "not known"
           case when count(is_hate) > 0 then count(*) filter (where is_hate) end as hate_crimes
    from {{ ref('int_crime_events') }}
    where {{ where }} and {{ period }} is not null and {{ city_filter() }}
    group by all
),
-- the cities that send each source: any event of the family, before the grain's filter (`where`)
post_cities as (
    select distinct city_id from {{ ref('int_post_events') }} where {{ city_filter() }}
),
crime_cities as (
    select distinct city_id from {{ ref('int_crime_events') }} where {{ city_filter() }}
)
select
    {% for k in keys %}coalesce(p.{{ k }}, c.{{ k }}) as {{ k }},
    {% endfor %}coalesce(p.period, c.period) as period,
    case when pc.city_id is not null then coalesce(p.posts, 0) end as posts,
    case when pc.city_id is not null then coalesce(p.flagged_posts, 0) end as flagged_posts,
    case when pc.city_id is not null then coalesce(p.not_assessed_posts, 0) end as not_assessed_posts,
    case when cc.city_id is not null then coalesce(c.crimes, 0) end as crimes,
    case when cc.city_id is null then null when c.crimes is null then 0 else c.hate_crimes end as hate_crimes
from posts p
full outer join crimes c
  on {% for k in keys %}p.{{ k }} is not distinct from c.{{ k }} and {% endfor %}p.period = c.period
left join post_cities pc on pc.city_id = coalesce(p.city_id, c.city_id)
left join crime_cities cc on cc.city_id = coalesce(p.city_id, c.city_id)
{% endmacro %}
