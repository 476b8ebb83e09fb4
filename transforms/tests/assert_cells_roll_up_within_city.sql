-- a city's monthly totals cover at least its cell totals (cells hold a subset of the city's events)
with cells as (
    select city_id, period, sum(posts) as posts, sum(crimes) as crimes
    from {{ ref('cell_month') }} group by all
)
select c.city_id, c.period
from cells c
left join {{ ref('city_month') }} m using (city_id, period)
where m.city_id is null or c.posts > m.posts or c.crimes > m.crimes
