{#- A programme activity id as the activity it names: ids that differ only in case (`ACT-7`, `act-7`, sent in two
    files of one partner), in accents (`ÉTÉ-1`, `ete-1`; accents composed or as combining marks, as a file saved
    on another system has them), in runs of spaces inside (`ACT 7`, `act  7`, a no-break space) or in surrounding
    spaces, in the width of their letters (`ＡＣＴ-７`, full-width forms U+FF01-FF5E and the ideographic space, as
    an East Asian input method writes them) or in characters nobody sees (format characters, Unicode's Cf: a
    zero-width space or joiner, a byte order mark, a soft hyphen, bidi marks and isolates) are one activity
    (stg_programme_activities keeps one row per key; participants link to an activity by it). Letters of another
    script that look like Latin ones (Cyrillic `А`) are other letters: such ids stay apart. Computed at every build
    from the id as stored, so an id ingested before this rule and one ingested after share a key;
    scn.ingest.programme.activity_key runs this macro (warehouse_key), one rule. -#}
{% macro activity_key(column) -%}
    trim(regexp_replace(lower(strip_accents(nfc_normalize(coalesce(list_aggr(list_transform(
        string_split(regexp_replace(cast({{ column }} as varchar), '\p{Cf}', '', 'g'), ''),
        lambda c: case when unicode(c) between 65281 and 65374 then chr(unicode(c) - 65248)
                       when unicode(c) = 12288 then ' ' else c end), 'string_agg', ''),
        case when {{ column }} is not null then '' end)))), '[\s\pZ]+', ' ', 'g'))
{%- endmacro %}
