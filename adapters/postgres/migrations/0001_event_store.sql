-- The event store, its read model and the notification outbox.
-- Applied once, in one transaction, by adapters.postgres.migrate.

-- Every event of every pairing, forever. The primary key makes a second writer for the
-- same place in a stream collide, and lets a retried append find its rows already there.
CREATE TABLE events (
    pairing_id      text        NOT NULL,
    sequence        integer     NOT NULL CHECK (sequence >= 1),
    type            text        NOT NULL,
    schema_version  integer     NOT NULL CHECK (schema_version >= 1),
    payload         jsonb       NOT NULL,
    occurred_at     timestamptz NOT NULL,
    command_id      text,
    actor           text,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pairing_id, sequence)
);
CREATE INDEX events_type_idx ON events (type);

-- One row per pairing: its latest PairingView, with the fields people filter on as columns.
-- `version` is the last sequence projected; an older recording never overwrites a newer one.
CREATE TABLE pairings (
    pairing_id          text        PRIMARY KEY,
    eu_city             text        NOT NULL,
    partner_city        text        NOT NULL,
    cycle               integer     NOT NULL,
    topics              text[]      NOT NULL,
    stage               text        NOT NULL,
    status              text        NOT NULL,
    staleness           integer     NOT NULL,
    stale               boolean     NOT NULL,
    escalation_level    integer     NOT NULL,
    last_activity_at    timestamptz NOT NULL,
    next_deadline_at    timestamptz,
    next_deadline_kind  text,
    plan_status         text        NOT NULL,
    version             integer     NOT NULL,
    view                jsonb       NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pairings_stage_idx ON pairings (stage);
CREATE INDEX pairings_stale_idx ON pairings (last_activity_at) WHERE stale;
CREATE INDEX pairings_eu_city_idx ON pairings (eu_city);
CREATE INDEX pairings_partner_city_idx ON pairings (partner_city);

-- Each Escalated event opens a row; the first later BackOnTrack, PairingWithdrawn or
-- StageAdvanced to completed closes it. Open rows are what the secretariat has to chase.
CREATE TABLE escalations (
    pairing_id       text        NOT NULL,
    opened_sequence  integer     NOT NULL,
    level            integer     NOT NULL CHECK (level IN (1, 2)),
    stage            text        NOT NULL,
    idle_days        integer     NOT NULL,
    opened_at        timestamptz NOT NULL,
    closed_at        timestamptz,
    closed_sequence  integer     CHECK (closed_sequence > opened_sequence),
    closed_reason    text,
    PRIMARY KEY (pairing_id, opened_sequence),
    CHECK ((closed_at IS NULL) = (closed_sequence IS NULL)
           AND (closed_at IS NULL) = (closed_reason IS NULL))
);
CREATE INDEX escalations_open_idx ON escalations (opened_at) WHERE closed_at IS NULL;

-- The outbox: a message is written in the same transaction as the event that calls for it,
-- and a sender delivers pending rows later. The id comes from the event, so a retry adds none.
CREATE TABLE notifications (
    notification_id  text        PRIMARY KEY,
    pairing_id       text        NOT NULL,
    sequence         integer     NOT NULL,
    kind             text        NOT NULL,
    audience         text        NOT NULL,
    subject          text        NOT NULL,
    body             text        NOT NULL,
    status           text        NOT NULL DEFAULT 'pending'
                                 CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
CREATE INDEX notifications_pairing_idx ON notifications (pairing_id, sequence);
CREATE INDEX notifications_pending_idx ON notifications (created_at) WHERE status = 'pending';
