{#- A programme activity id as the activity it names: ids that differ only in case (`ACT-7`, `act-7`, sent in two
    files of one partner) or surrounding spaces are one activity (stg_programme_activities keeps one row per key;
    participants link to an activity by it). -#}
{% macro activity_key(column) -%}
    lower(trim(cast({{ column }} as varchar)))
{%- endmacro %}
