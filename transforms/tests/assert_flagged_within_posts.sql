-- flagged posts never exceed posts, hate crimes never exceed crimes, at any grain
select 'cell' as grain, city_id, period from {{ ref('cell_month') }}
where flagged_posts > posts or hate_crimes > crimes or posts < 0 or crimes < 0
union all
select 'area', city_id, period from {{ ref('area_month') }} where flagged_posts > posts or hate_crimes > crimes
union all
select 'city', city_id, period from {{ ref('city_month') }}
where flagged_posts > posts or hate_crimes > crimes or not_assessed_posts > posts
