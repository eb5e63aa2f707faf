"""Chinese names for the third-party apps an administrator sees in the admin site.

django-axes (login lockouts) and django-tasks' database backend ship no zh-Hans
catalogue, so their app and model names showed in English (AXES, TASKS DATABASE
BACKEND, access attempts …). The app names are set by the configs below (used in
``INSTALLED_APPS``); the model names are translated in luoshi.core's catalogue, which
Django consults first because luoshi.core comes first in ``INSTALLED_APPS``.
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_tasks_db.apps import TasksAppConfig


class LockoutConfig(AxesAppConfig):
    verbose_name = _("Login lockouts")


class BackgroundJobsConfig(TasksAppConfig):
    verbose_name = _("Background jobs")  # type: ignore[assignment]  # a lazy string, as Django allows


#: The model names those apps mark for translation, so that makemessages picks them up here.
MODEL_NAMES = (
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
)

#: Column heads of the admin's app list (read out by screen readers, and shown in the walks' text)
#: that Django 5.2's own zh-Hans catalogue does not translate yet.
ADMIN_STRINGS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)
