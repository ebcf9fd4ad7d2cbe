-- Every counted unit (members, cells, committees ...) and measure (how many there are, admitted,
-- disciplined ...): how many counts, their sum and the largest. Heads are summed within one measure only.
select
    c.unit,
    c.measure,
    count(*) filter (where not coalesce(c.percent, false)) as counts,
    count(*) filter (where c.percent) as percentages,
    sum(c.value) filter (where not coalesce(c.percent, false))::bigint as total,
    max(c.value) filter (where not coalesce(c.percent, false))::bigint as largest,
    count(distinct c.article_id) as articles
from counts c
group by c.unit, c.measure
order by counts desc, c.unit, c.measure;
