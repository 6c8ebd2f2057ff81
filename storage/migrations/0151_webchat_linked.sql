-- When a web-chat session was first seen linked to a person: a session that was linked and
-- whose identity is gone belongs to someone whose data was erased, and the page is told so.
ALTER TABLE webchat_sessions ADD COLUMN linked_at {{ts}};
