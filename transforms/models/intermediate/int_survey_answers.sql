-- every answer (value given) to a question of the codebook, and whether it is on the item's scale: the one rule
-- for which answers are scored. A value the codebook declares a non-answer (missing_codes: "don't know" 98,
-- "refused" 99, -9 ...) is `declared_missing`; any other value outside [scale_min, scale_max] (99, 0 or 6 on a
-- 1-5 item) is `out_of_range`: neither is an answer on the scale, neither is scored (int_survey_item_scores) and
-- the out-of-range ones are reported (survey_excluded_answers). A value in range but between two steps is scored.
-- A codebook row may be for one survey (survey_id; null: every survey): for that survey's answers it wins over the
-- question's global row (0 an answer on one survey's 0-4 item, a missing code on the others' 1-5 one); survey ids
-- compared as survey_key (`Youth` in the codebook is the export's `youth`)
with codebook as (
    select
        *,
        list_transform(
            list_filter(regexp_split_to_array(coalesce(missing_codes, ''), '[;,\s]+'), lambda c: c <> ''),
            lambda c: try_cast(c as double)) as codes
    from {{ ref('stg_survey_codebook') }}
    where scale_max > scale_min
)
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
    r.value,
    r.source_file,
    b.construct,
    b.scale_min,
    b.scale_max,
    b.is_reversed,
    b.item_type,
    case when list_contains(b.codes, r.value) then 'declared_missing'
         when r.value >= b.scale_min and r.value <= b.scale_max then 'scored'
         else 'out_of_range' end as answer_status
from {{ ref('stg_survey_responses') }} r
join codebook b
    on b.question = r.question
    and ({{ survey_key('b.survey_id') }} = {{ survey_key('r.survey_id') }} or b.survey_id is null)
where r.value is not null
qualify row_number() over (partition by r.city_id, r.survey_id, r.response_id, r.question
                           order by b.survey_id is null) = 1
