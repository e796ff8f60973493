-- Human mediation: cases, their messages, internal notes, audit trail, contact details (kept apart from the
-- transcript), mediator accounts and their login sessions. Shared by the SQLite (Node) and D1 (Workers) stores.
ALTER TABLE chat_turns ADD COLUMN answer TEXT;

CREATE TABLE cases (
  id TEXT PRIMARY KEY,
  access_digest TEXT NOT NULL UNIQUE,
  session_id TEXT,
  status TEXT NOT NULL CHECK (status IN ('new', 'claimed', 'in-mediation', 'resolved', 'referred', 'withdrawn')),
  lang TEXT NOT NULL CHECK (lang IN ('zh', 'ru', 'en')),
  channel TEXT NOT NULL,
  topic TEXT,
  party TEXT,
  amount REAL,
  assignee_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  claimed_at TEXT,
  first_reply_at TEXT,
  closed_at TEXT,
  outcome TEXT,
  referral TEXT,
  personal_data_erased_at TEXT
);
CREATE INDEX cases_status ON cases(status);
CREATE INDEX cases_session ON cases(session_id);

CREATE TABLE case_messages (
  case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  author TEXT NOT NULL CHECK (author IN ('tourist', 'bot', 'mediator')),
  mediator_id TEXT,
  text TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (case_id, seq)
);

CREATE TABLE case_notes (
  case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  mediator_id TEXT NOT NULL,
  text TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (case_id, seq)
);

CREATE TABLE case_contacts (
  case_id TEXT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
  contact TEXT NOT NULL,
  consent_at TEXT NOT NULL
);

CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id TEXT,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT,
  at TEXT NOT NULL
);
CREATE INDEX audit_events_case ON audit_events(case_id);

CREATE TABLE mediators (
  id TEXT PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('mediator', 'supervisor')),
  languages TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled_at TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE mediator_sessions (
  token_digest TEXT PRIMARY KEY,
  mediator_id TEXT NOT NULL REFERENCES mediators(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX mediator_sessions_mediator ON mediator_sessions(mediator_id);
