-- posts and flagged posts per city x official area x month x post language x platform: the counts the adjusted
-- counts (assets/review: adjusted_counts) correct with the error rates measured on posts of that language and
-- platform; same events as area_month
select
    p.city_id,
    p.area_code,
    p.month as period,
    coalesce(p.lang, 'unknown') as lang,
    -- the platform leads the post key (`x:123`, `forum@london:12`), as in classifier_coverage
    {{ key_platform('p.post_key') }} as platform,
    count(*) as posts,
    count(*) filter (where coalesce(l.is_flagged, false)) as flagged_posts
from {{ ref('stg_posts_enriched') }} p
left join {{ ref('post_labels') }} l on l.label = p.label
where p.city_id is not null and p.area_code is not null and p.location_precision in ('cell', 'area')
  and p.month is not null
group by all
