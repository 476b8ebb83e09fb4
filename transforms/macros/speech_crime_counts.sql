{#-
  Full outer join of post counts and crime counts at one grain.
  keys: grain columns present in both int_post_events and int_crime_events; period: 'month' or 'week';
  where: filter applied to both event tables (with `city_filter()`: an incremental build reads the changed
  cities' events only).
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
)
select
    {% for k in keys %}coalesce(p.{{ k }}, c.{{ k }}) as {{ k }},
    {% endfor %}coalesce(p.period, c.period) as period,
    coalesce(p.posts, 0) as posts,
    coalesce(p.flagged_posts, 0) as flagged_posts,
    coalesce(p.not_assessed_posts, 0) as not_assessed_posts,
    coalesce(c.crimes, 0) as crimes,
    case when c.crimes is null then 0 else c.hate_crimes end as hate_crimes
from posts p
full outer join crimes c
  on {% for k in keys %}p.{{ k }} is not distinct from c.{{ k }} and {% endfor %}p.period = c.period
{% endmacro %}
