-- One row per rendered message (a notification in one language for one group of recipients):
-- what was tried, through which channel, and the last error, for `iurc notifications`.
-- The message id is the same on every attempt; a row marked sent is never sent again.

CREATE TABLE deliveries (
    message_id       text        PRIMARY KEY,
    notification_id  text        NOT NULL REFERENCES notifications (notification_id),
    channel          text,
    status           text        NOT NULL DEFAULT 'pending'
                                 CHECK (status IN ('pending', 'retrying', 'sent', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    last_error       text,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
CREATE INDEX deliveries_notification_idx ON deliveries (notification_id);

ALTER TABLE notifications DROP CONSTRAINT notifications_status_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_status_check
    CHECK (status IN ('pending', 'retrying', 'sent', 'failed'));
