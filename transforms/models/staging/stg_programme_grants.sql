-- innovation and other grants
select
    cast(grant_id as varchar) as grant_id,
    cast(city_id as varchar) as city_id,
    cast(programme_line as varchar) as programme_line,
    cast(recipient_org as varchar) as recipient_org,
    cast(amount as double) as amount,
    cast(currency as varchar) as currency,
    cast(year as integer) as year
from {{ source('lake', 'programme_grants') }}
qualify row_number() over (partition by grant_id order by year desc nulls last) = 1
