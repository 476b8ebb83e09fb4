-- one row per survey export the lake holds anything of, per city, survey and file: its answers (survey_responses)
-- or the names of the columns it dropped as text (survey_text_columns; a file refused for holding only text too),
-- with when its bytes were first ingested (the ingest log row of the lake part its rows are in,
-- `part-<sha256[:16]>.parquet`: taking the same file again later does not make it newer) and the latest export of
-- its survey (same city and survey id: the form; the newest first ingestion, then the greatest file name). Names
-- only, never an answer
with parts as (
    select distinct city_id, survey_id, source_file, filename from {{ source('lake', 'survey_responses') }}
    union
    select distinct city_id, survey_id, source_file, filename from {{ source('lake', 'survey_text_columns') }}
),
logged as (
    select left(cast(sha256 as varchar), 16) as part_id, cast(city_id as varchar) as city_id,
        min(cast(ingested_at as timestamptz)) as ingested_at
    from {{ source('lake', 'ingest_log') }}
    where kind = 'survey'
    group by all
),
exports as (
    select
        cast(p.city_id as varchar) as city_id,
        cast(p.survey_id as varchar) as survey_id,
        cast(p.source_file as varchar) as source_file,
        min(l.ingested_at) as first_ingested_at
    from parts as p
    left join logged as l
        on l.part_id = regexp_extract(cast(p.filename as varchar), 'part-([^/.]+)\.parquet$', 1)
        and l.city_id is not distinct from cast(p.city_id as varchar)
    where p.survey_id is not null and p.source_file is not null
    group by all
)
select
    city_id,
    survey_id,
    source_file,
    first_ingested_at,
    first_value(source_file) over (partition by city_id, survey_id
                                   order by first_ingested_at desc nulls last, source_file desc) as latest_file
from exports
