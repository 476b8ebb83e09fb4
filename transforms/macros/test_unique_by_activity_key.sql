{#-
  Generic test: no two rows of `model` name one activity, their `column_name` read as the activity it names
  (activity_key: `ACT-7` and `act-7`, `ÉTÉ-1` and `ete-1` are one); nulls aside. One row per key held twice or more,
  with its number of rows. The rule stays in its macro: a yml argument repeating its SQL would test an older rule
  once the macro changed.
-#}
{% test unique_by_activity_key(model, column_name) %}
select {{ activity_key(column_name) }} as activity_key, count(*) as n_rows
from {{ model }}
where {{ column_name }} is not null
group by 1
having count(*) > 1
{% endtest %}
