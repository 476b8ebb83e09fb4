-- published crime counts per city x area x period (month, quarter or year), typed; never mixed with incidents.
-- A count sent again in a later file replaces the earlier one (the newest ingested part wins).
with {{ newest_part_ctes('crime_counts') }}
select
    cast(city_id as varchar) as city_id,
    cast(area_code as varchar) as area_code,
    cast(area_name as varchar) as area_name,
    cast(period as varchar) as period_kind,
    cast(period_start as date) as period_start,
    coalesce(cast(category as varchar), '') as category,
    coalesce(cast(hate_strand as varchar), '') as hate_strand,
    coalesce(cast(is_hate as boolean), false) or coalesce(cast(hate_strand as varchar), '') <> '' as is_hate,
    cast("count" as bigint) as crime_count
from src
left join parts using (part_id)
where city_id is not null and area_code is not null and period_start is not null and "count" is not null
  and period in ('month', 'quarter', 'year')
qualify row_number() over (
    partition by city_id, area_code, period, period_start, coalesce(category, ''), coalesce(hate_strand, '')
    order by {{ newest_part_order() }}) = 1
