-- flagged posts per city x month x target group, over every location precision (they add up to city_month's)
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='city_id',
          on_schema_change='fail', pre_hook="{{ delete_changed_cities() }}") }}
select
    p.city_id,
    p.month as period,
    coalesce(p.target, 'unspecified') as target,
    count(*) as flagged_posts
from {{ ref('stg_posts_enriched') }} p
join {{ ref('post_labels') }} l on l.label = p.label
where {{ city_filter('p.city_id') }} and l.is_flagged and p.city_id is not null and p.month is not null
group by all
