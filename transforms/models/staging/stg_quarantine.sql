-- rejected rows and why
select
    cast(file as varchar) as file,
    cast(kind as varchar) as kind,
    cast("row" as bigint) as row_number,
    cast(field as varchar) as field,
    cast(reason as varchar) as reason,
    cast(quarantined_at as timestamptz) as quarantined_at
from {{ source('lake', 'quarantine') }}
