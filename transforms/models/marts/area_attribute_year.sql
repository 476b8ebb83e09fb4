-- area attributes, long: one value per city x area x attribute x year (0 = the file gave no year)
select city_id, area_code, attribute, year, value
from {{ ref('stg_area_attributes') }}
