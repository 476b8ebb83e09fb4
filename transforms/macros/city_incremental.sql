{#-
  Per-city incremental marts. An incremental `scn run` passes the cities whose data changed as the `cities` var (a
  list of ids; assets/transforms/assets.py reads them from the run's tags). A mart configured with
  config(materialized='incremental', incremental_strategy='delete+insert', unique_key='city_id',
         on_schema_change='fail', pre_hook="<delete_changed_cities()>")
  that reads its events through `city_filter()` then deletes and re-inserts those cities' rows only. Without the
  var (a dbt run by hand) an incremental build deletes and re-inserts every row; the first build and
  `--full-refresh` (every full or sensor run, and any run after the project changed) build the table anew.
-#}

{% macro changed_cities() -%}
    {#- the `cities` var as a list of ids, or none (every city) -#}
    {%- set cities = var('cities', none) -%}
    {%- if cities is string -%}{%- set cities = cities.split(',') | reject('equalto', '') | list -%}{%- endif -%}
    {{ return(cities) }}
{%- endmacro %}

{% macro city_filter(column='city_id') -%}
    {#- predicate keeping the rows of the changed cities in an incremental build; `true` otherwise (first build,
        full refresh, no `cities` var). Put it where the events are read so only those cities' rows are scanned. -#}
    {%- set cities = changed_cities() -%}
    {%- if is_incremental() and cities is not none -%}
        {%- if cities | length == 0 -%}false{%- else -%}
        {{ column }} in ({% for c in cities %}{{ "'" ~ (c | replace("'", "''")) ~ "'" }}{{ ", " if not loop.last }}{% endfor %})
        {%- endif -%}
    {%- else -%}true{%- endif -%}
{%- endmacro %}

{% macro delete_changed_cities() -%}
    {#- pre-hook of a per-city incremental mart: remove the changed cities' rows first, so a city whose rows
        vanished (or a changed city with no rows left) keeps none; delete+insert on city_id then inserts. -#}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ city_filter() }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
