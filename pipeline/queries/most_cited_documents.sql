-- The documents cited by most articles (full references only), with their catalogue title.
select
    d.canonical,
    any_value(d.doc_type_name) as doc_type_name,
    any_value(d.catalog_title) as catalog_title,
    min(d.issued_date) as issued_date,
    count(distinct d.article_id) as articles,
    count(*) as mentions
from doc_refs d
where d.canonical is not null and not coalesce(d.partial, false)
group by d.canonical
order by articles desc, mentions desc, d.canonical
limit 25;
