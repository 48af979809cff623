"""schema.org aggregateRating and reviews for a product's JSON-LD, from approved reviews only
(selectors.Rating holds nothing else). Serialised by shops.jsonld.script_tag, which escapes
`<`, `>` and `&`, so a review's text can never close the script element."""

from django.utils.translation import gettext as _

from .selectors import Rating

BEST, WORST = 5, 1


def rating_fields(rating: Rating) -> dict:
    """The fields to add to a Product: none while no review is approved (Google refuses an
    aggregateRating of zero reviews)."""
    if not rating.count:
        return {}
    return {
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": str(rating.average),
            "reviewCount": rating.count,
            "bestRating": BEST,
            "worstRating": WORST,
        },
        "review": [
            {
                "@type": "Review",
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": review.rating,
                    "bestRating": BEST,
                    "worstRating": WORST,
                },
                "author": {"@type": "Person", "name": review.author or _("A customer")},
                "reviewBody": review.text,
                "datePublished": review.written.date().isoformat(),
            }
            for review in rating.reviews
        ],
    }
