{#- A survey id as the survey it names: a codebook's `survey_id` written in another case, with surrounding spaces,
    or with spaces where the export's file name has underscores or hyphens (`Youth`, ` youth`; the form title
    `Resilience survey 2025` of the KoboToolbox export `Resilience_survey_2025_-_all_versions_-_...`) is the
    export's survey (int_survey_answers, survey_text_answers link codebook rows to answers by it). Runs of spaces,
    tabs, line breaks, underscores and hyphens are one space; as scn.ingest.survey.survey_key. -#}
{% macro survey_key(column) -%}
    lower(trim(regexp_replace(cast({{ column }} as varchar), '[ \t\r\n_-]+', ' ', 'g')))
{%- endmacro %}
