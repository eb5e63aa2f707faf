from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "luoshi.tasks"
    label = "tasks"
    verbose_name = _("Tasks")

    def ready(self) -> None:
        from luoshi.api.registry import register_router
        from luoshi.core import audit, links
        from luoshi.core.registry import (
            NavItem,
            PeriodicJob,
            register_demo,
            register_home,
            register_home_chart,
            register_home_counts,
            register_nav,
            register_periodic,
        )
        from luoshi.tasks import api, demo, home, jobs, metrics, permissions, workflow
        from luoshi.tasks.links import TaskLinks

        permissions.register_rules()
        metrics.register()
        links.register_task_spawner(TaskLinks())
        audit.register_verbs({f"task.{a}": label for a, label in workflow.ACTION_VERBS.items()})
        audit.register_verbs(
            {
                "task.progress": _("reported progress"),
                "task.remind": _("sent a reminder"),
                "task.milestone": _("updated a milestone"),
                "task.attachment": _("added a file"),
                "task.overdue": _("marked overdue"),
                "task.import": _("imported tasks"),
            }
        )
        # One sidebar entry (the task pages have their own tabs): the overview for those who
        # dispatch and review and for the district's read-only viewer, "my tasks" for those who
        # carry tasks out (a grid worker only when some task is theirs).
        register_nav(
            NavItem(
                "task_overview", _("Supervision"), "tasks:overview", "flag", order=100, mobile=True, bar_order=20,
                visible=permissions.sees_the_overview,
            )
        )  # fmt: skip
        register_nav(
            NavItem(
                "tasks", _("Tasks"), "tasks:mine", "tasks", order=100, mobile=True, bar_order=20,
                visible=permissions.carries_tasks,
            )
        )  # fmt: skip
        register_home(20, home.my_tasks_section)
        register_home_counts(10, home.oversight_counts)
        register_home_chart(10, home.lights_by_unit_chart)
        register_home(25, home.review_section)
        register_demo(20, "tasks", demo.load)
        register_periodic(PeriodicJob("tasks.daily_checks", 3600, jobs.daily_checks))
        register_router("/tasks", api.tasks_router, order=20)
        register_router("/goals", api.goals_router, order=21)
        register_router("/inspections", api.inspections_router, order=22)

        # The cockpit: daily aggregates and panels (docs/cockpit.md).
        from luoshi.tasks import aggregates, cockpit

        aggregates.register()
        cockpit.register()
