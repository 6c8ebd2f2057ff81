-- The contacts the Help screen lists for each territory (issue 14): kept here and edited on the
-- desk, seeded once per territory from locales/territories.toml (storage.SeedTerritoryContacts,
-- run at the end of every Migrate). A territory's list carries one confirmation: who checked it
-- and when (confirmed_at NULL: still being checked; confirmed_by NULL with a date: confirmed in
-- the file it was seeded from). Editing the list resets it.
CREATE TABLE territory_contact_lists (
    territory TEXT PRIMARY KEY REFERENCES territories(code),
    confirmed_by {{bigint}} REFERENCES staff(id),
    confirmed_at {{ts}},
    updated_by {{bigint}} REFERENCES staff(id),
    updated_at {{ts}} NOT NULL
);

-- One contact of a territory, in the order Help shows them. "where" is an SQL keyword: the
-- column is place.
CREATE TABLE territory_contacts (
    id {{id}},
    territory TEXT NOT NULL REFERENCES territory_contact_lists(territory),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    UNIQUE (territory, position)
);
