-- posts per city, language and platform: how many the classifier assessed, how many only by the lexicon method
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='city_id',
          on_schema_change='fail', pre_hook="{{ delete_changed_cities() }}") }}
select
    city_id,
    coalesce(lang, 'unknown') as lang,
    -- the platform leads the post key (`x:123`, `forum@london:12`, `unknown@london+facebook:5`)
    {{ key_platform('post_key') }} as platform,
    count(*) as posts,
    count(*) filter (where is_assessed) as assessed,
    count(*) filter (where method = 'lexicon') as lexicon,
    count(*) filter (where not is_assessed) as not_assessed
from {{ ref('stg_posts_enriched') }}
where {{ city_filter() }}
group by all
