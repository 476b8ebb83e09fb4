{#- A programme activity id as the activity it names: ids that differ only in case (`ACT-7`, `act-7`, sent in two
    files of one partner), in accents (`ÉTÉ-1`, `ete-1`; accents composed or as combining marks, as a file saved
    on another system has them), in runs of spaces inside (`ACT 7`, `act  7`, a no-break space) or in surrounding
    spaces are one activity (stg_programme_activities keeps one row per key; participants link to an activity by it). Computed at
    every build from the id as stored, so an id ingested before this rule and one ingested after share a key;
    scn.ingest.programme.activity_key runs this macro (warehouse_key), one rule. -#}
{% macro activity_key(column) -%}
    trim(regexp_replace(lower(strip_accents(nfc_normalize(cast({{ column }} as varchar)))), '[\s\pZ]+', ' ', 'g'))
{%- endmacro %}
