-- quarantined rows by family, field and reason (no row content); reasons cut to 200 characters
select
    kind,
    field,
    left(reason, 200) as reason,
    count(*) as rows,
    count(distinct file) as files
from {{ ref('stg_quarantine') }}
group by all
