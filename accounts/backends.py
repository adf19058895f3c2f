from django.contrib.auth import backends, get_user_model
from django.core.exceptions import ValidationError
from django.db import connections, router


class ModelBackend(backends.ModelBackend):
    """Django's backend, loading with the user the person behind the login (every request derives
    the user's access from it, ``accounts.access``), the person's branch and department, and the
    count of unread notifications (every page shows it in the navigation bar).

    Every request of a signed-in user runs this, so it is one plain statement (issue 17: ballot
    intake at 300/s): the ORM query it replaces, with its joins and sub-query, cost some 3 ms of
    Python to build per request, about a third of a ballot POST. The rows are turned into model
    instances as the ORM would (the same converters, the related objects cached), so nothing
    downstream can tell the difference. The whole user row is read fresh on every request: what
    depends on it (deactivation, ``roles_version`` of ``accounts.role_cache``) is never stale."""

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:  # a session naming no valid key signs nobody in, as Django's get() would
            return None
        user = load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class _Part:
    """One model's columns in the statement: its fields, the converters the ORM would apply."""

    def __init__(self, model, alias: str, connection):
        self.model = model
        self.fields = model._meta.concrete_fields
        self.attnames = [f.attname for f in self.fields]
        q = connection.ops.quote_name
        self.columns = [f"{alias}.{q(f.column)}" for f in self.fields]
        self.converters = []
        for i, field in enumerate(self.fields):
            col = field.get_col(alias)
            found = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
            if found:
                self.converters.append((i, found, col))

    def build(self, db: str, values: list, connection):
        if values[0] is None:  # the LEFT JOIN found no row
            return None
        for i, converters, col in self.converters:
            for convert in converters:
                values[i] = convert(values[i], col, connection)
        return self.model.from_db(db, self.attnames, values)


_statements: dict[str, tuple] = {}


def _statement(db: str):
    """The statement and its parts for database ``db``, built once per process."""
    if db not in _statements:
        from branches.models import Branch, Department, Person

        from .models import Notification

        connection = connections[db]
        q = connection.ops.quote_name
        User = get_user_model()
        parts = [
            _Part(User, "u", connection),
            _Part(Person, "p", connection),
            _Part(Branch, "b", connection),
            _Part(Department, "d", connection),
        ]
        person_user = Person._meta.get_field("user").column
        notification = Notification._meta
        sql = (
            f"SELECT {', '.join(c for part in parts for c in part.columns)}, "
            f"(SELECT count(*) FROM {q(notification.db_table)} n "
            f"WHERE n.{q(notification.get_field('user').column)} = u.{q(User._meta.pk.column)} "
            f"AND n.{q(notification.get_field('read_at').column)} IS NULL) "
            f"FROM {q(User._meta.db_table)} u "
            f"LEFT JOIN {q(Person._meta.db_table)} p ON p.{q(person_user)} = u.{q(User._meta.pk.column)} "
            f"LEFT JOIN {q(Branch._meta.db_table)} b "
            f"ON b.{q(Branch._meta.pk.column)} = p.{q(Person._meta.get_field('branch').column)} "
            f"LEFT JOIN {q(Department._meta.db_table)} d "
            f"ON d.{q(Department._meta.pk.column)} = p.{q(Person._meta.get_field('department').column)} "
            f"WHERE u.{q(User._meta.pk.column)} = %s"
        )
        _statements[db] = (sql, parts)
    return _statements[db]


def load_user(user_id):
    """The user with the primary key ``user_id``, with ``person`` (or none), the person's
    ``branch`` and ``department`` and ``unread_notification_count``, as
    ``User.objects.select_related("person__branch", "person__department")`` with that count
    annotated would give; ``None`` when there is no such user. One statement."""
    from branches.models import Person

    User = get_user_model()
    db = router.db_for_read(User)
    connection = connections[db]
    sql, parts = _statement(db)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    objects, at = [], 0
    for part in parts:
        objects.append(part.build(db, list(row[at : at + len(part.fields)]), connection))
        at += len(part.fields)
    user, person, branch, department = objects
    User.person.related.set_cached_value(user, person)
    if person is not None:
        Person.user.field.set_cached_value(person, user)
        Person.branch.field.set_cached_value(person, branch)
        Person.department.field.set_cached_value(person, department)
    user.unread_notification_count = row[at]
    return user
