-- a city's current boundary areas, one row per city x area_code (docs/ingest.md "Re-sending boundaries"):
-- the city's newest boundaries file is its complete set when the file's part holds every valid row of the
-- file (ingest_log rows_read - quarantined; the ingest writes every area of a boundaries file): areas only older
-- files hold are then retired. Otherwise (a part of an older ingest holding only changed rows) nothing is retired. Each area's row: the newest ingested part's;
-- its local name and population: the newest any part gives (a file re-sent without those columns keeps them).
-- scn.enrich.tables.current_areas runs this same file over the lake: enrichment locates in these areas.
with {{ newest_part_ctes('areas') }},
rows_in as (
    select src.*, parts.ingested_at
    from src
    left join parts using (part_id)
    where src.city_id is not null and src.area_code is not null
),
logged as (
    select left(sha256, 16) as part_id, city_id, max(rows_read - quarantined) as valid_rows
    from {{ source('lake', 'ingest_log') }}
    where kind = 'boundaries'
    group by all
),
filled as (
    select
        rows_in.* replace (
            first_value(area_name_local ignore nulls) over same_area as area_name_local,
            first_value(population ignore nulls) over same_area as population
        )
    from rows_in
    window same_area as (
        partition by city_id, area_code order by ingested_at desc nulls last, filename desc
        rows between unbounded preceding and unbounded following
    )
),
newest as (
    select r.city_id, r.part_id, count(*) >= any_value(l.valid_rows) as complete
    from rows_in as r
    left join logged as l using (part_id, city_id)
    group by r.city_id, r.part_id, r.filename, r.ingested_at
    qualify row_number() over (
        partition by r.city_id order by r.ingested_at desc nulls last, r.filename desc
    ) = 1
)
select
    cast(filled.city_id as varchar) as city_id,
    cast(area_code as varchar) as area_code,
    cast(area_name as varchar) as area_name,
    cast(area_name_local as varchar) as area_name_local,
    cast(population as bigint) as population,
    cast(geometry_wkt as varchar) as geometry_wkt,
    cast(centroid_lat as double) as centroid_lat,
    cast(centroid_lon as double) as centroid_lon
from filled
left join newest on filled.city_id = newest.city_id
where not coalesce(newest.complete, false) or filled.part_id = newest.part_id
qualify row_number() over (
    partition by filled.city_id, area_code
    order by filled.ingested_at desc nulls last, filled.filename desc
) = 1
