from django.contrib.postgres.search import SearchVector

SEARCH_CONFIG = "simple"


def search_vector() -> SearchVector:
    """The one expression both the GIN index and the search query use.

    The planner only uses an expression index for a query that repeats the
    expression exactly, so neither side may build its own. The 'simple'
    configuration does no stemming, which suits Polish and English alike.
    """
    return SearchVector("title", "content", config=SEARCH_CONFIG)
