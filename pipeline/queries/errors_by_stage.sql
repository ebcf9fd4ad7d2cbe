-- Pages that failed, by stage, with an example reason.
select
    stage,
    count(*) as errors,
    any_value(error) as example
from errors
group by stage
order by errors desc, stage;
