from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "luoshi.projects"
    label = "projects"
    verbose_name = _("Key projects")

    def ready(self) -> None:
        from luoshi.api.registry import register_router
        from luoshi.core import audit, links
        from luoshi.core.registry import (
            NavItem,
            PeriodicJob,
            register_demo,
            register_home,
            register_nav,
            register_periodic,
        )
        from luoshi.org.permissions import works_the_grid
        from luoshi.org.scope import scope_for
        from luoshi.projects import api, demo, home, jobs, metrics, permissions, selectors, workflow

        permissions.register_rules()
        metrics.register()
        links.register_project_directory(selectors.ProjectDirectory())
        audit.register_verbs({f"project.{a}": label for a, label in workflow.PROJECT_ACTION_LABELS.items()})
        audit.register_verbs({f"lead.{a}": label for a, label in workflow.LEAD_ACTION_LABELS.items()})
        audit.register_verbs(
            {
                "lead.to_project": _("registered the lead as a key project"),
                "project.investment": _("recorded investment"),
                "project.milestone": _("updated a milestone"),
                "project.progress": _("added a progress entry"),
                "project.problem": _("recorded a problem to coordinate"),
                "project.problem_task": _("turned a problem into a task"),
                "project.problem_sync": _("took the task's state back"),
                "project.problem_settled": _("settled a problem"),
            }
        )
        register_nav(
            NavItem(
                "projects", _("Key projects"), "projects:list", "map", order=110,
                visible=lambda user: (not scope_for(user).is_empty and not works_the_grid(user))
                or permissions.is_linked_to_anything(user),
            )
        )  # fmt: skip
        register_home(15, home.linked_projects_section)
        register_demo(35, "projects", demo.load)
        register_periodic(PeriodicJob("projects.daily_refresh", 3600, jobs.daily_refresh))
        register_periodic(PeriodicJob("projects.sync_problems", 600, jobs.sync_problems))
        register_router("/projects", api.router, order=40)

        # The cockpit: daily aggregates and panels (docs/cockpit.md).
        from luoshi.projects import cockpit

        cockpit.register()
