import factory

from jobs.models import Job
from proposals.tests.factories import CommitteeFactory, UserFactory


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    kind = Job.SELFTEST
    owner = factory.SubFactory(UserFactory)
    committee = factory.SubFactory(CommitteeFactory)
    params = factory.LazyFunction(lambda: {"n": 10})
