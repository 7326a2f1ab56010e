import pytest
from django.contrib.auth.models import Group

from safeguarding.access.roles import ROLES, sync_roles

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)


def test_syncing_roles_restores_permissions_removed_by_hand():
    auditor = Group.objects.get(name="auditor")
    auditor.permissions.clear()
    sync_roles()
    assert sorted(auditor.permissions.values_list("codename", flat=True)) == [
        "view_auditevent",
        "view_feed_register",
    ]


def test_a_user_gets_permissions_through_their_role(cast):
    assert cast["auditor"].has_perm("access.view_auditevent")
    assert not cast["analyst"].has_perm("access.view_auditevent")
    assert not cast["outsider"].has_perm("access.view_auditevent")
