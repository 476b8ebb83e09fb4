-- every counted city and country sends at least one delegate
select summit, year from {{ ref('summit_metrics') }}
where delegates < cities or cities < countries or delegates <= 0
