from django.urls import path

from .views import clerk, key, unit

app_name = "proposals"

urlpatterns = [
    # Clerk (交办员)
    path("proposals/", clerk.proposal_list, name="proposal_list"),
    path("proposals/new/", clerk.proposal_register, name="proposal_register"),
    path("proposals/<int:pk>/", clerk.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/accept/", clerk.proposal_accept, name="proposal_accept"),
    path("proposals/<int:pk>/reject/", clerk.proposal_reject, name="proposal_reject"),
    path("proposals/<int:pk>/merge/", clerk.proposal_merge, name="proposal_merge"),
    path("proposals/<int:pk>/assign/", clerk.proposal_assign, name="proposal_assign"),
    # 重点提案 and 督办
    path("proposals/key/", key.key_proposal_list, name="key_proposal_list"),
    path("proposals/<int:pk>/key/", key.key_mark, name="key_mark"),
    path("proposals/<int:pk>/key/unmark/", key.key_unmark, name="key_unmark"),
    path(
        "proposals/<int:pk>/supervision/new/",
        key.supervision_create,
        name="supervision_create",
    ),
    path(
        "proposals/<int:pk>/extensions/<int:request_pk>/decide/",
        clerk.extension_decide,
        name="extension_decide",
    ),
    path(
        "proposals/<int:pk>/reassignments/<int:request_pk>/decide/",
        clerk.reassignment_decide,
        name="reassignment_decide",
    ),
    # Handling units: everything hangs from the unit's own assignment.
    path("work/<int:pk>/", unit.assignment_detail, name="assignment_detail"),
    path("work/<int:pk>/contacts/new/", unit.contact_create, name="contact_create"),
    path("work/<int:pk>/sections/new/", unit.section_create, name="section_create"),
    path("work/<int:pk>/sections/<int:section_pk>/", unit.section_edit, name="section_edit"),
    path(
        "work/<int:pk>/sections/<int:section_pk>/submit/",
        unit.section_submit,
        name="section_submit",
    ),
    path(
        "work/<int:pk>/sections/<int:section_pk>/accept/",
        unit.section_accept,
        name="section_accept",
    ),
    path(
        "work/<int:pk>/sections/<int:section_pk>/return/",
        unit.section_return,
        name="section_return",
    ),
    path("work/<int:pk>/tasks/new/", unit.task_create, name="task_create"),
    path("work/<int:pk>/tasks/<int:task_pk>/done/", unit.task_done, name="task_done"),
    path("work/<int:pk>/tasks/<int:task_pk>/cancel/", unit.task_cancel, name="task_cancel"),
    path(
        "work/<int:pk>/tasks/<int:task_pk>/reassign/", unit.task_reassign, name="task_reassign"
    ),
    path("work/<int:pk>/extension/", unit.extension_request, name="extension_request"),
    path("work/<int:pk>/reassignment/", unit.reassignment_request, name="reassignment_request"),
]
