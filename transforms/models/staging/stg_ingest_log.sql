-- one row per ingested file
select
    cast(file as varchar) as file,
    cast(sha256 as varchar) as sha256,
    cast(kind as varchar) as kind,
    cast(city_id as varchar) as city_id,
    cast(rows_read as bigint) as rows_read,
    cast(accepted as bigint) as accepted,
    cast(quarantined as bigint) as quarantined,
    cast(duplicates as bigint) as duplicates,
    cast(archived_to as varchar) as archived_to,
    cast(ingested_at as timestamptz) as ingested_at
from {{ source('lake', 'ingest_log') }}
