-- the difference lies inside its CI and equals endline minus baseline (each rounded to 9 decimals: within 2e-9)
select city_id, construct from {{ ref('survey_prepost') }}
where not suppressed and (diff < ci_low or diff > ci_high or abs(diff - (endline_mean - baseline_mean)) > 2e-9)
