-- The ten most cited documents in each year of publication of the citing articles.
select
    year(a.published_date) as year,
    d.canonical,
    any_value(d.catalog_title) as catalog_title,
    count(distinct d.article_id) as articles,
    count(*) as mentions
from doc_refs d
join articles a using (article_id)
where d.canonical is not null and not coalesce(d.partial, false)
group by 1, 2
qualify row_number() over (partition by year(a.published_date) order by count(distinct d.article_id) desc, count(*) desc, d.canonical) <= 10
order by year nulls last, articles desc, mentions desc, d.canonical;
