{#- The platform a post key leads with (x:1234 -> x, forum@london:12 -> forum), 'unknown' where none: the rule of
    scn.ingest.social.posts.key_platforms (KEY_PLATFORM), which builds the keys. -#}
{% macro key_platform(post_key) -%}
coalesce(nullif(regexp_extract({{ post_key }}, '^([^:@]+)', 1), ''), 'unknown')
{%- endmacro %}
