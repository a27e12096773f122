import factory
from factory.django import DjangoModelFactory

from apps.staff import services
from apps.staff.models import RoleChange
from tests.members.factories import UserFactory


class StaffUserFactory(UserFactory):
    """A staff member in the given roles: StaffUserFactory(roles=["warehouse"])."""

    email = factory.Sequence(lambda n: f"staff{n}@example.com")
    is_staff = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            services.staff_member_set_roles(actor=None, member=self, roles=list(extracted))


class RoleChangeFactory(DjangoModelFactory):
    class Meta:
        model = RoleChange

    member = factory.SubFactory(StaffUserFactory)
    member_email = factory.SelfAttribute("member.email")
    role = "warehouse"
    action = RoleChange.Action.GRANTED
    actor_email = ""
