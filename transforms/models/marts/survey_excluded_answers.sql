-- answers left out of the survey indices because they are no answer on the item's scale, per survey, city, file
-- and question (int_survey_answers): counts only, never a respondent's row
select
    city_id,
    survey_id,
    source_file,
    question,
    any_value(construct) as construct,
    any_value(scale_min) as scale_min,
    any_value(scale_max) as scale_max,
    count(*) filter (where answer_status = 'out_of_range') as out_of_range,
    count(*) filter (where answer_status = 'declared_missing') as declared_missing,
    array_to_string(list_transform(list_slice(list_sort(list_distinct(
        list(value) filter (where answer_status = 'out_of_range'))), 1, 5), lambda v: printf('%g', v)), ', ')
        as out_of_range_values
from {{ ref('int_survey_answers') }}
where answer_status <> 'scored'
group by city_id, survey_id, source_file, question
