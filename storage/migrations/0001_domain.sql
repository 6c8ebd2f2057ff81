-- The whole domain of insidebot. Shared by PostgreSQL and SQLite: {{id}}, {{ts}}, {{bigint}}
-- and {{blob}} become each dialect's own types. Times are UTC; civil dates (a step's due date,
-- a lead's expiry) are TEXT 'YYYY-MM-DD'.

CREATE TABLE territories (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    region TEXT NOT NULL,
    beneficiary_seq INTEGER NOT NULL DEFAULT 0
);

INSERT INTO territories (code, name, region) VALUES
    ('AN', 'Ancona', 'Marche'),
    ('AV', 'Avellino', 'Campania'),
    ('BO', 'Bologna', 'Emilia-Romagna'),
    ('FG', 'Foggia', 'Puglia'),
    ('MI', 'Milano', 'Lombardia'),
    ('PG', 'Perugia', 'Umbria'),
    ('RG', 'Ragusa', 'Sicilia'),
    ('SO', 'Sondrio', 'Lombardia'),
    ('VA', 'Varese', 'Lombardia');

CREATE TABLE staff (
    id {{id}},
    display_name TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL CHECK (role IN ('tutor', 'coordinator', 'admin')),
    territory TEXT REFERENCES territories(code),
    lang TEXT NOT NULL DEFAULT 'it',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'disabled')),
    created_at {{ts}} NOT NULL
);

CREATE TABLE beneficiaries (
    id {{id}},
    code TEXT NOT NULL UNIQUE,
    display_name TEXT,
    territory TEXT NOT NULL REFERENCES territories(code),
    lang TEXT NOT NULL DEFAULT 'en',
    tutor_id {{bigint}} REFERENCES staff(id),
    reception_contact TEXT,
    status TEXT NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'active', 'closed', 'erased')),
    consent_service_at {{ts}},
    consent_research_at {{ts}},
    consent_announcements_at {{ts}},
    announcements_stopped_at {{ts}},
    onboarded_at {{ts}},
    last_inbound_at {{ts}},
    created_at {{ts}} NOT NULL,
    closed_at {{ts}},
    erased_at {{ts}}
);
CREATE INDEX beneficiaries_tutor ON beneficiaries (tutor_id);
CREATE INDEX beneficiaries_territory ON beneficiaries (territory, status);

CREATE TABLE identities (
    id {{id}},
    channel TEXT NOT NULL CHECK (channel IN ('telegram', 'whatsapp', 'webchat')),
    external_id TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    beneficiary_id {{bigint}} REFERENCES beneficiaries(id),
    staff_id {{bigint}} REFERENCES staff(id),
    last_inbound_at {{ts}},
    unreachable_at {{ts}},
    created_at {{ts}} NOT NULL,
    UNIQUE (channel, external_id),
    CHECK ((beneficiary_id IS NULL) <> (staff_id IS NULL))
);
CREATE INDEX identities_beneficiary ON identities (beneficiary_id);
CREATE INDEX identities_staff ON identities (staff_id);

CREATE TABLE invites (
    id {{id}},
    code_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('beneficiary', 'tutor', 'coordinator', 'admin')),
    beneficiary_id {{bigint}} REFERENCES beneficiaries(id),
    staff_id {{bigint}} REFERENCES staff(id),
    created_by {{bigint}} REFERENCES staff(id),
    expires_at {{ts}} NOT NULL,
    used_at {{ts}},
    used_by {{bigint}} REFERENCES identities(id) ON DELETE SET NULL,
    created_at {{ts}} NOT NULL
);

CREATE TABLE plan_steps (
    id {{id}},
    beneficiary_id {{bigint}} NOT NULL REFERENCES beneficiaries(id),
    position INTEGER NOT NULL,
    area TEXT NOT NULL CHECK (area IN ('housing', 'work', 'psych', 'social', 'documents')),
    step_key TEXT,
    title TEXT,
    due_date TEXT,
    status TEXT NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'in_progress', 'done', 'blocked')),
    created_by {{bigint}} REFERENCES staff(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL,
    UNIQUE (beneficiary_id, position),
    CHECK (step_key IS NOT NULL OR title IS NOT NULL)
);

CREATE TABLE plan_step_history (
    id {{id}},
    step_id {{bigint}} NOT NULL REFERENCES plan_steps(id),
    changed_at {{ts}} NOT NULL,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('staff', 'beneficiary', 'system')),
    actor_id {{bigint}},
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX plan_step_history_step ON plan_step_history (step_id);

CREATE TABLE leads (
    id {{id}},
    kind TEXT NOT NULL CHECK (kind IN ('housing', 'job')),
    territory TEXT NOT NULL REFERENCES territories(code),
    title TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '',
    housing_type TEXT CHECK (housing_type IN ('room', 'flat', 'shared')),
    rent_eur INTEGER,
    shared BOOLEAN,
    city TEXT,
    job_role TEXT,
    employer TEXT,
    contract TEXT,
    contact TEXT,
    expires_on TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_by {{bigint}} REFERENCES staff(id),
    created_at {{ts}} NOT NULL,
    closed_at {{ts}}
);
CREATE INDEX leads_active ON leads (territory, kind, status, created_at);

CREATE TABLE lead_interests (
    lead_id {{bigint}} NOT NULL REFERENCES leads(id),
    beneficiary_id {{bigint}} NOT NULL REFERENCES beneficiaries(id),
    created_at {{ts}} NOT NULL,
    PRIMARY KEY (lead_id, beneficiary_id)
);

CREATE TABLE labs (
    id {{id}},
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_by {{bigint}} REFERENCES staff(id),
    created_at {{ts}} NOT NULL
);

CREATE TABLE lab_modules (
    id {{id}},
    lab_id {{bigint}} NOT NULL REFERENCES labs(id),
    name TEXT NOT NULL,
    created_at {{ts}} NOT NULL
);

CREATE TABLE lab_sessions (
    id {{id}},
    module_id {{bigint}} NOT NULL REFERENCES lab_modules(id),
    territory TEXT NOT NULL REFERENCES territories(code),
    starts_at {{ts}} NOT NULL,
    ends_at {{ts}} NOT NULL,
    place TEXT NOT NULL,
    map_url TEXT NOT NULL DEFAULT '',
    open_enrolment BOOLEAN NOT NULL DEFAULT FALSE,
    capacity INTEGER,
    status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    created_by {{bigint}} REFERENCES staff(id),
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL,
    CHECK (ends_at >= starts_at)
);
CREATE INDEX lab_sessions_territory ON lab_sessions (territory, starts_at);

CREATE TABLE enrolments (
    session_id {{bigint}} NOT NULL REFERENCES lab_sessions(id),
    beneficiary_id {{bigint}} NOT NULL REFERENCES beneficiaries(id),
    enrolled_at {{ts}} NOT NULL,
    enrolled_by {{bigint}} REFERENCES staff(id),
    rsvp TEXT CHECK (rsvp IN ('yes', 'no')),
    rsvp_at {{ts}},
    attendance TEXT CHECK (attendance IN ('present', 'absent')),
    attendance_at {{ts}},
    attendance_by {{bigint}} REFERENCES staff(id),
    PRIMARY KEY (session_id, beneficiary_id)
);
CREATE INDEX enrolments_beneficiary ON enrolments (beneficiary_id);

CREATE TABLE broadcasts (
    id {{id}},
    created_by {{bigint}} NOT NULL REFERENCES staff(id),
    audience TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    session_id {{bigint}} REFERENCES lab_sessions(id),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'scheduled', 'sending', 'sent', 'cancelled')),
    scheduled_at {{ts}},
    confirmed_at {{ts}},
    finished_at {{ts}},
    created_at {{ts}} NOT NULL
);

CREATE TABLE broadcast_texts (
    broadcast_id {{bigint}} NOT NULL REFERENCES broadcasts(id),
    lang TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (broadcast_id, lang)
);

CREATE TABLE broadcast_deliveries (
    broadcast_id {{bigint}} NOT NULL REFERENCES broadcasts(id),
    beneficiary_id {{bigint}} NOT NULL REFERENCES beneficiaries(id),
    status TEXT NOT NULL CHECK (status IN ('queued', 'excluded')),
    reason TEXT,
    outbox_id {{bigint}},
    created_at {{ts}} NOT NULL,
    PRIMARY KEY (broadcast_id, beneficiary_id)
);

CREATE TABLE outbox (
    id {{id}},
    identity_id {{bigint}} REFERENCES identities(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    chat_key TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at {{ts}} NOT NULL,
    lease_owner TEXT,
    lease_until {{ts}},
    last_error TEXT,
    provider_id TEXT,
    broadcast_id {{bigint}} REFERENCES broadcasts(id),
    created_at {{ts}} NOT NULL,
    sent_at {{ts}}
);
CREATE INDEX outbox_due ON outbox (status, priority, next_attempt_at, id);
CREATE INDEX outbox_chat ON outbox (chat_key, status, id);
CREATE INDEX outbox_broadcast ON outbox (broadcast_id);
CREATE INDEX outbox_provider ON outbox (channel, provider_id);

CREATE TABLE webchat_messages (
    id {{id}},
    chat_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at {{ts}} NOT NULL
);
CREATE INDEX webchat_messages_chat ON webchat_messages (chat_id, id);

CREATE TABLE processed_updates (
    channel TEXT NOT NULL,
    update_id TEXT NOT NULL,
    processed_at {{ts}} NOT NULL,
    PRIMARY KEY (channel, update_id)
);
CREATE INDEX processed_updates_at ON processed_updates (processed_at);

CREATE TABLE alerts (
    id {{id}},
    staff_id {{bigint}} NOT NULL REFERENCES staff(id),
    beneficiary_id {{bigint}} NOT NULL REFERENCES beneficiaries(id),
    kind TEXT NOT NULL,
    ref_id {{bigint}},
    created_at {{ts}} NOT NULL,
    handled_at {{ts}},
    handled_by {{bigint}} REFERENCES staff(id)
);
CREATE INDEX alerts_open ON alerts (staff_id, handled_at);

CREATE TABLE reminders (
    id {{id}},
    kind TEXT NOT NULL,
    target_key TEXT NOT NULL,
    offset_key TEXT NOT NULL DEFAULT '',
    beneficiary_id {{bigint}} REFERENCES beneficiaries(id),
    staff_id {{bigint}} REFERENCES staff(id),
    session_id {{bigint}} REFERENCES lab_sessions(id),
    step_id {{bigint}} REFERENCES plan_steps(id),
    broadcast_id {{bigint}} REFERENCES broadcasts(id),
    due_at {{ts}} NOT NULL,
    event_at {{ts}},
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dropped', 'cancelled')),
    reason TEXT,
    created_at {{ts}} NOT NULL,
    processed_at {{ts}},
    UNIQUE (kind, target_key, offset_key)
);
CREATE INDEX reminders_due ON reminders (status, due_at);

CREATE TABLE audit_log (
    id {{id}},
    at {{ts}} NOT NULL,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('staff', 'beneficiary', 'system', 'cli')),
    actor_id {{bigint}},
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL DEFAULT '',
    target_id TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT 'ok' CHECK (outcome IN ('ok', 'denied')),
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_actor ON audit_log (actor_kind, actor_id, at);
