"""Topic, genre and relevance classification.

labels (names, labelled texts, split) -> features (text form, vectorizers) ->
training (fit, ``make train``) -> modelfile (model.skops) -> inference (the numpy
bundle workers load: tfidf + heads) -> prediction (the articles columns) ->
component (the spaCy pipe "classify").
"""
