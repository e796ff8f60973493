-- Chat sessions and their turns. Shared by the SQLite (Node) and D1 (Workers) stores.
CREATE TABLE chat_sessions (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  lang TEXT NOT NULL CHECK (lang IN ('zh', 'ru', 'en'))
);

CREATE TABLE chat_turns (
  session_id TEXT NOT NULL REFERENCES chat_sessions(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  question TEXT NOT NULL,
  lang TEXT NOT NULL,
  confidence TEXT NOT NULL CHECK (confidence IN ('high', 'possible', 'none')),
  citations TEXT NOT NULL,
  PRIMARY KEY (session_id, seq)
);

CREATE INDEX chat_sessions_updated_at ON chat_sessions(updated_at);
