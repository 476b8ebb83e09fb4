-- one row per question: construct, scale bounds, reverse coding and the declared non-answer codes
-- missing_codes is optional and newer than the table: parts written before it have no such column (null: none)
with src as (
    select * from {{ source('lake', 'survey_codebook') }}
    union all by name select null::varchar as missing_codes where false
)
select
    cast(question as varchar) as question,
    cast(construct as varchar) as construct,
    cast(label as varchar) as label,
    cast(scale_min as double) as scale_min,
    cast(scale_max as double) as scale_max,
    coalesce(cast(reverse as boolean), false) as is_reversed,
    nullif(trim(cast(missing_codes as varchar)), '') as missing_codes
from src
qualify row_number() over (partition by question order by construct) = 1
