-- located crimes with their hate flag
select
    cast(crime_key as varchar) as crime_key,
    cast(city_id as varchar) as city_id,
    cast(occurred_at as timestamptz) as occurred_at,
    cast(month as varchar) as month,
    cast(week as varchar) as week,
    cast(category as varchar) as category,
    cast(is_hate as boolean) as is_hate,  -- null: the source says nothing about hate (police.uk)
    cast(precision as varchar) as location_precision,
    cast(area_code as varchar) as area_code,
    cast(cell as varchar) as cell,
    cast(resolution as integer) as resolution
from {{ source('lake', 'crimes_enriched') }}
