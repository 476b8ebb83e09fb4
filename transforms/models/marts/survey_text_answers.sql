-- codebook questions whose answers an export held as text, not numbers (a labels export): those answers were not
-- stored and count in no survey index. Per city, survey, file and question; the codebook row of the file's survey,
-- else the question's global row (as int_survey_answers, survey ids compared as survey_key). Whichever was
-- ingested first, the export or the codebook, the same rows: the dropped columns are kept in the lake
-- (stg_survey_text_columns)
with matched as (
    select
        t.city_id,
        t.survey_id,
        t.source_file,
        t.question,
        t.column_name,
        b.construct
    from {{ ref('stg_survey_text_columns') }} t
    join {{ ref('stg_survey_codebook') }} b
        on b.question = t.question
        and ({{ survey_key('b.survey_id') }} = {{ survey_key('t.survey_id') }} or b.survey_id is null)
    qualify row_number() over (partition by t.city_id, t.survey_id, t.source_file, t.column_name
                               order by b.survey_id is null) = 1
)
select
    city_id,
    survey_id,
    source_file,
    question,
    string_agg(column_name, ', ' order by column_name) as column_name,
    any_value(construct) as construct
from matched
group by city_id, survey_id, source_file, question
