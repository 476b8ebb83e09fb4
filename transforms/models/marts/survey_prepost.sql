-- baseline vs endline construct index per city x programme: weighted means, difference with its 95% CI
-- (independent samples) and Hedges' g; suppressed when either wave has fewer than min_group() respondents
with r as (
    select *, construct_index as x from {{ ref('int_survey_respondent_index') }}
    where wave in ('baseline', 'endline')
),
prog as (  -- the programme a city's survey belongs to (either wave may carry it)
    select city_id, max(programme_id) as programme_id from r group by city_id
),
waves as (
    select
        city_id, construct, wave,
        string_agg(distinct survey_id, ';' order by survey_id) as survey_id,
        count(*) as n,
        {{ wmean('x', 'weight') }} as m,
        {{ wse('x', 'weight') }} as se,
        {{ wvar0('x', 'weight') }} * count(*) / nullif(count(*) - 1, 0) as var
    from r
    group by city_id, construct, wave
),
paired as (
    select b.city_id, b.construct,
           b.survey_id as baseline_survey_id, e.survey_id as endline_survey_id,
           b.n as n_baseline, e.n as n_endline, b.m as mb, e.m as me, b.se as seb, e.se as see,
           sqrt(((b.n - 1) * b.var + (e.n - 1) * e.var) / nullif(b.n + e.n - 2, 0)) as sd_pooled,
           least(b.n, e.n) < {{ min_group() }} as suppressed
    from waves b
    join waves e on e.city_id = b.city_id and e.construct = b.construct and e.wave = 'endline'
    where b.wave = 'baseline'
)
select
    p.city_id, prog.programme_id, p.construct, p.baseline_survey_id, p.endline_survey_id,
    case when not suppressed then mb end as baseline_mean,
    case when not suppressed then me end as endline_mean,
    case when not suppressed then me - mb end as diff,
    case when not suppressed then me - mb - 1.959963984540054 * sqrt(seb * seb + see * see) end as ci_low,
    case when not suppressed then me - mb + 1.959963984540054 * sqrt(seb * seb + see * see) end as ci_high,
    case when not suppressed and sd_pooled > 0
         then (me - mb) / sd_pooled * (1 - 3 / (4 * (n_baseline + n_endline) - 9.0)) end as effect_size,
    n_baseline, n_endline, suppressed
from paired p
left join prog using (city_id)
