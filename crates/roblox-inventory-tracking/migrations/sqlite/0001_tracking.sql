-- What is tracked, what each tracked scope held when last seen, and the
-- append-only change log (ids increase; readers keep a cursor).
CREATE TABLE tracked (
    user_id     INTEGER NOT NULL,
    scope       TEXT    NOT NULL,
    known       INTEGER NOT NULL DEFAULT 0,
    private     INTEGER NOT NULL DEFAULT 0,
    observed_at TEXT,
    PRIMARY KEY (user_id, scope)
);
CREATE TABLE holdings (
    user_id    INTEGER NOT NULL,
    scope      TEXT    NOT NULL,
    holding_id TEXT    NOT NULL,
    holding    TEXT    NOT NULL,
    PRIMARY KEY (user_id, scope, holding_id)
);
CREATE TABLE changes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL,
    scope       TEXT    NOT NULL,
    change      TEXT    NOT NULL,
    observed_at TEXT    NOT NULL
);
CREATE INDEX tracked_by_age ON tracked (observed_at);
