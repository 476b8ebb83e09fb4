{#- A city name as a city id, as scn.registry.slugify makes it: accents off, other non-ASCII characters dropped,
    a parenthesised part dropped, lower case, runs of anything else one hyphen, no hyphen at either end. -#}
{% macro city_slug(name) -%}
trim(regexp_replace(lower(regexp_replace(regexp_replace(strip_accents({{ name }}), '[^\x00-\x7F]', '', 'g'),
     '\(.*?\)', '', 'g')), '[^a-z0-9]+', '-', 'g'), '-')
{%- endmacro %}
