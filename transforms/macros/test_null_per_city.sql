{#- Generic test: each of `columns` is null on every row of a city or on none of them (a source the city never
    sent is null throughout; a city that sends it has a count, 0 included, on every row). -#}
{% test null_per_city(model, columns) %}
select city_id
from {{ model }}
group by city_id
having {% for c in columns %}(count({{ c }}) not in (0, count(*))){{ " or " if not loop.last }}{% endfor %}
{% endtest %}
