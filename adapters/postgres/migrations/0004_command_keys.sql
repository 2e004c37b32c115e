-- A pairing remembers its most recent idempotency keys in its state; an older key is looked
-- up here (domain/limits.py KEY_WINDOW): by pairing and key, not by scanning the stream.
CREATE INDEX IF NOT EXISTS events_command_id_idx ON events (pairing_id, command_id)
    WHERE command_id IS NOT NULL;
