-- one row per question and survey scope: construct, scale bounds, reverse coding and the declared non-answer codes.
-- survey_id (optional, newer than the table) scopes a row to one survey (one row per survey_key: any case); null:
-- every survey. missing_codes is optional too: parts written before either column have none (null)
with src as (
    select * from {{ source('lake', 'survey_codebook') }}
    union all by name select null::varchar as missing_codes, null::varchar as survey_id where false
)
select
    cast(question as varchar) as question,
    cast(construct as varchar) as construct,
    cast(label as varchar) as label,
    cast(scale_min as double) as scale_min,
    cast(scale_max as double) as scale_max,
    coalesce(cast(reverse as boolean), false) as is_reversed,
    nullif(trim(cast(missing_codes as varchar)), '') as missing_codes,
    nullif(trim(cast(survey_id as varchar)), '') as survey_id
from src
qualify row_number() over (partition by question, nullif({{ survey_key('survey_id') }}, '')
                           order by construct, nullif(trim(cast(survey_id as varchar)), '')) = 1
