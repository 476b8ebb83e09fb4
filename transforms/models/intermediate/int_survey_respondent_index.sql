-- one construct index per respondent: the mean of the respondent's answered items of that construct (0-100)
select
    survey_id,
    response_id,
    any_value(city_id) as city_id,
    any_value(area_code) as area_code,
    any_value(gender) as gender,
    any_value(age_group) as age_group,
    any_value(wave) as wave,
    any_value(programme_id) as programme_id,
    any_value(weight) as weight,
    construct,
    avg(score) as construct_index,
    count(*) as items,
    -- binary when every answered item of the construct is yes/no (stg_survey_codebook.item_type)
    case when bool_and(item_type = 'binary') then 'binary' else 'scale' end as item_type
from {{ ref('int_survey_item_scores') }}
where weight > 0
group by survey_id, response_id, construct
