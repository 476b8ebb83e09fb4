-- each answered item on a 0-100 scale: (value - min) / (max - min) * 100, reversed items as 100 - that
select
    r.survey_id,
    r.response_id,
    r.city_id,
    r.area_code,
    r.gender,
    r.age_group,
    r.wave,
    r.programme_id,
    coalesce(r.weight, 1.0) as weight,
    r.question,
    b.construct,
    case when b.is_reversed
         then 100 - (r.value - b.scale_min) / (b.scale_max - b.scale_min) * 100
         else (r.value - b.scale_min) / (b.scale_max - b.scale_min) * 100 end as score
from {{ ref('stg_survey_responses') }} r
join {{ ref('stg_survey_codebook') }} b using (question)
where r.value is not null and b.scale_max > b.scale_min
