-- Articles per site and month of publication (undated articles under a null month).
select
    coalesce(site, publisher, '(unknown)') as site,
    date_trunc('month', published_date)::date as month,
    count(*) as articles,
    count(*) filter (where is_party_building) as party_building
from articles
group by all
order by site, month nulls last;
