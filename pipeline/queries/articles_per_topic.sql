-- Articles per topic and genre, with how many are about party building.
select
    coalesce(a.topic, '(unclassified)') as topic,
    any_value(t.name) as topic_name,
    coalesce(a.genre, '(unknown)') as genre,
    count(*) as articles,
    count(*) filter (where a.is_party_building) as party_building,
    round(avg(a.n_words)) as mean_words
from articles a
left join topic_names t on t.topic = a.topic
group by a.topic, a.genre
order by articles desc, topic, genre;
