-- weighted construct indices (0-100) with 95% CIs, overall and by area, gender and age group;
-- groups smaller than min_group() are suppressed (n shown, mean and CI null)
with r as (select * from {{ ref('int_survey_respondent_index') }}),
grouped as (
    select *, 'all' as group_type, 'all' as group_value from r
    union all select *, 'area', area_code from r where area_code is not null
    union all select *, 'gender', gender from r where gender is not null
    union all select *, 'age_group', age_group from r where age_group is not null
),
stats as (
    select
        survey_id, city_id, wave, construct, group_type, group_value,
        count(*) as n,
        {{ wmean('construct_index', 'weight') }} as wmean,
        {{ wse('construct_index', 'weight') }} as se
    from grouped
    group by survey_id, city_id, wave, construct, group_type, group_value
)
select
    survey_id, city_id, wave, construct, group_type, group_value, n,
    case when not suppressed then wmean end as mean,
    case when not suppressed then greatest(wmean - 1.959963984540054 * se, 0) end as ci_low,
    case when not suppressed then least(wmean + 1.959963984540054 * se, 100) end as ci_high,
    suppressed
from (select *, n < {{ min_group() }} as suppressed from stats)
