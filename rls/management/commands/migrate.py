"""`migrate` as the tables' owner when MIGRATION_DATABASE_URL is set, then the grants of
the application role (DATABASE_URL's user): the app itself never owns the tables."""

import environ
from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections

from rls.sql import grant_app_role

OWNER_KEYS = ("USER", "PASSWORD", "HOST", "PORT")


class Command(MigrateCommand):
    help = MigrateCommand.help + " Runs as MIGRATION_DATABASE_URL's role when it is set."

    def handle(self, *args, **options):
        url = getattr(settings, "MIGRATION_DATABASE_URL", "")
        connection = connections[options["database"]]
        if not url or connection.vendor != "postgresql":
            return super().handle(*args, **options)
        owner = environ.Env.db_url_config(url)
        if owner.get("NAME") and owner["NAME"] != connection.settings_dict["NAME"]:
            raise CommandError(
                "MIGRATION_DATABASE_URL must name the database of DATABASE_URL "
                f"({connection.settings_dict['NAME']}), as its owner."
            )
        app = {key: connection.settings_dict.get(key) for key in OWNER_KEYS}
        connection.close()
        connection.settings_dict.update({key: owner.get(key, "") for key in OWNER_KEYS})
        try:
            super().handle(*args, **options)
            if app["USER"] and app["USER"] != owner.get("USER"):
                with connection.cursor() as cursor:
                    grant_app_role(cursor, app["USER"])
                self.stdout.write(f"Granted the application role {app['USER']} its rights.")
        finally:
            connection.close()
            connection.settings_dict.update(app)
