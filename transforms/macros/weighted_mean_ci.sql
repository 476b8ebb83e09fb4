{#-
  Weighted mean and 95% CI of `x` with survey weights `w`, as aggregate expressions (use inside GROUP BY).
  Definition (docs/metrics.md): mean = sum(w x) / sum(w); Kish effective size n_eff = sum(w)^2 / sum(w^2);
  var0 = sum(w (x - mean)^2) / sum(w); se = sqrt(var0 / (n_eff - 1)); CI = mean -/+ 1.959963984540054 se.
  This equals statsmodels DescrStatsW(x, weights=w * n_eff / sum(w)).zconfint_mean() and, with equal weights,
  the textbook s / sqrt(n). The *_parts macros return the pieces so callers can combine them.
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
