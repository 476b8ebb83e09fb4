-- every scored survey item lies on 0-100: an answer off its item's scale (99 "don't know" on a 1-5 item) is never
-- scored (int_survey_answers)
select survey_id, response_id, question, score
from {{ ref('int_survey_item_scores') }}
where score < 0 or score > 100 or isnan(score)
