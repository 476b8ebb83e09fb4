-- one row per question and survey scope: construct, scale bounds, item type, reverse coding and the declared
-- non-answer codes. item_type (optional): `binary` (a yes/no item) or `scale`; blank, anything else or no such
-- column: inferred, binary where scale_max - scale_min = 1 (0/1, 1/2), else scale (docs/dashboards.md, Survey
-- figures).
-- survey_id (optional, newer than the table) scopes a row to one survey (one row per survey_key: any case); null:
-- every survey. missing_codes is optional too: parts written before either column have none (null).
-- The latest codebook file holding rows of a scope decides that scope's rows: a file is stored whole in its part
-- (part-<sha256[:16]>, scn.ingest.families.WHOLE_FILES), so the rows of older parts of the scope are left out (a
-- question a corrected codebook leaves out is withdrawn). A part is whole when its file's first ingestion found no
-- row in the lake already (ingest_log duplicates 0); parts written before files were stored whole hold a file's
-- new rows only, so they withdraw nothing: newer parts' rows win per question. Parts are ordered by their first
-- ingestion (taking a file again does not make it newer), then by part name
with src as (
    select * from {{ source('lake', 'survey_codebook') }}
    union all by name select null::varchar as missing_codes, null::varchar as survey_id, null::varchar as item_type,
        null::varchar as filename
    where false
),
logged as (
    select left(cast(sha256 as varchar), 16) as part_id,
        min(cast(ingested_at as timestamptz)) as first_ingested_at,
        arg_min(duplicates, cast(ingested_at as timestamptz)) = 0 as whole
    from {{ source('lake', 'ingest_log') }}
    where kind = 'survey'
    group by 1
),
rows_ as (
    select s.*, nullif({{ survey_key('s.survey_id') }}, '') as scope, coalesce(l.whole, false) as whole,
        dense_rank() over (order by l.first_ingested_at nulls first,
                                    coalesce(cast(s.filename as varchar), '')) as part_order
    from src as s
    left join logged as l
        on l.part_id = regexp_extract(cast(s.filename as varchar), 'part-([^/.]+)\.parquet$', 1)
),
decided as (  -- each scope's rows from its latest whole part on
    select * from rows_
    qualify part_order >= coalesce(max(case when whole then part_order end) over (partition by scope), 0)
)
select
    cast(question as varchar) as question,
    cast(construct as varchar) as construct,
    cast(label as varchar) as label,
    cast(scale_min as double) as scale_min,
    cast(scale_max as double) as scale_max,
    coalesce(cast(reverse as boolean), false) as is_reversed,
    case when lower(trim(cast(item_type as varchar))) in ('binary', 'scale')
         then lower(trim(cast(item_type as varchar)))
         when cast(scale_max as double) - cast(scale_min as double) = 1 then 'binary'
         else 'scale' end as item_type,
    nullif(trim(cast(missing_codes as varchar)), '') as missing_codes,
    nullif(trim(cast(survey_id as varchar)), '') as survey_id
from decided
qualify row_number() over (partition by question, scope
                           order by part_order desc, construct, nullif(trim(cast(survey_id as varchar)), '')) = 1
