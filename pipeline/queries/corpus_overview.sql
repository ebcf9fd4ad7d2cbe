-- Row counts of every table.
select 'articles' as "table", count(*) as rows from articles
union all select 'doc_refs', count(*) from doc_refs
union all select 'dates', count(*) from dates
union all select 'counts', count(*) from counts
union all select 'solutions', count(*) from solutions
union all select 'entities', count(*) from entities
union all select 'errors', count(*) from errors;
