"""Who may see a background job (its progress page, status and download)."""

from django.db.models import Q, QuerySet

from .models import Job


def jobs_visible_to(user) -> QuerySet[Job]:
    """The owner sees a job; so does the staff of the committee the job belongs to. 404
    for everyone else: another unit's people must not learn that the job exists."""
    if not user.is_authenticated:
        return Job.objects.none()
    if user.is_superuser:
        return Job.objects.all()
    # The committee model through the foreign key: jobs/ names no domain model.
    committees = Job._meta.get_field("committee").related_model.objects.filter(
        staff__user=user
    )
    return Job.objects.filter(Q(owner=user) | Q(committee__in=committees.values("pk")))
