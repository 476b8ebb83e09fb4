-- weighted construct indices (0-100) with 95% CIs (Student t), overall and by area, gender and age group; groups
-- smaller than min_group() are suppressed (n shown, mean and CI null). The interval is cluster-robust by area (CR1, t
-- on clusters - 1 df) when every respondent of the group has an area and the group spans 2 or more areas (areas are
-- treated as sampled clusters), else respondent-level (Kish n_eff, t on n_eff - 1 df); either way the interval is
-- formed on the logit scale of mean / 100 (half-width t se / (p (1 - p)), back-transformed), so it is asymmetric
-- near 0 or 100 and stays inside the scale. A group whose answers are all equal, or with fewer than 2 effective
-- respondents, gets no interval (its variance is not estimable).
-- Staff only (scn.privacy.surveys drops them from officials' copies), for the disclosure rule: the unweighted
-- counts of respondents at the bottom (index 0) and at the top (100) of the scale (the weighted mean with its n is
-- only near them), the smallest distance of a respondent's index from an end of the scale among the wave's
-- respondents of the construct (index_step: every respondent off an end is at least that far from it) and the
-- construct's item type (binary where every answered item is yes/no).
with r as (select * from {{ ref('int_survey_respondent_index') }}),
grouped as (
    select *, 'all' as group_type, 'all' as group_value from r
    union all select *, 'area', area_code from r where area_code is not null
    union all select *, 'gender', gender from r where gender is not null
    union all select *, 'age_group', age_group from r where age_group is not null
),
resid as (  -- each area's sum of w (x - group mean): its term of the cluster-robust variance (kept on one row)
    select *,
        sum(weight * (construct_index - gm)) over (partition by survey_id, city_id, wave, construct, group_type,
                                                                group_value, area_code) as u_area,
        row_number() over (partition by survey_id, city_id, wave, construct, group_type, group_value, area_code
                           order by response_id) = 1 as first_of_area
    from (
        select *,
            sum(weight * construct_index) over g / sum(weight) over g as gm
        from grouped
        window g as (partition by survey_id, city_id, wave, construct, group_type, group_value)
    )
),
stats as (
    select
        survey_id, city_id, wave, construct, group_type, group_value,
        count(*) as n,
        {{ wmean('construct_index', 'weight') }} as wmean,
        {{ wse('construct_index', 'weight') }} as se,
        {{ n_eff('weight') }} as neff,
        {{ has_spread('construct_index') }} as spread,
        sum(weight) as w_sum,
        case when count(area_code) = count(*) and count(distinct area_code) >= 2
             then count(distinct area_code) end as clusters,
        sum(case when first_of_area then u_area * u_area end) as uu,
        count(*) filter (where construct_index <= 1e-9) as n_bottom,
        count(*) filter (where construct_index >= 100 - 1e-9) as n_top,
        least(min(case when construct_index > 1e-9 then construct_index end),
              min(case when construct_index < 100 - 1e-9 then 100 - construct_index end)) as step,
        bool_and(item_type = 'binary') as all_binary
    from resid
    group by survey_id, city_id, wave, construct, group_type, group_value
),
ci as (
    select *,
        case when not spread or neff < 2 then null
             when clusters is null then {{ t975('neff - 1') }} * se
             else {{ t975('least(clusters - 1, neff - 1)') }} * sqrt(clusters / (clusters - 1.0) * uu) / w_sum
        end as half
    from stats
)
select
    survey_id, city_id, wave, construct, group_type, group_value, n,
    -- rounded to 9 decimals: DuckDB's parallel double sums differ in the last bits between identical runs
    case when not suppressed then round(wmean, 9) end as mean,
    -- logit-scale bounds (macros/weighted_mean_ci.sql, logit_bound): asymmetric, inside (0, 100) without clipping
    case when not suppressed then round({{ logit_bound('wmean', 'half', '-') }}, 9) end as ci_low,
    case when not suppressed then round({{ logit_bound('wmean', 'half', '+') }}, 9) end as ci_high,
    case when not suppressed then clusters end as clusters,
    suppressed,
    case when not suppressed then n_bottom end as n_bottom,
    case when not suppressed then n_top end as n_top,
    round(coalesce(min(step) over universe, 100), 9) as index_step,
    case when bool_and(all_binary) over universe then 'binary' else 'scale' end as item_type
from (select *, n < {{ min_group() }} as suppressed from ci)
window universe as (partition by survey_id, city_id, wave, construct)
