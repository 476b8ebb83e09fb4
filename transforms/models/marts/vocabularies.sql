-- every controlled vocabulary (the seeds), one row per value: what the codes in the other tables mean.
-- seed -> (its key column, its label column if it has one)
{%- set seeds = {
    "crime_categories": ("category", none), "genders": ("gender", none), "kpi_definitions": ("kpi", none),
    "location_precisions": ("location_precision", none), "participant_roles": ("role", "label"),
    "post_labels": ("label", none), "programme_lines": ("programme_line", "label"), "regions": ("region", none),
    "survey_group_types": ("group_type", none), "survey_item_types": ("item_type", none), "user_roles": ("role", none),
} %}
{% for seed, (key, label) in seeds.items() %}
select
    '{{ seed }}' as vocabulary,
    cast({{ key }} as varchar) as value,
    cast({{ label or "null" }} as varchar) as label,
    cast(description as varchar) as description
from {{ ref(seed) }}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
