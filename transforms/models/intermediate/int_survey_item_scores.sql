-- each answered item on its scale on a 0-100 scale: (value - min) / (max - min) * 100, reversed items as 100 - that;
-- answers off the scale or declared non-answers are no answers (int_survey_answers.answer_status)
select
    survey_id,
    response_id,
    city_id,
    area_code,
    gender,
    age_group,
    wave,
    programme_id,
    weight,
    question,
    construct,
    item_type,
    case when is_reversed
         then 100 - (value - scale_min) / (scale_max - scale_min) * 100
         else (value - scale_min) / (scale_max - scale_min) * 100 end as score
from {{ ref('int_survey_answers') }}
where answer_status = 'scored'
