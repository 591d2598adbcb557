-- WattBit.Cluster: the query catalogue the Orleans ADO.NET providers (10.4.x) read at start-up.
-- The Orleans packages do not ship their SQL scripts; this schema is written from the providers' contract (the query
-- keys they load from OrleansQuery, the parameter names they bind and the column names they read back).
-- Idempotent: every statement may run again on an existing database.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL PRIMARY KEY,
    QueryText varchar(8000) NOT NULL
);
