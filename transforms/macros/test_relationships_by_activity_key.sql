{#-
  Generic test: values of `column_name` naming no row of `to` (its column `field`) when both are read as the activity
  they name (activity_key: case and surrounding spaces ignored, as the marts link participants to activities); nulls
  pass, as in `relationships`. One row per unknown id (as written) with its number of rows: `act-7` next to an
  activity `ACT-7` is no failure, `NOPE` is.
-#}
{% test relationships_by_activity_key(model, column_name, to, field) %}
select child.{{ column_name }} as value, count(*) as n_rows
from {{ model }} as child
where child.{{ column_name }} is not null
  and not exists (select 1 from {{ to }} as parent
                  where {{ activity_key('parent.' ~ field) }} = {{ activity_key('child.' ~ column_name) }})
group by 1
{% endtest %}
