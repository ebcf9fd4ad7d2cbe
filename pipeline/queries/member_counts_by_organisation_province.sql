-- Member counts (unit 'đảng viên', absolute numbers) by province, organisation (the count's subject,
-- as the organisation entity it links to when there is one) and measure (members, admitted, disciplined ...):
-- the latest value by article date, the largest, and how many counts and articles report one.
select
    coalesce(a.province, '(unknown)') as province,
    coalesce(e.name, c.subject, '(unknown)') as organisation,
    c.measure,
    coalesce(c.qualifier, '') as qualifier,
    arg_max(c.value, coalesce(a.published_date, date '1900-01-01'))::bigint as latest,
    max(a.published_date) as latest_article,
    max(c.value)::bigint as largest,
    count(*) as counts,
    count(distinct c.article_id) as articles
from counts c
join articles a using (article_id)
left join entities e on e.article_id = c.article_id and e.entity_id = c.subject_entity_id
where c.unit = 'đảng viên' and not coalesce(c.percent, false)
group by 1, 2, 3, 4
order by province, c.measure = 'membership' desc, largest desc, organisation, measure, qualifier;
