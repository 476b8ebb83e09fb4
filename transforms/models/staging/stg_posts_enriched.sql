-- classified, located posts (no text, no pseudonym)
select
    cast(post_key as varchar) as post_key,
    cast(city_id as varchar) as city_id,
    cast(created_at as timestamptz) as created_at,
    cast(month as varchar) as month,
    cast(week as varchar) as week,
    cast(lang as varchar) as lang,
    cast(label as varchar) as label,
    cast(score_hate as double) as score_hate,
    coalesce(cast(assessed as boolean), false) as is_assessed,
    cast(method as varchar) as method,
    cast(target as varchar) as target,
    cast(model_version as varchar) as model_version,
    cast(precision as varchar) as location_precision,
    cast(area_code as varchar) as area_code,
    cast(cell as varchar) as cell,
    cast(resolution as integer) as resolution
from {{ source('lake', 'posts_enriched') }}
