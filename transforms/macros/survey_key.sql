{#- A survey id as the survey it names: a codebook's `survey_id` written in another case or with surrounding spaces
    (`Youth`, ` youth`) is the export's survey `youth` (int_survey_answers, survey_text_answers link codebook rows to
    answers by it). -#}
{% macro survey_key(column) -%}
    lower(trim(cast({{ column }} as varchar)))
{%- endmacro %}
