from django.db import models


class DemoCitySeed(models.Model):
    """Marks the database as holding a generated demo city, so seeding again is a no-op."""

    size = models.CharField(max_length=10)
    seed = models.IntegerField()
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.size} city, seed {self.seed}"
