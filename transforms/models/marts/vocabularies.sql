-- every controlled vocabulary (the seeds), one row per value: what the codes in the other tables mean
select 'crime_categories' as vocabulary, cast(category as varchar) as value, cast(null as varchar) as label, cast(description as varchar) as description
from {{ ref('crime_categories') }}
union all
select 'genders' as vocabulary, cast(gender as varchar) as value, cast(null as varchar) as label, cast(description as varchar) as description
from {{ ref('genders') }}
union all
select 'kpi_definitions' as vocabulary, cast(kpi as varchar) as value, cast(null as varchar) as label, cast(description as varchar) as description
from {{ ref('kpi_definitions') }}
union all
select 'location_precisions' as vocabulary, cast(location_precision as varchar) as value, cast(null as varchar) as label, cast(description as varchar) as description
from {{ ref('location_precisions') }}
union all
select 'participant_roles' as vocabulary, cast(role as varchar) as value, cast(label as varchar) as label, cast(description as varchar) as description
from {{ ref('participant_roles') }}
union all
select 'post_labels' as vocabulary, cast(label as varchar) as value, cast(null as varchar) as label, cast(description as varchar) as description
from {{ ref('post_labels') }}
union all
select 'programme_lines' as vocabulary, cast(programme_line as varchar) as value, cast(label as varchar) as label, cast(description as varchar) as description
from {{ ref('programme_lines') }}
union all
select 'regions' as vocabulary, cast(region as varchar) as value, cast(null as varchar) as label, cast(description as varchar) as description
from {{ ref('regions') }}
union all
select 'survey_group_types' as vocabulary, cast(group_type as varchar) as value, cast(null as varchar) as label, cast(description as varchar) as description
from {{ ref('survey_group_types') }}
union all
select 'user_roles' as vocabulary, cast(role as varchar) as value, cast(null as varchar) as label, cast(description as varchar) as description
from {{ ref('user_roles') }}
