from django.db import models


class DemoCitySeed(models.Model):
    """Marks the database as holding a generated demo city, so seeding again is a no-op."""

    size = models.CharField(max_length=10)
    seed = models.IntegerField()
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.size} city, seed {self.seed}"


class SearchRecord(models.Model):
    """One storefront search, kept so reports can show demand the shops do not meet."""

    query = models.CharField(max_length=200)
    # Lower-cased and whitespace-collapsed, so "Lego " and "lego" count as one search.
    normalised_query = models.CharField(max_length=200)
    filters = models.JSONField(default=dict, blank=True)
    result_count = models.PositiveIntegerField()
    # Nothing found only because of the visitor's filters: not demand the shops miss.
    filtered_out = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["result_count", "created_at"], name="search_miss_by_time")]

    def __str__(self):
        return f"{self.query!r}: {self.result_count}"
