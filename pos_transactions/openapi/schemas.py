"""Marshmallow schemas of what the API sends and takes, for the OpenAPI document.

They describe the wire shapes the views produce (`feed.transaction_object`, `errors`, the push
summary) and the generic adapter's record; the document is generated from them.
"""

from marshmallow import INCLUDE, RAISE, Schema, fields, validate

BASE57_ID = r"^[23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz]{22}$"
UTC_INSTANT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$"
WINDOW_VALUE = (
    "ISO-8601: a date-time with an offset or `Z`, one without (read as UTC), or a date "
    "alone (midnight UTC). A `+` sent unencoded (arriving as a space) still parses."
)


class TransactionSchema(Schema):
    """One reported sale, exactly these six fields."""

    class Meta:
        unknown = RAISE  # additionalProperties: false

    transacted_on = fields.String(
        required=True,
        metadata={"format": "date-time", "pattern": UTC_INSTANT, "description": "UTC, with Z"},
    )
    items = fields.List(
        fields.String(metadata={"pattern": BASE57_ID}),
        required=True,
        metadata={"description": "each LucidID of the sale once, as LucidGreen's base57 id"},
    )
    total_items_count = fields.Integer(
        required=True,
        validate=validate.Range(min=1),
        metadata={"description": "units of every line, with or without LucidIDs"},
    )
    transaction_id = fields.UUID(required=True, metadata={"description": "the sale's pseudonym"})
    consumer_id = fields.UUID(
        required=True, allow_none=True, metadata={"description": "null without a customer"}
    )
    budtender_id = fields.UUID(
        required=True, allow_none=True, metadata={"description": "null without an employee"}
    )


class WindowSchema(Schema):
    """The feed's window; without it, yesterday (UTC). Both ends are inclusive."""

    start_date = fields.String(metadata={"description": f"Start of the window. {WINDOW_VALUE}"})
    end_date = fields.String(metadata={"description": f"End of the window. {WINDOW_VALUE}"})
    start_datetime = fields.String(
        metadata={"description": "Alias of start_date; both with different values is a 400."}
    )
    end_datetime = fields.String(
        metadata={"description": "Alias of end_date; both with different values is a 400."}
    )


class InvalidRecordSchema(Schema):
    class Meta:
        unknown = RAISE

    record = fields.String(
        required=True, metadata={"description": "the native sale id, or its position"}
    )
    reason = fields.String(required=True)


class ErrorSchema(Schema):
    """Every error: a message naming what was wrong, the status, and details where useful."""

    class Meta:
        unknown = INCLUDE  # open: other details, or a record's other native fields

    error = fields.String(required=True)
    status = fields.Integer(required=True)
    parameter = fields.String(metadata={"description": "the query parameter that was wrong"})
    invalid_records = fields.List(
        fields.Nested(InvalidRecordSchema),
        metadata={"description": "a rejected push: every invalid record; nothing was written"},
    )


class PushSummarySchema(Schema):
    class Meta:
        unknown = RAISE

    created = fields.Integer(required=True, validate=validate.Range(min=0))
    updated = fields.Integer(required=True, validate=validate.Range(min=0))
    unchanged = fields.Integer(required=True, validate=validate.Range(min=0))
    stale = fields.Integer(
        required=True,
        validate=validate.Range(min=0),
        metadata={"description": "records older than the stored sale, or reviving a void"},
    )


class GenericLineSchema(Schema):
    class Meta:
        unknown = INCLUDE  # open: other details, or a record's other native fields

    sku = fields.String()
    quantity = fields.Float(required=True, metadata={"description": "units, or a weight"})
    lucid_ids = fields.List(
        fields.String(),
        metadata={"description": "bare ids, QR-code URLs or hyphenated UUIDs"},
    )


class GenericRecordSchema(Schema):
    """A sale in the `generic` adapter's shape (the fixture stores' format)."""

    class Meta:
        unknown = INCLUDE  # open: other details, or a record's other native fields

    id = fields.String(required=True, metadata={"description": "the POS's sale id"})
    completed_at = fields.String(
        required=True,
        metadata={"description": "ISO-8601; without an offset, the store's local time"},
    )
    status = fields.String(
        required=True, validate=validate.OneOf(["completed", "voided", "open", "returned"])
    )
    customer_id = fields.String(allow_none=True)
    employee_id = fields.String(allow_none=True)
    modified_at = fields.String(
        allow_none=True,
        metadata={"description": "ISO-8601: when the POS last changed the record (optional)"},
    )
    original_id = fields.String(
        allow_none=True, metadata={"description": "a return's original sale id (optional)"}
    )
    lines = fields.List(fields.Nested(GenericLineSchema), required=True)
