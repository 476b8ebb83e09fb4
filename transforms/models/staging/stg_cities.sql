-- member registry, one row per city: each field the newest ingested part gives a value for (parts ordered by
-- ingest_log time): a cities file that leaves a column out, or a cell blank, keeps what an earlier file said (a
-- re-sent registry without `timezone` does not move every city back to UTC); a value is changed by sending another
-- Membership: the newest row that says anything of it (a file with a left column: `member` true or false) decides;
-- a city said to have left is a member again when a newer joined_year lies after its left year (rejoined)
with {{ newest_part_ctes('cities') }},
-- timezone, left_year and member are optional and newer than the table: parts written before them have no such
-- columns (null: UTC, nothing said of membership)
registry as (
    select * from src
    union all by name
    select null::varchar as timezone, null::integer as left_year, null::boolean as member where false
),
ordered as (
    select
        src.*,
        row_number() over (partition by src.city_id order by {{ newest_part_order() }}) as newest
    from registry as src
    left join parts using (part_id)
    where src.city_id is not null
),
newest as (
    select
        cast(city_id as varchar) as city_id,
        cast(first_value(name ignore nulls) over newest_first as varchar) as name,
        cast(first_value(country ignore nulls) over newest_first as varchar) as country,
        cast(first_value(country_code ignore nulls) over newest_first as varchar) as country_code,
        cast(first_value(region ignore nulls) over newest_first as varchar) as region,
        cast(first_value(continent ignore nulls) over newest_first as varchar) as continent,
        cast(first_value(lat ignore nulls) over newest_first as double) as lat,
        cast(first_value(lon ignore nulls) over newest_first as double) as lon,
        cast(first_value(population ignore nulls) over newest_first as bigint) as population,
        cast(first_value(steering_committee ignore nulls) over newest_first as boolean) as steering_committee,
        cast(first_value(joined_year ignore nulls) over newest_first as integer) as joined_year,
        cast(first_value(themes ignore nulls) over newest_first as varchar) as themes,
        cast(first_value(timezone ignore nulls) over newest_first as varchar) as timezone,
        -- a row saying `left` always carries its year: the newest year is that of the newest such row
        cast(first_value(member ignore nulls) over newest_first as boolean) as said_member,
        cast(first_value(left_year ignore nulls) over newest_first as integer) as said_left_year
    from ordered
    window newest_first as (
        partition by city_id order by newest rows between unbounded preceding and unbounded following
    )
    qualify newest = 1
)
select
    city_id, name, country, country_code, region, continent, lat, lon, population, steering_committee,
    joined_year, themes, timezone,
    cast(case when said_member = false and not coalesce(joined_year > said_left_year, false)
        then said_left_year end as integer) as left_year
from newest
