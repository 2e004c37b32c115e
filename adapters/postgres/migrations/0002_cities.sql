-- City profiles: the catalogue pairings are started from, with the stakeholders of each city.
-- Stakeholders are personal data; they live here and in the pairings' histories only.

CREATE TABLE cities (
    slug         text        PRIMARY KEY,
    profile      jsonb       NOT NULL,
    imported_at  timestamptz NOT NULL DEFAULT now()
);
