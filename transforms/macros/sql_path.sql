{#-
  A file path as the SQL string literal a DuckDB reader (read_parquet, read_csv, read_json, glob) takes for that
  path only: DuckDB reads `* ? [` anywhere in a path as wildcards (a home folder named `scn [prod]` matched no
  file; one named `scn?` also read `scnX`'s), so each becomes a one-character class, and single quotes are
  doubled. The Python twin is scn.scratch.sql_path (scn.scratch.literal_path unquoted); the lake sources' home
  goes through it too (macros/lake_source.sql).
-#}
{% macro sql_path(path) -%}
    {{- "'" ~ (path | replace('[', '[[]') | replace('*', '[*]') | replace('?', '[?]') | replace("'", "''")) ~ "'" -}}
{%- endmacro %}
