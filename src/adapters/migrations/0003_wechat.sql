-- WeChat Official Account channel. Shared by the SQLite (Node) and D1 (Workers) stores.
-- Inbound messages by their deduplication key (`msg:<MsgId>`, or `evt:<FromUserName>:<CreateTime>` for events), so
-- WeChat's up to three deliveries of one message get one answer. The answer is kept for WeChat's retries; the
-- question is never stored here. Rows are purged after a day.
CREATE TABLE wechat_messages (
  dedup_key TEXT PRIMARY KEY,
  open_id TEXT NOT NULL,
  received_at TEXT NOT NULL,
  reply TEXT,
  delivery TEXT NOT NULL DEFAULT 'pending' CHECK (delivery IN ('pending', 'passive', 'customer-service'))
);
CREATE INDEX wechat_messages_received_at ON wechat_messages(received_at);

-- Per-OpenID state: the language the user chose (NULL = detect from each message) and their chat session.
CREATE TABLE wechat_users (
  open_id TEXT PRIMARY KEY,
  lang TEXT CHECK (lang IN ('zh', 'ru', 'en')),
  session_id TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX wechat_users_session ON wechat_users(session_id);
CREATE INDEX wechat_users_updated_at ON wechat_users(updated_at);

-- Full answers behind the `/a/<id>` links of shortened replies: the answer only, never the question; 7 days.
CREATE TABLE wechat_full_answers (
  id TEXT PRIMARY KEY,
  lang TEXT NOT NULL CHECK (lang IN ('zh', 'ru', 'en')),
  answer TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX wechat_full_answers_expires_at ON wechat_full_answers(expires_at);

-- Mediator replies the customer-service API could not deliver (outside the 48-hour window, 45015, or no API):
-- the text stays in case_messages; this row marks it "not delivered" until the user next writes.
CREATE TABLE wechat_undelivered (
  case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  open_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (case_id, seq)
);
CREATE INDEX wechat_undelivered_open_id ON wechat_undelivered(open_id);
