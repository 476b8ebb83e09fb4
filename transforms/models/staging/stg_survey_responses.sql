-- survey answers (long); a response x question re-ingested from another file keeps its newest submission
select
    cast(survey_id as varchar) as survey_id,
    cast(response_id as varchar) as response_id,
    cast(city_id as varchar) as city_id,
    cast(area_code as varchar) as area_code,
    cast(submitted_at as timestamptz) as submitted_at,
    cast(weight as double) as weight,
    nullif(trim(cast(gender as varchar)), '') as gender,
    nullif(trim(cast(age_group as varchar)), '') as age_group,
    coalesce(nullif(trim(cast(wave as varchar)), ''), 'single') as wave,
    nullif(trim(cast(programme_id as varchar)), '') as programme_id,
    cast(question as varchar) as question,
    cast(value as double) as value,
    cast(source_file as varchar) as source_file
from {{ source('lake', 'survey_responses') }}
qualify row_number() over (partition by city_id, survey_id, response_id, question
                           order by submitted_at desc nulls last, source_file desc) = 1
