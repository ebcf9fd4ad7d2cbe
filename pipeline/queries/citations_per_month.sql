-- Timeline of citations: document mentions per month of the citing articles' publication.
select
    date_trunc('month', a.published_date)::date as month,
    count(*) as mentions,
    count(distinct d.canonical) as documents,
    count(distinct d.article_id) as articles
from doc_refs d
join articles a using (article_id)
where a.published_date is not null
group by all
order by month;
