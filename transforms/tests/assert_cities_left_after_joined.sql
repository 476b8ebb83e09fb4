-- a former member left in a plausible year, never before the year it (last) joined: a later joined_year is a
-- rejoining, which makes the city a member again (stg_cities)
select city_id, joined_year, left_year from {{ ref('stg_cities') }}
where left_year is not null and (left_year < 1990 or left_year > 2100 or joined_year > left_year)
