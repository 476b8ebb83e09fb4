{#-
  Per-city incremental marts. An incremental `scn run` recomputes the cities whose data changed
  (assets/transforms/assets.py reads them from the run's tags) and writes them as {"cities": [...]} to the file the
  `cities_file` var names, for that build only: the vars stay the same from build to build, so dbt reuses its
  parse. A dbt run by hand may pass the `cities` var instead (a list of ids, or a comma-separated string), which
  wins over the file. A mart configured with
  config(materialized='incremental', incremental_strategy='delete+insert', unique_key='city_id',
         on_schema_change='fail', pre_hook="<delete_changed_cities()>")
  that reads its events through `city_filter()` then deletes and re-inserts those cities' rows only. Without
  either (a dbt run by hand) an incremental build deletes and re-inserts every row; the first build and
  `--full-refresh` (every full or sensor run, and any run after the project changed) build the table anew.
-#}

{% macro changed_cities() -%}
    {#- the cities of the `cities` var, else of the file the `cities_file` var names when it exists (read when
        the SQL runs, not when dbt parses), as a list of ids; none: every city -#}
    {%- set cities = var('cities', none) -%}
    {%- if cities is string -%}{%- set cities = cities.split(',') | reject('equalto', '') | list -%}{%- endif -%}
    {%- if cities is none and execute and var('cities_file', none) -%}
        {%- set path = sql_path(var('cities_file')) -%}
        {%- if run_query("select count(*) from glob(" ~ path ~ ")").columns[0].values()[0] > 0 -%}
            {%- set cities = run_query("select unnest(cities) from read_json(" ~ path
                                       ~ ", columns = {cities: 'varchar[]'})").columns[0].values() | list -%}
        {%- endif -%}
    {%- endif -%}
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
