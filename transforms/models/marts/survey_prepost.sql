-- baseline vs endline construct index per city x programme: weighted means, difference with its 95% CI
-- (independent samples, Student t on Welch-Satterthwaite df) and Hedges' g; alongside, the difference directly
-- standardised over the respondents' age group (else gender) with the same kind of interval, whether the respondent
-- mix over that group changed between the waves, and whether the change is supported (by the standardised interval
-- when the mix changed). A wave whose respondents all have an area and span 2 or more areas has cluster-robust (CR1,
-- by area) standard errors with clusters - 1 df; else Kish (n_eff - 1 df). Suppressed when either wave has fewer
-- than min_group() respondents.
{%- set chi2_95 = [3.841458820694124, 5.991464547107979, 7.814727903251178, 9.487729036781154, 11.070497693516351,
                   12.591587243743977, 14.067140449340169, 15.507313055865453, 16.918977604620448, 18.307038053275146,
                   19.67513757268249, 21.02606981748307, 22.362032494826934, 23.684791304840576, 24.995790139728616] %}
with r as (
    select *, construct_index as x from {{ ref('int_survey_respondent_index') }}
    where wave in ('baseline', 'endline')
),
prog as (  -- the programme a city's survey belongs to (either wave may carry it)
    select city_id, max(programme_id) as programme_id from r group by city_id
),
std as (  -- the group type the difference is standardised over: the first of age group, gender that every
          -- respondent of both waves answered (null when neither is)
    select city_id, construct,
           case when count(age_group) = count(*) then 'age_group'
                when count(gender) = count(*) then 'gender' end as adjusted_by
    from r
    group by city_id, construct
),
rs as (
    select *,
        -- each area's sum of w (x - wave mean): its term of the cluster-robust variance (kept on one row)
        sum(weight * (x - gm)) over (partition by city_id, construct, wave, area_code) as u_area,
        row_number() over (partition by city_id, construct, wave, area_code order by survey_id, response_id) = 1
            as first_of_area
    from (
        select r.*, s.adjusted_by,
               case s.adjusted_by when 'age_group' then r.age_group when 'gender' then r.gender end as stratum,
               sum(r.weight * r.x) over w / sum(r.weight) over w as gm
        from r
        join std s using (city_id, construct)
        window w as (partition by r.city_id, r.construct, r.wave)
    )
),
waves as (
    select
        city_id, construct, wave,
        string_agg(distinct survey_id, ';' order by survey_id) as survey_id,
        any_value(adjusted_by) as adjusted_by,
        count(*) as n,
        {{ wmean('x', 'weight') }} as m,
        {{ n_eff('weight') }} as neff,
        {{ has_spread('x') }} as spread,
        {{ wvar0('x', 'weight') }} * count(*) / nullif(count(*) - 1, 0) as var,
        case when count(area_code) = count(*) and count(distinct area_code) >= 2
             then count(distinct area_code) end as clusters,
        -- standard error: CR1 by area when clustered, else Kish; and its degrees of freedom
        case when count(area_code) = count(*) and count(distinct area_code) >= 2
             then sqrt(count(distinct area_code) / (count(distinct area_code) - 1.0)
                       * sum(case when first_of_area then u_area * u_area end)) / sum(weight)
             else {{ wse('x', 'weight') }} end as se,
        case when count(area_code) = count(*) and count(distinct area_code) >= 2
             then least(count(distinct area_code) - 1, {{ n_eff('weight') }} - 1)
             else {{ n_eff('weight') }} - 1 end as df
    from rs
    group by city_id, construct, wave
),
cells as (  -- each stratum in each wave: weighted share of the wave, weighted mean and its Kish se
    select
        city_id, construct, wave, stratum,
        sum(weight) as w,
        sum(weight) / sum(sum(weight)) over (partition by city_id, construct, wave) as share,
        {{ wmean('x', 'weight') }} as m,
        {{ wse('x', 'weight') }} as se,
        {{ n_eff('weight') }} as neff
    from rs
    where stratum is not null
    group by city_id, construct, wave, stratum
),
strata as (  -- one row per stratum: both waves side by side; pooled share P = mean of the two waves' shares
    select
        city_id, construct, stratum,
        coalesce(max(share) filter (where wave = 'baseline'), 0) as sb,
        coalesce(max(share) filter (where wave = 'endline'), 0) as se_,
        max(m) filter (where wave = 'baseline') as mb,
        max(m) filter (where wave = 'endline') as me,
        max(se) filter (where wave = 'baseline') as seb,
        max(se) filter (where wave = 'endline') as see,
        max(neff) filter (where wave = 'baseline') as neffb,
        max(neff) filter (where wave = 'endline') as neffe
    from cells
    group by city_id, construct, stratum
),
adj_cr as (  -- clustered waves: CR1 variance of the wave's part of the adjusted difference, from each respondent's
             -- linearised term P_g w (x - m_g) / W_g summed by area
    select city_id, construct, wave, count(*) as g, sum(zc * zc) as zz
    from (
        select rs.city_id, rs.construct, rs.wave, rs.area_code,
               sum((st.sb + st.se_) / 2 * rs.weight * (rs.x - c.m) / c.w) as zc
        from rs
        join cells c on c.city_id = rs.city_id and c.construct = rs.construct and c.wave = rs.wave
                     and c.stratum = rs.stratum
        join strata st on st.city_id = rs.city_id and st.construct = rs.construct and st.stratum = rs.stratum
        group by rs.city_id, rs.construct, rs.wave, rs.area_code
    )
    group by city_id, construct, wave
),
mix as (
    select
        s.city_id, s.construct,
        count(*) as k,
        count(s.mb) = count(*) and count(s.me) = count(*) as in_both,  -- every stratum answered in both waves
        count(s.seb) = count(*) and count(s.see) = count(*) as all_se,  -- every stratum cell has n_eff > 1
        -- Pearson chi-square of stratum x wave on the weighted shares scaled to each wave's Kish effective size
        sum(power(s.sb * b.neff - b.neff * (s.sb * b.neff + s.se_ * e.neff) / (b.neff + e.neff), 2)
                / (b.neff * (s.sb * b.neff + s.se_ * e.neff) / (b.neff + e.neff))
            + power(s.se_ * e.neff - e.neff * (s.sb * b.neff + s.se_ * e.neff) / (b.neff + e.neff), 2)
                / (e.neff * (s.sb * b.neff + s.se_ * e.neff) / (b.neff + e.neff))) as chi2,
        sum((s.sb + s.se_) / 2 * (s.me - s.mb)) as adj_diff,
        -- Kish (unclustered) variance of each wave's part, and its Welch-Satterthwaite denominator
        sum(power((s.sb + s.se_) / 2, 2) * s.seb * s.seb) as kish_var_b,
        sum(power((s.sb + s.se_) / 2, 2) * s.see * s.see) as kish_var_e,
        sum(power(power((s.sb + s.se_) / 2, 2) * s.seb * s.seb, 2) / (s.neffb - 1)) as kish_den_b,
        sum(power(power((s.sb + s.se_) / 2, 2) * s.see * s.see, 2) / (s.neffe - 1)) as kish_den_e
    from strata s
    join waves b on b.city_id = s.city_id and b.construct = s.construct and b.wave = 'baseline'
    join waves e on e.city_id = s.city_id and e.construct = s.construct and e.wave = 'endline'
    group by s.city_id, s.construct
),
adj as (  -- each wave's variance of the adjusted difference and its Welch term: CR1 when the wave is clustered
    select mix.*,
        case when b.clusters is null then kish_var_b else cb.g / (cb.g - 1.0) * cb.zz end as var_b,
        case when e.clusters is null then kish_var_e else ce.g / (ce.g - 1.0) * ce.zz end as var_e,
        case when b.clusters is null then kish_den_b
             else power(cb.g / (cb.g - 1.0) * cb.zz, 2) / (cb.g - 1) end as den_b,
        case when e.clusters is null then kish_den_e
             else power(ce.g / (ce.g - 1.0) * ce.zz, 2) / (ce.g - 1) end as den_e
    from mix
    join waves b on b.city_id = mix.city_id and b.construct = mix.construct and b.wave = 'baseline'
    join waves e on e.city_id = mix.city_id and e.construct = mix.construct and e.wave = 'endline'
    left join adj_cr cb on cb.city_id = mix.city_id and cb.construct = mix.construct and cb.wave = 'baseline'
    left join adj_cr ce on ce.city_id = mix.city_id and ce.construct = mix.construct and ce.wave = 'endline'
),
paired as (
    select b.city_id, b.construct,
           b.survey_id as baseline_survey_id, e.survey_id as endline_survey_id,
           b.n as n_baseline, e.n as n_endline, b.m as mb, e.m as me,
           b.clusters as clusters_baseline, e.clusters as clusters_endline,
           sqrt(((b.n - 1) * b.var + (e.n - 1) * e.var) / nullif(b.n + e.n - 2, 0)) as sd_pooled,
           -- no interval when a wave has no spread or fewer than 2 effective respondents
           case when b.spread and e.spread and b.neff >= 2 and e.neff >= 2
                then {{ t975(welch_df('b.se * b.se', 'b.df', 'e.se * e.se', 'e.df')) }}
                     * sqrt(b.se * b.se + e.se * e.se) end as half,
           b.adjusted_by,
           case when b.adjusted_by is null then null
                when adj.k < 2 then false
                {%- for v in chi2_95 %}
                when adj.k = {{ loop.index + 1 }} then adj.chi2 > {{ v }}
                {%- endfor %}
                -- Wilson-Hilferty beyond 16 strata
                else adj.chi2 > (adj.k - 1) * power(1 - 2 / (9.0 * (adj.k - 1))
                                                     + 1.6448536269514722 * sqrt(2 / (9.0 * (adj.k - 1))), 3)
           end as mix_changed,
           case when adj.in_both then adj.adj_diff end as adj_diff,
           case when adj.in_both and adj.all_se and adj.var_b + adj.var_e > 0
                then {{ t975('power(adj.var_b + adj.var_e, 2) / nullif(adj.den_b + adj.den_e, 0)') }}
                     * sqrt(adj.var_b + adj.var_e)
           end as adj_half,
           least(b.n, e.n) < {{ min_group() }} as suppressed
    from waves b
    join waves e on e.city_id = b.city_id and e.construct = b.construct and e.wave = 'endline'
    left join adj on adj.city_id = b.city_id and adj.construct = b.construct
    where b.wave = 'baseline'
),
out as (  -- figures rounded to 9 decimals: DuckDB's parallel double sums differ in the last bits between identical
          -- runs (change_supported is then decided on the published bounds)
    select
        p.city_id, prog.programme_id, p.construct, p.baseline_survey_id, p.endline_survey_id,
        case when not suppressed then round(mb, 9) end as baseline_mean,
        case when not suppressed then round(me, 9) end as endline_mean,
        case when not suppressed then round(me - mb, 9) end as diff,
        case when not suppressed then round(me - mb - half, 9) end as ci_low,
        case when not suppressed then round(me - mb + half, 9) end as ci_high,
        case when not suppressed and sd_pooled > 0
             then round((me - mb) / sd_pooled * (1 - 3 / (4 * (n_baseline + n_endline) - 9.0)), 9) end as effect_size,
        n_baseline, n_endline,
        case when not suppressed then clusters_baseline end as clusters_baseline,
        case when not suppressed then clusters_endline end as clusters_endline,
        adjusted_by,
        case when not suppressed then mix_changed end as mix_changed,
        case when not suppressed then round(adj_diff, 9) end as adjusted_diff,
        case when not suppressed then round(adj_diff - adj_half, 9) end as adjusted_ci_low,
        case when not suppressed then round(adj_diff + adj_half, 9) end as adjusted_ci_high,
        suppressed
    from paired p
    left join prog using (city_id)
)
select
    city_id, programme_id, construct, baseline_survey_id, endline_survey_id, baseline_mean, endline_mean, diff,
    ci_low, ci_high, effect_size, n_baseline, n_endline, clusters_baseline, clusters_endline, adjusted_by,
    mix_changed, adjusted_diff, adjusted_ci_low, adjusted_ci_high,
    -- the change is supported when its 95% interval excludes 0: the standardised interval when the mix changed,
    -- else the raw one; false when that interval cannot be given; null when suppressed
    case when not suppressed then coalesce(
        case when mix_changed then adjusted_ci_low > 0 or adjusted_ci_high < 0
             else ci_low > 0 or ci_high < 0 end, false) end as change_supported,
    suppressed
from out
