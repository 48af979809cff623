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


class OutboxTask(models.Model):
    """A task recorded in the transaction that caused it, waiting to reach the broker
    (marketplace/outbox.py). A row exists exactly when its cause committed; the relay sends
    unsent rows oldest first and marks them sent."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # After a failed send the row waits until then (backoff), so a broker that stays away
    # is not asked again by every request.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"], name="outbox_unsent", condition=models.Q(sent_at__isnull=True)
            )
        ]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)} ({'sent' if self.sent_at else 'waiting'})"


class SentEmail(models.Model):
    """One e-mail sent, under the key of its event: a task run twice (redelivered by the
    broker, or relayed twice by the outbox) finds the key and sends nothing new."""

    key = models.CharField(max_length=200, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.key


class TaskEffect(models.Model):
    """An effect a task wrote to our own database (Oscar's analytics counters), under the
    key of its event, in the same transaction: a redelivered task finds the key and does
    nothing new (marketplace/outbox.py's `once`)."""

    key = models.CharField(max_length=200, unique=True)
    done_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.key


class ImageThumbnails(models.Model):
    """The thumbnails made of one stored photo (marketplace/thumbnails.py), by purpose:
    {"card": [{"name": storage name, "width": px, "height": px}, 2x...], ...}; {} when the
    file could not be read as an image."""

    source = models.CharField(max_length=255, unique=True)
    sizes = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "image thumbnails"

    def __str__(self):
        return self.source
