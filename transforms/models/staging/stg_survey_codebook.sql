-- one row per question: construct, scale bounds and reverse coding
select
    cast(question as varchar) as question,
    cast(construct as varchar) as construct,
    cast(label as varchar) as label,
    cast(scale_min as double) as scale_min,
    cast(scale_max as double) as scale_max,
    coalesce(cast(reverse as boolean), false) as is_reversed
from {{ source('lake', 'survey_codebook') }}
qualify row_number() over (partition by question order by construct) = 1
