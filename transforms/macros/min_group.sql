{% macro min_group() -%}
{#- Smallest survey group shown: the `min_group` var (the platform passes its setting SCN_MIN_GROUP with
    --vars), else env SCN_MIN_GROUP for a dbt run by hand, else 10. -#}
{{ var('min_group', env_var('SCN_MIN_GROUP', '10')) | int }}
{%- endmacro %}
