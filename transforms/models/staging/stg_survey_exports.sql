-- one row per survey export the lake holds anything of, per city, survey and file: its answers (survey_responses),
-- the names of the columns it dropped as text (survey_text_columns; a file refused for holding only text too) or
-- the file itself (survey_files: a re-export whose answers were all stored already is the latest file received),
-- with when its bytes were first ingested (the ingest log row of the lake part its rows are in,
-- `part-<sha256[:16]>.parquet`, under the file's name: taking the same file again later does not make it newer, a
-- file of the same bytes under a new name is received when it is) and the latest export of
-- its survey (same city and survey id: the form; the newest first ingestion, then the greatest file name). Names
-- only, never an answer
with parts as (
    select distinct city_id, survey_id, source_file, filename from {{ source('lake', 'survey_responses') }}
    union
    select distinct city_id, survey_id, source_file, filename from {{ source('lake', 'survey_text_columns') }}
    union
    select distinct city_id, survey_id, source_file, filename from {{ source('lake', 'survey_files') }}
),
logged as (  -- per part and file name: two files of the same bytes share a part, each is received when it is
    select left(cast(sha256 as varchar), 16) as part_id, cast(city_id as varchar) as city_id,
        nullif(regexp_extract(cast(file as varchar), '[^/\\]+$'), '') as name,
        min(cast(ingested_at as timestamptz)) as ingested_at
    from (select * from {{ source('lake', 'ingest_log') }} union all by name select null::varchar as file where false)
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
        and (l.name is null or l.name = cast(p.source_file as varchar))
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
