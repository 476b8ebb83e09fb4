{#-
  Weighted mean and 95% CI of `x` with survey weights `w`, as aggregate expressions (use inside GROUP BY).
  Definition (docs/metrics.md): mean = sum(w x) / sum(w); Kish effective size n_eff = sum(w)^2 / sum(w^2);
  var0 = sum(w (x - mean)^2) / sum(w); se = sqrt(var0 / (n_eff - 1)); CI = mean -/+ t975(n_eff - 1) se, Student t
  with n_eff - 1 degrees of freedom. This equals statsmodels DescrStatsW(x, weights=w * n_eff / sum(w))
  .tconfint_mean() and, with equal weights, the textbook mean -/+ t(n-1) s / sqrt(n). No interval is given when the
  group has no spread (every x equal: its variance would be estimated as 0) or n_eff < 2 (see has_spread).
  A 0-100 mean's interval is then formed on the logit scale (logit_bound): near 0 or 100 the symmetric interval,
  clipped, under-covers, as skewed answers bounded at the scale's end make mean and se move together.
-#}
{% macro wmean(x, w) -%}
    (sum({{ w }} * {{ x }}) / nullif(sum({{ w }}), 0))
{%- endmacro %}

{% macro n_eff(w) -%}
    (sum({{ w }}) * sum({{ w }}) / nullif(sum({{ w }} * {{ w }}), 0))
{%- endmacro %}

{% macro wvar0(x, w) -%}
    {#- population-form weighted variance: sum(w x^2)/sum(w) - mean^2, clipped at 0 against rounding -#}
    greatest(sum({{ w }} * {{ x }} * {{ x }}) / nullif(sum({{ w }}), 0) - {{ wmean(x, w) }} * {{ wmean(x, w) }}, 0)
{%- endmacro %}

{% macro wse(x, w) -%}
    case when {{ n_eff(w) }} > 1 then sqrt({{ wvar0(x, w) }} / ({{ n_eff(w) }} - 1)) end
{%- endmacro %}

{% macro has_spread(x) -%}
    {#- true when the group's values are not all equal (an interval needs an estimable variance) -#}
    (max({{ x }}) > min({{ x }}))
{%- endmacro %}

{% macro t975(df) -%}
    {#- 0.975 quantile of Student's t with `df` degrees of freedom (real df >= 1; null below 1): DuckDB has no t
        quantile function, so log t975 is a degree-10 polynomial in u = 1/df, least-squares fitted to
        scipy.stats.t.ppf(0.975, df) over u in [0, 1] (Chebyshev nodes); |error| < 1e-7 for every df >= 1
        (tests/transforms/test_survey_honesty.py checks it against scipy). df -> infinity gives 1.959964. -#}
    {%- set c = [0.672926087623951, 1.2103675535579503, 0.7074530863732695, 0.1544790049785402,
                 -0.2536586610895486, 0.020613968802776002, -0.08182853231436212, 0.30758619410544874,
                 -0.3112691486626524, 0.1402292849742629, -0.024808402589351016] -%}
    {%- set u = '(1.0 / (' ~ df ~ '))' -%}
    (case when ({{ df }}) >= 1 then exp(
    {%- for k in range(c | length - 1) %}{{ c[k] }} + {{ u }} * ({% endfor %}{{ c[-1] }}{% for k in range(c | length - 1) %}){% endfor -%}
    ) end)
{%- endmacro %}

{% macro logit_bound(m, half, sign) -%}
    {#- One bound of the 95% interval of a 0-100 mean `m` whose original-scale half-width is `half` (t se), formed on
        the logit scale of p = m / 100: logit(p) -/+ t se / (p (1 - p)) (delta method: the se of logit(p) is
        se(p) / (p (1 - p))), back-transformed, x 100. `sign` is '-' (lower) or '+' (upper). The interval is
        asymmetric (longer towards the middle of the scale) and inside (0, 100) without clipping (survey_indices rounds to 9 decimals, so
        only a bound within 5e-10 of 0 or 100 shows as 0 or 100). Null when half is null or m is 0 or
        100 (every answer at the end of the scale: no spread, no interval). At m = 50 it is a little narrower than
        m -/+ half (by 1.3% of half when half = 10, 5% when half = 20). -#}
    (case when {{ m }} > 0 and {{ m }} < 100 then
        100 / (1 + exp(-(ln({{ m }} / (100 - {{ m }})) {{ sign }} ({{ half }}) * 100 / ({{ m }} * (100 - {{ m }}))))) end)
{%- endmacro %}

{% macro welch_df(v1, df1, v2, df2) -%}
    {#- Welch-Satterthwaite degrees of freedom of a sum of two independent variances v1, v2 (>= min(df1, df2)) -#}
    (({{ v1 }} + {{ v2 }}) * ({{ v1 }} + {{ v2 }})
     / nullif({{ v1 }} * {{ v1 }} / ({{ df1 }}) + {{ v2 }} * {{ v2 }} / ({{ df2 }}), 0))
{%- endmacro %}
