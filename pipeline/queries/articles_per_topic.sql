-- Articles per topic and genre, with how many are about party building.
select
    coalesce(topic, '(unclassified)') as topic,
    coalesce(genre, '(unknown)') as genre,
    count(*) as articles,
    count(*) filter (where is_party_building) as party_building,
    round(avg(n_words)) as mean_words
from articles
group by all
order by articles desc, topic, genre;
