-- warns (does not fail the build) when answers lie outside their item's scale and are not declared non-answers:
-- they are left out of the survey indices (int_survey_answers); staff see survey, file, question and count on the
-- data-health page (survey_excluded_answers). Declare the export's non-answer codes (98;99) in the codebook's
-- missing_codes column, or correct the codebook's scale.
{{ config(severity='warn') }}
select city_id, survey_id, source_file, question, out_of_range, out_of_range_values
from {{ ref('survey_excluded_answers') }}
where out_of_range > 0
