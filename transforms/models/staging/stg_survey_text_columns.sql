-- the columns of survey exports not stored because every answer in them was text (a labels export's "Strongly
-- agree"): one row per city, survey, file and column; names only, never a value
select distinct
    cast(city_id as varchar) as city_id,
    cast(survey_id as varchar) as survey_id,
    cast(source_file as varchar) as source_file,
    cast(column_name as varchar) as column_name,
    cast(question as varchar) as question
from {{ source('lake', 'survey_text_columns') }}
