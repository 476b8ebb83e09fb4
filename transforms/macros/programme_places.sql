{#- How programme records name places, one rule for every model that reads them (int_activities,
    int_participations, network_kpis); scn.ingest.programme (city_key, country_key, country_given) runs these
    macros' SQL for the ingest's warnings, and city_names, ambiguous_city_keys, country_codes are the same rules
    in Python. -#}

{#- Letters written another way as the letters they stand for, before a name is keyed: full-width forms
    (`Ｂｅｉｒｕｔ`, U+FF01-FF5E; the ideographic space) as ASCII, ligatures and letters that decompose into no
    base letter spelt out (`ß` `ss`, `ﬁ` `fi`, `Œ` `OE`, `ĳ` `ij`, `þ` `th`), the Turkish dotless `ı` as `i` (dotted
    `İ` loses its dot in strip_accents) and `ø đ ł ħ ð` as `o d l h d`; any space (Unicode's Z: a no-break, narrow
    or thin space) as a space and any dash (Pd: a no-break hyphen, an en or em dash) as `-`, so they still part
    words (`Saint<no-break space>Denis` is `Saint-Denis`; city_slug drops what is not ASCII, and keyed it
    `saintdenis`). Python's casefold/NFKD did some of this
    and DuckDB's lower/strip_accents none, so a name could key apart between ingest and warehouse; now
    scn.ingest.programme keys names by running these macros (``warehouse_key``), one rule. -#}
{% macro fold_letters(name) -%}
regexp_replace(regexp_replace(
{%- set spelt = [['ß', 'ss'], ['ẞ', 'SS'], ['ﬀ', 'ff'], ['ﬁ', 'fi'], ['ﬂ', 'fl'], ['ﬃ', 'ffi'], ['ﬄ', 'ffl'],
                 ['ﬅ', 'st'], ['ﬆ', 'st'], ['Ĳ', 'IJ'], ['ĳ', 'ij'], ['Æ', 'AE'], ['æ', 'ae'], ['Œ', 'OE'],
                 ['œ', 'oe'], ['Þ', 'TH'], ['þ', 'th']] -%}
translate({% for pair in spelt %}replace({% endfor %}list_aggr(list_transform(string_split({{ name }}, ''),
    lambda letter: case when unicode(letter) between 65281 and 65374 then chr(unicode(letter) - 65248)
                        when unicode(letter) = 12288 then ' ' else letter end), 'string_agg', '')
    {%- for written, letters in spelt %}, '{{ written }}', '{{ letters }}'){% endfor %},
    'ıØøĐđŁłĦħÐð', 'iOoDdLlHhDd'), '\pZ', ' ', 'g'), '\p{Pd}', '-', 'g')
{%- endmacro %}

{#- A city name as the city it names: its slug (macros/city_slug.sql: case, accents, spaces, a parenthesised
    part aside) of its letters folded (fold_letters), a leading "The" dropped (`Hague` is The Hague). -#}
{% macro city_key(name) -%}
regexp_replace({{ city_slug(fold_letters(name)) }}, '^the-(.)', '\1')
{%- endmacro %}

{#- A place as written, as the place it names, for a place no registry city is (int_participations' home_place,
    network_kpis' host_place): its city_key, or, for a name with a letter or digit beyond ASCII once its letters are
    folded and accents dropped (another script: `Москва`, `بيروت`, `Kisumu Кисуму`, `Area ٣`; `ə`), all its letters
    and digits (fold_letters; format characters, Unicode's Cf, dropped), accents and case aside, runs of anything
    else one hyphen. So `Smalltown`, `SMALLTOWN`, `Smálltown`, `Ｓｍａｌｌｔｏｗｎ` and `Small-Town` are one place,
    `Москва`, `МОСКВА` and `Мос<zero-width space>ква` another, `Киев` a third; `Al بيروت` and `Al صيدا` are two
    (city_key keeps ASCII only: both were `al`), `Kisumu Кисуму` and `KISUMU кисуму` one, `Kisumu` another. -#}
{% macro place_key(name) -%}
{%- set letters -%}
trim(regexp_replace(lower(strip_accents(regexp_replace({{ fold_letters(name) }}, '\p{Cf}', '', 'g'))),
     '[^\p{L}\p{N}]+', '-', 'g'), '-')
{%- endset -%}
case when regexp_matches({{ letters }}, '[^\x00-\x7F]') then {{ letters }}
     else coalesce(nullif({{ city_key(name) }}, ''), {{ letters }}) end
{%- endmacro %}

{#- A country as written, as the country it names: letters folded (fold_letters), accents, case, dots and
    apostrophes dropped, any other run of punctuation or spaces one space, ends stripped (`U.K.` is `uk`,
    `Côte d’Ivoire` `cote divoire`, `ＵＫ` `uk`); scn.ingest.programme.country_key runs it. -#}
{% macro country_key(name) -%}
trim(regexp_replace(regexp_replace(lower(strip_accents({{ fold_letters(name) }})), '[.''\x{2019}\x{02BC}]', '',
    'g'), '[^\p{L}\p{N}_]+', ' ', 'g'))
{%- endmacro %}

{#- The country keys (country_key) that say no country is given: `n/a`, `N.A.`, `NA`, `-`, `?`, `none`,
    `unknown`, `tbd`... A row so written names no country, as a blank one (not an unknown country: a name two
    places bear is ambiguous, a misspelt member is suggested); `NA` is never Namibia (written `Namibia`, `NAM`). -#}
{% macro no_country_keys() -%}
('', 'na', 'n a', 'none', 'nil', 'null', 'unknown', 'not known', 'unk', 'not applicable', 'not available',
 'tbd', 'tbc', 'no country', 'nan')
{%- endmacro %}

{#- A country as written, null when it names none (no_country_keys); scn.ingest.programme.country_given runs it. -#}
{% macro given_country(name) -%}
case when {{ country_key(name) }} not in {{ no_country_keys() }} then {{ name }} end
{%- endmacro %}

{#- A query: each way a country may be written (its country_key) -> `written`, `country` in one spelling: a
    registry country's name or ISO code is the registry's country; a name or ISO code of the country_names seed
    (`UK`, `Liban`, `Türkiye`, `USA`: its names in several languages) is the registry's country of that code, else
    the seed's name for it. The registry wins where the two differ. scn.ingest.programme.country_codes is this rule
    for the ingest. -#}
{% macro country_names() -%}
select written, arg_min(country, ranked || country) as country
from (
    select {{ country_key('country') }} as written, country, '0' as ranked
    from {{ ref('stg_cities') }} where country is not null
    union all
    select {{ country_key('country_code') }}, country, '0' from {{ ref('stg_cities') }}
    where country_code is not null and country is not null
    union all
    select {{ country_key('w.written') }}, coalesce(r.country, w.country), '1'
    from (
        select name as written, upper(trim(country_code)) as code, country from {{ ref('country_names') }}
        union
        select country_code, upper(trim(country_code)), country from {{ ref('country_names') }}
    ) w
    left join (
        select upper(trim(country_code)) as code, min(country) as country from {{ ref('stg_cities') }}
        where country_code is not null and country is not null group by all
    ) r on r.code = w.code
)
where written not in {{ no_country_keys() }}
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
