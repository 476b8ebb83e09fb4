-- codebook questions whose answers an export held as text, not numbers (a labels export): those answers were not
-- stored and count in no survey index. Per city, survey, file and question; the codebook row of the file's survey,
-- else the question's global row (as int_survey_answers, survey ids compared as survey_key). Whichever was
-- ingested first, the export or the codebook, the same rows: the dropped columns are kept in the lake
-- (stg_survey_text_columns). superseded_by: the latest export of the same form (city and survey id,
-- stg_survey_exports) when it is another file - the city re-sent the form (as values, say): the data-health page
-- says the latest export's rows only
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
),
grouped as (
    select
        city_id,
        survey_id,
        source_file,
        question,
        string_agg(column_name, ', ' order by column_name) as column_name,
        any_value(construct) as construct
    from matched
    group by city_id, survey_id, source_file, question
)
select
    g.city_id,
    g.survey_id,
    g.source_file,
    g.question,
    g.column_name,
    g.construct,
    case when e.latest_file <> g.source_file then e.latest_file end as superseded_by
from grouped g
left join {{ ref('stg_survey_exports') }} e
    on e.city_id is not distinct from g.city_id and e.survey_id = g.survey_id and e.source_file = g.source_file
