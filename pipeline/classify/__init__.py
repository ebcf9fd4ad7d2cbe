"""Topic, genre and relevance classification (scikit-learn)."""
