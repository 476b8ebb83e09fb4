{#-
  `source()`, with the home of the lake sources filled in when a node's SQL is compiled rather than when dbt parses
  the project. The sources' location (models/staging/_sources.yml) holds the mark `@SCN_HOME@`, replaced here by
  the home (the `scn_home` var, else $SCN_HOME) as a path inside the SQL literal (macros/sql_path.sql: quotes
  doubled, DuckDB's wildcards `* ? [` made one-character classes). Nothing of the home is then in dbt's parse:
  the platform runs dbt in the home with home-free vars (assets/transforms/project.py), so a fresh, copied or moved
  home starts from a parse made in another. With the home read while parsing (a var or env_var() in the sources'
  yml), dbt parsed anew for each home: a var is in its partial-parse key, and an environment variable it tracks
  per file re-parsed every model downstream of the lake (97 of 280 files).
-#}
{% macro source(source_name, table_name) -%}
    {%- set relation = builtins.source(source_name, table_name) -%}
    {%- if execute and relation.external and '@SCN_HOME@' in relation.external -%}
        {%- set home = sql_path(var('scn_home', env_var('SCN_HOME', '')))[1:-1] -%}
        {{- return(relation.incorporate(external=relation.external.replace('@SCN_HOME@', home))) -}}
    {%- endif -%}
    {{- return(relation) -}}
{%- endmacro %}
