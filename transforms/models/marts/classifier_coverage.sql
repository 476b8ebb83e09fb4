-- posts per city and language: how many the classifier assessed, how many only by the lexicon method
select
    city_id,
    coalesce(lang, 'unknown') as lang,
    count(*) as posts,
    count(*) filter (where is_assessed) as assessed,
    count(*) filter (where method = 'lexicon') as lexicon,
    count(*) filter (where not is_assessed) as not_assessed
from {{ ref('stg_posts_enriched') }}
group by all
