-- Every counted unit (members, cells, committees ...): how many counts, their sum and the largest.
select
    c.unit,
    count(*) filter (where not coalesce(c.percent, false)) as counts,
    count(*) filter (where c.percent) as percentages,
    sum(c.value) filter (where not coalesce(c.percent, false))::bigint as total,
    max(c.value) filter (where not coalesce(c.percent, false))::bigint as largest,
    count(distinct c.article_id) as articles
from counts c
group by c.unit
order by counts desc, c.unit;
