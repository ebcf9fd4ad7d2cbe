-- Enumerated solutions, measures and limitations by the article's topic.
select
    coalesce(a.topic, '(unclassified)') as topic,
    s.kind,
    count(distinct (s.article_id, s.list_id)) as lists,
    count(*) as items,
    count(distinct s.article_id) as articles
from solutions s
join articles a using (article_id)
group by all
order by topic, items desc, s.kind;
