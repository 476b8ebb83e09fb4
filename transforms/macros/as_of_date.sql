{#- The build's "today", the date programme activities are held or planned against (int_activities.planned): the
    var `as_of` (an ISO date, `2026-12-06`: a build for a given day, tests), else the current date. -#}
{% macro as_of_date() -%}
    {%- set day = var('as_of', none) -%}
    {%- if day is none or day == '' -%}
        current_date
    {%- elif modules.re.fullmatch('\\d{4}-\\d{2}-\\d{2}', day | string) -%}
        date '{{ day }}'
    {%- else -%}
        {{ exceptions.raise_compiler_error("var as_of must be an ISO date (YYYY-MM-DD), not " ~ day) }}
    {%- endif -%}
{%- endmacro %}
