-- people per line never exceed the participation records behind them (a person counts once per line)
with per_line as (
    select programme_line, count(distinct person_pseudo) as people, count(*) as records
    from {{ ref('int_participations') }} group by 1
)
select programme_line from per_line where people > records
