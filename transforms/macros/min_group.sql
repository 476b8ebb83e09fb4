{% macro min_group() -%}
{#- Smallest survey group shown: env SCN_MIN_GROUP, else the `min_group` var (default 10). -#}
{{ env_var('SCN_MIN_GROUP', var('min_group', 10) | string) | int }}
{%- endmacro %}
