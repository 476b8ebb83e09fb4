{#- A city name as a city id, as scn.registry.slugify makes it: characters nobody sees (Unicode's Cf) dropped, a
    parenthesised part dropped, any punctuation, symbol, space or control character a separator (an en dash, a
    typographic apostrophe, a middle dot: `Dar’a` is `dar-a` as `Dar'a` is; such characters beyond ASCII were
    dropped, `dara`), accents off, other non-ASCII characters dropped, lower case, runs of anything else one
    hyphen, no hyphen at either end. city_key folds letters and widths first (fold_letters), as slugify does. -#}
{% macro city_slug(name) -%}
trim(regexp_replace(lower(regexp_replace(strip_accents(regexp_replace(regexp_replace(regexp_replace({{ name }},
     '\p{Cf}', '', 'g'), '\(.*?\)', '', 'g'), '[\p{P}\p{S}\p{Z}\p{Cc}]', '-', 'g')), '[^\x00-\x7F]', '', 'g')),
     '[^a-z0-9]+', '-', 'g'), '-')
{%- endmacro %}
