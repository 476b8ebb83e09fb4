{#-
  Generic test: values of `column_name` missing from the vocabulary seed `seed` (its column `field`, by default the
  same name as the tested column); nulls pass, as in `relationships`. The check reads the seed's CSV itself
  (seeds/<seed>.csv, the file the Python validation reads too) rather than the seed table, so it holds in a run that
  does not build the seed (a Dagster run of what depends on newly ingested files) and never sees a stale seed
  table. `ref(seed)` keeps the seed in the test's lineage (docs, manifest).
-#}
{% test in_seed(model, column_name, seed, field=none) %}
{%- set seed_relation = ref(seed) -%}
{%- set field = field or column_name -%}
{%- set csv_path = '' -%}
{%- if execute -%}
    {%- set nodes = graph.nodes.values() | selectattr('resource_type', 'equalto', 'seed')
                    | selectattr('name', 'equalto', seed) | list -%}
    {%- if nodes | length != 1 -%}
        {{ exceptions.raise_compiler_error("in_seed: no seed named '" ~ seed ~ "'") }}
    {%- endif -%}
    {%- set csv_path = nodes[0].root_path ~ '/' ~ nodes[0].original_file_path -%}
{%- endif %}
with vocabulary as (
    select "{{ field }}" as value
    from read_csv({{ sql_path(csv_path) }}, header = true, all_varchar = true)
)
select child.{{ column_name }} as value, count(*) as n_rows
from {{ model }} as child
where child.{{ column_name }} is not null
  and not exists (select 1 from vocabulary v where v.value = child.{{ column_name }})
group by 1
{% endtest %}
