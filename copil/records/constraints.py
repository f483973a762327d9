"""A foreign key over several columns, which Django's ForeignKey cannot express."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.utils.translation import gettext_lazy as _


class CompositeForeignKey(models.BaseConstraint):
    """`FOREIGN KEY (fields) REFERENCES to (to_fields)`, deferred to the commit like Django's own keys.

    Records use it to reference their partner by (partner, plan): one check per row proves both that the partner
    exists and that the record's plan is the partner's plan, where two single-column keys proved less and cost
    twice as much on bulk imports. The referenced columns need a unique constraint of their own.
    """

    default_violation_error_message = _("The plan of this record is not its partner's plan.")

    def __init__(
        self,
        *,
        fields: list[str],
        to: str,
        to_fields: list[str],
        name: str,
        violation_error_code: str | None = None,
        violation_error_message: Any = None,
    ):
        if len(fields) != len(to_fields) or len(fields) < 2:
            raise ValueError("CompositeForeignKey needs two or more fields, as many as to_fields.")
        self.fields = tuple(fields)
        self.to = to
        self.to_fields = tuple(to_fields)
        super().__init__(
            name=name, violation_error_code=violation_error_code, violation_error_message=violation_error_message
        )

    def _columns(self, model: type[models.Model]) -> list[str]:
        return [_column(model, name) for name in self.fields]

    def _target_model(self, model: type[models.Model]) -> type[models.Model]:
        """The referenced model from the model's own registry (a migration's state) or, when that registry holds
        only the model (SQLite rebuilding a table), from the project's."""
        try:
            return model._meta.apps.get_model(self.to)
        except LookupError:
            from django.apps import apps

            return apps.get_model(self.to)

    def _target(self, model: type[models.Model]) -> tuple[str, list[str]]:
        target = self._target_model(model)
        return target._meta.db_table, [_column(target, name) for name in self.to_fields]

    def _clause(self, model: type[models.Model], schema_editor: BaseDatabaseSchemaEditor) -> str:
        quote = schema_editor.quote_name
        table, columns = self._target(model)
        return (
            f"FOREIGN KEY ({', '.join(quote(c) for c in self._columns(model))}) "
            f"REFERENCES {quote(table)} ({', '.join(quote(c) for c in columns)}) DEFERRABLE INITIALLY DEFERRED"
        )

    def constraint_sql(self, model: type[models.Model] | None, schema_editor: BaseDatabaseSchemaEditor | None) -> str:
        model, schema_editor = _given(model, schema_editor)
        return f"CONSTRAINT {schema_editor.quote_name(self.name)} {self._clause(model, schema_editor)}"

    def create_sql(self, model: type[models.Model] | None, schema_editor: BaseDatabaseSchemaEditor | None) -> str:
        model, schema_editor = _given(model, schema_editor)
        table = schema_editor.quote_name(model._meta.db_table)
        return f"ALTER TABLE {table} ADD {self.constraint_sql(model, schema_editor)}"

    def remove_sql(self, model: type[models.Model] | None, schema_editor: BaseDatabaseSchemaEditor | None) -> str:
        model, schema_editor = _given(model, schema_editor)
        table = schema_editor.quote_name(model._meta.db_table)
        return f"ALTER TABLE {table} DROP CONSTRAINT {schema_editor.quote_name(self.name)}"

    def validate(
        self,
        model: type[models.Model],
        instance: models.Model,
        exclude: set[str] | None = None,
        using: str = DEFAULT_DB_ALIAS,
    ) -> None:
        """Refuse, before saving, a record whose values name no row of the referenced table."""
        if exclude and any(name in exclude for name in self.fields):
            return
        values = [getattr(instance, _concrete_field(model, name).attname) for name in self.fields]
        if any(value is None for value in values):
            return
        target = self._target_model(model)
        names = [_concrete_field(target, name).attname for name in self.to_fields]
        lookup = dict(zip(names, values, strict=True))
        if not target._default_manager.using(using).filter(**lookup).exists():
            raise ValidationError(self.get_violation_error_message(), code=self.violation_error_code)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CompositeForeignKey):
            return (
                self.name == other.name
                and self.fields == other.fields
                and self.to.lower() == other.to.lower()
                and self.to_fields == other.to_fields
                and self.violation_error_code == other.violation_error_code
                and self.violation_error_message == other.violation_error_message
            )
        return super().__eq__(other)

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}: fields={self.fields!r} to={self.to!r} to_fields={self.to_fields!r}>"

    def deconstruct(self) -> tuple[str, Sequence[Any], dict[str, Any]]:
        path, args, kwargs = super().deconstruct()
        kwargs.update(fields=list(self.fields), to=self.to, to_fields=list(self.to_fields))
        return path, args, kwargs


def _concrete_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The column-backed field `name` (a constraint names only those)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def _column(model: type[models.Model], name: str) -> str:
    column = _concrete_field(model, name).column
    if column is None:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return column


def _given(
    model: type[models.Model] | None, schema_editor: BaseDatabaseSchemaEditor | None
) -> tuple[type[models.Model], BaseDatabaseSchemaEditor]:
    """Django passes both when it writes a constraint's SQL; the base class only types them as optional."""
    if model is None or schema_editor is None:
        raise TypeError("CompositeForeignKey needs the model and the schema editor")
    return model, schema_editor
