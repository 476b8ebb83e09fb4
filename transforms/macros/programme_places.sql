{#- How programme records name places, one rule for every model that reads them (int_activities,
    int_participations, network_kpis); scn.ingest.programme (city_key, city_names, ambiguous_city_keys) is the
    same rule in Python, for the ingest's warnings. -#}

{#- A city name as the city it names: its slug (macros/city_slug.sql: case, accents, spaces, a parenthesised
    part aside), a leading "The" dropped (`Hague` is The Hague). -#}
{% macro city_key(name) -%}
regexp_replace({{ city_slug(name) }}, '^the-(.)', '\1')
{%- endmacro %}

{#- A country as written, case, accents and runs of spaces aside (`lebanon `, ` Lébanon`, `LEBANON`). -#}
{% macro country_key(name) -%}
lower(regexp_replace(trim(strip_accents({{ name }})), '\s+', ' ', 'g'))
{%- endmacro %}

{#- A query: each way a registry country may be written (country_key of its name, or its ISO code in lower
    case) -> `written`, `country` the registry's name. -#}
{% macro country_names() -%}
select written, min(country) as country
from (
    select {{ country_key('country') }} as written, country from {{ ref('stg_cities') }} where country is not null
    union all
    select lower(trim(country_code)), country from {{ ref('stg_cities') }}
    where country_code is not null and country is not null
)
group by written
{%- endmacro %}

{#- A query: each way a registry city may be named, as a city key (`name_key`) -> the city (`city_id`, `name`,
    `country`, `country_code`): its id, its registry name and its other names (city_aliases seed). `ambiguous`:
    the key does not say which place it is without a country - two registry cities bear it (one's name, the
    other's alias too), or a member shares it with another place (city_homonyms seed: Tripoli, Libya);
    `other_countries`: those other places' countries (country_key), never the member's. -#}
{% macro city_names() -%}
select n.name_key, c.city_id, c.name, c.country, c.country_code,
    count(distinct c.city_id) over (partition by n.name_key) > 1 or h.name_key is not null as ambiguous,
    coalesce(h.countries, []) as other_countries
from (
    select city_id, {{ city_key('city_id') }} as name_key from {{ ref('stg_cities') }}
    union
    select city_id, {{ city_key('name') }} from {{ ref('stg_cities') }} where name is not null
    union
    select city_id, {{ city_key('alias') }} from {{ ref('city_aliases') }}
) n
join {{ ref('stg_cities') }} c on c.city_id = n.city_id
left join (
    select {{ city_key('name') }} as name_key, list(distinct {{ country_key('country') }}) as countries
    from {{ ref('city_homonyms') }} group by all
) h on h.name_key = n.name_key
where n.name_key <> ''
{%- endmacro %}
