-- Articles citing a document that had already been replaced when they were published: the cited
-- catalogue document, the one that replaced it and since when (superseded_by, in_force_until).
select
    a.article_id,
    a.published_date,
    a.title,
    d.catalog_id,
    any_value(d.canonical) as canonical,
    any_value(d.catalog_title) as catalog_title,
    d.superseded_by,
    d.in_force_until,
    count(*) as mentions
from doc_refs d
join articles a using (article_id)
where d.superseded_by is not null
  and d.in_force_until is not null
  and a.published_date >= d.in_force_until
group by a.article_id, a.published_date, a.title, d.catalog_id, d.superseded_by, d.in_force_until
order by a.published_date, a.article_id, d.catalog_id;
