"""Follow by Email: who subscribed to which blog, what was sent, and to whom it went."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post


def normalise(email: str) -> str:
    """The one form an address is stored and compared in."""
    return email.strip().lower()


class SubscriberQuerySet(models.QuerySet["Subscriber"]):
    def mailable(self) -> SubscriberQuerySet:
        """Confirmed, still subscribed, and not suppressed by a bounce or a complaint."""
        suppressed = Suppression.objects.values("email")
        return self.filter(status=Subscriber.Status.CONFIRMED).exclude(email__in=suppressed)


class Subscriber(models.Model):
    """One address following one blog. Nothing but the one confirmation mail goes to it until
    its owner confirms (double opt-in), so a form can't sign up someone else."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting confirmation"
        CONFIRMED = "confirmed", "Subscribed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    class Frequency(models.TextChoices):
        EACH = "each", "Every post"
        WEEKLY = "weekly", "A weekly digest"

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()  # normalised
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.EACH)
    source = models.CharField(max_length=32, default="form")  # form, or the imported file's kind
    created_at = models.DateTimeField(default=timezone.now)
    # When the confirmation mail last went out: rate-limited, so the form can't mail-bomb.
    asked_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blog", "email"], name="one_subscriber_per_blog")
        ]
        indexes = [models.Index(fields=["blog", "status"], name="subscriber_blog_status")]

    def __str__(self) -> str:
        return f"{self.email} on {self.blog} ({self.status})"


class Suppression(models.Model):
    """An address never mailed again by this install: it bounced hard or complained."""

    class Reason(models.TextChoices):
        BOUNCE = "bounce", "Hard bounce"
        COMPLAINT = "complaint", "Complaint"
        MANUAL = "manual", "Suppressed by an operator"

    email = models.EmailField(unique=True)  # normalised
    reason = models.CharField(max_length=16, choices=Reason.choices)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.email} ({self.reason})"


class NewsletterSettings(models.Model):
    """A blog's choices for its newsletter (kept here so `blogs` needs no field for it)."""

    blog = models.OneToOneField(Blog, on_delete=models.CASCADE, related_name="+")
    # Full posts, or the excerpt up to the jump break with a link to read on.
    full_posts = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"Newsletter of {self.blog}"


class Send(models.Model):
    """One mailing: a post (at most once ever, so an edit never re-sends) or a weekly digest."""

    class Kind(models.TextChoices):
        POST = "post", "New post"
        DIGEST = "digest", "Weekly digest"

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.POST)
    post = models.OneToOneField(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A digest's week ("2025-W07"): one digest per blog and week.
    period = models.CharField(max_length=16, blank=True)
    # The posts a digest carries (ids), fixed when it was made.
    post_ids = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    # The mail server asked us to wait (a 4xx, or it was down): no batch before this time.
    paused_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["blog", "period"],
                condition=models.Q(kind="digest"),
                name="one_digest_per_week",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One mail of a send to one subscriber: the record that makes a send resumable without
    mailing anyone twice (docs/subscribers.md, "Crashes")."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["send", "subscriber"], name="one_delivery_each")
        ]
        indexes = [models.Index(fields=["send", "state"], name="delivery_send_state")]

    def __str__(self) -> str:
        return f"{self.send} to {self.subscriber.email}: {self.state}"
