-- the difference lies inside its CI and equals endline minus baseline
select city_id, construct from {{ ref('survey_prepost') }}
where not suppressed and (diff < ci_low or diff > ci_high or abs(diff - (endline_mean - baseline_mean)) > 1e-9)
