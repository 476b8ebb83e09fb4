{#-
  "Newest part wins" for lake tables that are upserted (cities, areas): every part of the table with its ingest
  time from the ingest log. Use as `with {{ newest_part_ctes('areas') }} select ... from src left join parts
  using (part_id) qualify row_number() over (partition by <key> order by {{ newest_part_order() }}) = 1`.
-#}
{% macro newest_part_ctes(table) %}
src as (
    select *, regexp_extract(filename, 'part-([^/.]+)\.parquet$', 1) as part_id
    from {{ source('lake', table) }}
),
parts as (
    select left(sha256, 16) as part_id, max(ingested_at) as ingested_at
    from {{ source('lake', 'ingest_log') }}
    group by 1
)
{% endmacro %}

{% macro newest_part_order() %}parts.ingested_at desc nulls last, src.filename desc{% endmacro %}
