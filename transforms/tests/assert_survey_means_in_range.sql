-- survey means and CIs lie within 0-100 and in order; suppressed rows show no figure
select survey_id, city_id, construct, group_type, group_value
from {{ ref('survey_indices') }}
where (suppressed and (mean is not null or ci_low is not null or ci_high is not null))
   or (not suppressed and (mean < 0 or mean > 100 or ci_low > mean or ci_high < mean))
   or (not suppressed and n < {{ min_group() }})
