{#- Generic test: no two rows share the same values of `columns` (NULLs compare equal, as in GROUP BY). -#}
{% test unique_combination(model, columns) %}
select {{ columns | join(', ') }}, count(*) as n_rows
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
