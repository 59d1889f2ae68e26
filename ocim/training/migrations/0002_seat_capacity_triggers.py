"""Database triggers that keep every held seat number within the session's capacity.

With the unique (session, seat_number) constraint, this makes overselling impossible whichever
code path writes: a registration may not take a seat number above the capacity, and a session's
capacity may not drop below the highest seat number held. The services lock the session row
and pick the lowest free seat; these triggers are the net under that rope.

PostgreSQL: the registration trigger reads the capacity ``FOR SHARE``, so a concurrent capacity
change waits for the registration's transaction (and then sees its seat), or the registration
waits for the capacity change (and then sees the new capacity).
"""

from django.db import migrations

SEAT_ERROR = "training: seat number above the session capacity"
CAPACITY_ERROR = "training: capacity below a held seat number"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER training_registration_seat_capacity_insert
    BEFORE INSERT ON training_registration
    WHEN NEW.seat_number IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, '{SEAT_ERROR}')
        WHERE NEW.seat_number > (
            SELECT capacity FROM training_session WHERE id = NEW.session_id
        );
    END;
    """,
    f"""
    CREATE TRIGGER training_registration_seat_capacity_update
    BEFORE UPDATE OF seat_number, session_id ON training_registration
    WHEN NEW.seat_number IS NOT NULL
    BEGIN
        SELECT RAISE(ABORT, '{SEAT_ERROR}')
        WHERE NEW.seat_number > (
            SELECT capacity FROM training_session WHERE id = NEW.session_id
        );
    END;
    """,
    f"""
    CREATE TRIGGER training_session_capacity_above_seats
    BEFORE UPDATE OF capacity ON training_session
    BEGIN
        SELECT RAISE(ABORT, '{CAPACITY_ERROR}')
        WHERE NEW.capacity < (
            SELECT COALESCE(MAX(seat_number), 0) FROM training_registration
            WHERE session_id = NEW.id
        );
    END;
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS training_registration_seat_capacity_insert;",
    "DROP TRIGGER IF EXISTS training_registration_seat_capacity_update;",
    "DROP TRIGGER IF EXISTS training_session_capacity_above_seats;",
]

POSTGRES_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION training_registration_seat_within_capacity() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        session_capacity integer;
    BEGIN
        IF NEW.seat_number IS NULL THEN
            RETURN NEW;
        END IF;
        SELECT capacity INTO session_capacity FROM training_session
            WHERE id = NEW.session_id FOR SHARE;
        IF NEW.seat_number > session_capacity THEN
            RAISE EXCEPTION '{SEAT_ERROR}'
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'training_registration_seat_within_capacity';
        END IF;
        RETURN NEW;
    END;
    $$;
    """,
    """
    CREATE TRIGGER training_registration_seat_capacity
    BEFORE INSERT OR UPDATE OF seat_number, session_id ON training_registration
    FOR EACH ROW EXECUTE FUNCTION training_registration_seat_within_capacity();
    """,
    f"""
    CREATE OR REPLACE FUNCTION training_session_capacity_above_seats() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.capacity < OLD.capacity AND NEW.capacity < (
            SELECT COALESCE(MAX(seat_number), 0) FROM training_registration
            WHERE session_id = NEW.id
        ) THEN
            RAISE EXCEPTION '{CAPACITY_ERROR}'
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'training_session_capacity_above_seats';
        END IF;
        RETURN NEW;
    END;
    $$;
    """,
    """
    CREATE TRIGGER training_session_capacity_above_seats
    BEFORE UPDATE OF capacity ON training_session
    FOR EACH ROW EXECUTE FUNCTION training_session_capacity_above_seats();
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS training_registration_seat_capacity ON training_registration;",
    "DROP FUNCTION IF EXISTS training_registration_seat_within_capacity();",
    "DROP TRIGGER IF EXISTS training_session_capacity_above_seats ON training_session;",
    "DROP FUNCTION IF EXISTS training_session_capacity_above_seats();",
]


def forward(apps, schema_editor):
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(
        schema_editor.connection.vendor
    )
    if statements is None:
        raise RuntimeError(
            "The seat guarantee needs a trigger: only SQLite and PostgreSQL are supported."
        )
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(
        schema_editor.connection.vendor, []
    )
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
