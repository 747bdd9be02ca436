SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;
SET default_tablespace = '';
SET default_table_access_method = heap;
CREATE TABLE credential (
    id integer NOT NULL,
    username character varying(64) NOT NULL,
    secret_hash bytea NOT NULL,
    retailer_id character varying(100) NOT NULL,
    scope character varying(16) NOT NULL,
    created_at timestamp without time zone NOT NULL,
    revoked_at timestamp without time zone
);
CREATE SEQUENCE credential_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE credential_id_seq OWNED BY credential.id;
CREATE TABLE feed_day (
    retailer_id character varying(100) NOT NULL,
    day date NOT NULL,
    version integer NOT NULL,
    document text
);
ALTER TABLE ONLY feed_day ALTER COLUMN document SET STORAGE EXTERNAL;
CREATE TABLE lucid_connection (
    retailer_id character varying(100) NOT NULL,
    base_url character varying(300) NOT NULL,
    client_id character varying(200),
    client_secret text,
    access_token text,
    updated_at timestamp without time zone NOT NULL
);
CREATE TABLE lucid_registry (
    id integer NOT NULL,
    retailer_id character varying(100) NOT NULL,
    package_uid character varying(200) NOT NULL,
    case_id character varying(64) NOT NULL,
    lucid_id character varying(22) NOT NULL,
    export_date date,
    synced_at timestamp without time zone NOT NULL
);
CREATE SEQUENCE lucid_registry_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE lucid_registry_id_seq OWNED BY lucid_registry.id;
CREATE TABLE retailer (
    id character varying(100) NOT NULL,
    name character varying(200) NOT NULL,
    timezone character varying(64) NOT NULL,
    adapter character varying(100) NOT NULL,
    adapter_options json NOT NULL
);
CREATE TABLE sale (
    id integer NOT NULL,
    retailer_id character varying(100) NOT NULL,
    native_id character varying(200) NOT NULL,
    transaction_id character varying(36) NOT NULL,
    status character varying(16) NOT NULL,
    transacted_on timestamp without time zone,
    consumer_id character varying(36),
    budtender_id character varying(36),
    lines text NOT NULL,
    fingerprint character varying(64) NOT NULL,
    reported boolean NOT NULL,
    feed_json text,
    updated_at timestamp without time zone NOT NULL
);
CREATE SEQUENCE sale_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE sale_id_seq OWNED BY sale.id;
CREATE TABLE service_setting (
    name character varying(64) NOT NULL,
    value text NOT NULL
);
ALTER TABLE ONLY credential ALTER COLUMN id SET DEFAULT nextval('credential_id_seq'::regclass);
ALTER TABLE ONLY lucid_registry ALTER COLUMN id SET DEFAULT nextval('lucid_registry_id_seq'::regclass);
ALTER TABLE ONLY sale ALTER COLUMN id SET DEFAULT nextval('sale_id_seq'::regclass);
INSERT INTO credential VALUES (1, 'pt_53d8bec5b057a4a5', '\xbad0f6c401f279c3b667b686a6083121e6d55d13994b077d3ff2e9a5822fef51', 'rules-store', 'feed', '2026-12-01 10:52:32.127414', NULL);
INSERT INTO feed_day VALUES ('rules-store', '2021-03-10', 1, '{"transacted_on":"2021-03-10T23:59:59.999999Z","items":["T7ee3xE2n5LPXonkcwXkoF"],"total_items_count":1,"transaction_id":"a29dd2c3-c6b1-0a5e-6b2d-ec8659a461f9","consumer_id":"0e393831-def8-6bfa-3b89-e1dc914e443c","budtender_id":"3836cc5e-a2d9-3173-8595-36fe289c3094"}');
INSERT INTO feed_day VALUES ('rules-store', '2021-03-11', 1, '{"transacted_on":"2021-03-11T12:00:00Z","items":["fRE9bEzKLi4Mmejzo5H3mB"],"total_items_count":2,"transaction_id":"305a976b-7c26-eb2f-0848-1472eeb5acef","consumer_id":"7faa5861-b3a2-3d2f-0cb2-5914455fde56","budtender_id":null},{"transacted_on":"2021-03-11T12:00:00Z","items":["Kz4tXgS7aCZQbYYH86PGVi"],"total_items_count":4,"transaction_id":"d08581bb-1aa7-0f13-9f29-b084ae104a27","consumer_id":"7faa5861-b3a2-3d2f-0cb2-5914455fde56","budtender_id":"2535d6dc-5102-ff7a-1bc7-ea32e692a521"},{"transacted_on":"2021-03-11T18:30:00Z","items":["UZ4ndKxa4kbhC2fR7nrSyi"],"total_items_count":2,"transaction_id":"1f52986b-b983-f901-5897-23d9d5feca04","consumer_id":null,"budtender_id":"3836cc5e-a2d9-3173-8595-36fe289c3094"}');
INSERT INTO feed_day VALUES ('rules-store', '2021-03-12', 1, '{"transacted_on":"2021-03-12T00:00:00Z","items":["BnR6CUmxZwYoRN5kXcMahS","M4g9ecJZpDFPtkBbdVacom"],"total_items_count":2,"transaction_id":"5921feeb-44f6-3b1c-b890-26e33e9429a0","consumer_id":"0e393831-def8-6bfa-3b89-e1dc914e443c","budtender_id":"3836cc5e-a2d9-3173-8595-36fe289c3094"},{"transacted_on":"2021-03-12T00:00:00.000001Z","items":["Tm4aLgauqGEpTLS4yCy7Bd"],"total_items_count":1,"transaction_id":"089c0bbc-6662-413c-9912-2d279bbbc6d0","consumer_id":"0e393831-def8-6bfa-3b89-e1dc914e443c","budtender_id":"3836cc5e-a2d9-3173-8595-36fe289c3094"}');
INSERT INTO lucid_connection VALUES ('rules-store', 'http://127.0.0.1:8090', 'rules-client', 'fake-secret-rules-0001', NULL, '2021-03-12 08:00:00');
INSERT INTO lucid_registry VALUES (1, 'rules-store', 'PKG-0001', '1A4060300002C35000000200', '5vHqLc9etTWW3AVrEJvBez', '2021-03-11', '2021-03-12 08:00:00');
INSERT INTO retailer VALUES ('rules-store', 'Rules Store', 'America/Los_Angeles', 'generic', '{}');
INSERT INTO sale VALUES (1, 'rules-store', 'S-1', 'd08581bb-1aa7-0f13-9f29-b084ae104a27', 'completed', '2021-03-11 12:00:00', '7faa5861-b3a2-3d2f-0cb2-5914455fde56', '2535d6dc-5102-ff7a-1bc7-ea32e692a521', '[{"sku":"BD-35","quantity":"1","lucid_ids":["Kz4tXgS7aCZQbYYH86PGVi"]},{"sku":"PR-1","quantity":"3","lucid_ids":[]}]', 'f640f4f1ffdb031590f6a15ba4ae2f803ed9b4cced1ef7d60291cf96fed30ce6', true, '{"transacted_on":"2021-03-11T12:00:00Z","items":["Kz4tXgS7aCZQbYYH86PGVi"],"total_items_count":4,"transaction_id":"d08581bb-1aa7-0f13-9f29-b084ae104a27","consumer_id":"7faa5861-b3a2-3d2f-0cb2-5914455fde56","budtender_id":"2535d6dc-5102-ff7a-1bc7-ea32e692a521"}', '2026-12-01 10:52:32.123295');
INSERT INTO sale VALUES (2, 'rules-store', 'S-2', '305a976b-7c26-eb2f-0848-1472eeb5acef', 'completed', '2021-03-11 12:00:00', '7faa5861-b3a2-3d2f-0cb2-5914455fde56', NULL, '[{"sku":"VP-5","quantity":"2","lucid_ids":["fRE9bEzKLi4Mmejzo5H3mB"]}]', '2a0933212596825721f306cc1fd4880c9d4fd3e14c5cb0442ac9e5b3845f67ea', true, '{"transacted_on":"2021-03-11T12:00:00Z","items":["fRE9bEzKLi4Mmejzo5H3mB"],"total_items_count":2,"transaction_id":"305a976b-7c26-eb2f-0848-1472eeb5acef","consumer_id":"7faa5861-b3a2-3d2f-0cb2-5914455fde56","budtender_id":null}', '2026-12-01 10:52:32.123295');
INSERT INTO sale VALUES (3, 'rules-store', 'S-3', '49a77a70-b874-4e14-d2c4-b5fb9c211b92', 'voided', '2021-03-11 13:00:00', '701fdda5-66bd-81cd-33d2-ad7340aef690', '3836cc5e-a2d9-3173-8595-36fe289c3094', '[{"sku":"BD-35","quantity":"1","lucid_ids":["WjG5owvCAhRwSSTi7rkor7"]}]', 'a0d0a3803dcc0670a57df941e900910cc7911c8e7020bbb2ed8e6d17647bc43e', false, NULL, '2026-12-01 10:52:32.123295');
INSERT INTO sale VALUES (4, 'rules-store', 'S-4', '8676f06b-9300-b2f5-39ee-bccf33ace248', 'completed', '2021-03-11 14:00:00', '701fdda5-66bd-81cd-33d2-ad7340aef690', '3836cc5e-a2d9-3173-8595-36fe289c3094', '[{"sku":"PR-1","quantity":"5","lucid_ids":[]}]', 'a49b36138967e22374d9d90049233b50fbb5bb9ec5c33efcd0a7bb3118f0b837', false, NULL, '2026-12-01 10:52:32.123295');
INSERT INTO sale VALUES (5, 'rules-store', 'S-5', '1f52986b-b983-f901-5897-23d9d5feca04', 'completed', '2021-03-11 18:30:00', NULL, '3836cc5e-a2d9-3173-8595-36fe289c3094', '[{"sku":"FL-3.5G","quantity":"3.5","lucid_ids":["UZ4ndKxa4kbhC2fR7nrSyi"]},{"sku":"SH-0.25","quantity":"0.25","lucid_ids":[]}]', '4b53c2e5f392232601694157d5fc7981c18a418277ff71569b0e25eccd8679e3', true, '{"transacted_on":"2021-03-11T18:30:00Z","items":["UZ4ndKxa4kbhC2fR7nrSyi"],"total_items_count":2,"transaction_id":"1f52986b-b983-f901-5897-23d9d5feca04","consumer_id":null,"budtender_id":"3836cc5e-a2d9-3173-8595-36fe289c3094"}', '2026-12-01 10:52:32.123295');
INSERT INTO sale VALUES (6, 'rules-store', 'S-6', '5921feeb-44f6-3b1c-b890-26e33e9429a0', 'completed', '2021-03-12 00:00:00', '0e393831-def8-6bfa-3b89-e1dc914e443c', '3836cc5e-a2d9-3173-8595-36fe289c3094', '[{"sku":"PK-2","quantity":"1","lucid_ids":["BnR6CUmxZwYoRN5kXcMahS","M4g9ecJZpDFPtkBbdVacom"]}]', '3e95b9cd62e6471ca7f72e82e34a10c0fb2ae54ba2fa2f58bc5bd6979ead4a96', true, '{"transacted_on":"2021-03-12T00:00:00Z","items":["BnR6CUmxZwYoRN5kXcMahS","M4g9ecJZpDFPtkBbdVacom"],"total_items_count":2,"transaction_id":"5921feeb-44f6-3b1c-b890-26e33e9429a0","consumer_id":"0e393831-def8-6bfa-3b89-e1dc914e443c","budtender_id":"3836cc5e-a2d9-3173-8595-36fe289c3094"}', '2026-12-01 10:52:32.123295');
INSERT INTO sale VALUES (7, 'rules-store', 'S-7', 'a29dd2c3-c6b1-0a5e-6b2d-ec8659a461f9', 'completed', '2021-03-10 23:59:59.999999', '0e393831-def8-6bfa-3b89-e1dc914e443c', '3836cc5e-a2d9-3173-8595-36fe289c3094', '[{"sku":"BD-35","quantity":"1","lucid_ids":["T7ee3xE2n5LPXonkcwXkoF"]}]', 'f7b8c25e88f62f4da44473bae1274cb8b9569c4a10f0b8083fdf955194c35d52', true, '{"transacted_on":"2021-03-10T23:59:59.999999Z","items":["T7ee3xE2n5LPXonkcwXkoF"],"total_items_count":1,"transaction_id":"a29dd2c3-c6b1-0a5e-6b2d-ec8659a461f9","consumer_id":"0e393831-def8-6bfa-3b89-e1dc914e443c","budtender_id":"3836cc5e-a2d9-3173-8595-36fe289c3094"}', '2026-12-01 10:52:32.123295');
INSERT INTO sale VALUES (8, 'rules-store', 'S-8', '089c0bbc-6662-413c-9912-2d279bbbc6d0', 'completed', '2021-03-12 00:00:00.000001', '0e393831-def8-6bfa-3b89-e1dc914e443c', '3836cc5e-a2d9-3173-8595-36fe289c3094', '[{"sku":"BD-35","quantity":"1","lucid_ids":["Tm4aLgauqGEpTLS4yCy7Bd"]}]', '4069989f551163a3d16d4910dfa817e6edc0dd7196a16ff3c2db83326ed76104', true, '{"transacted_on":"2021-03-12T00:00:00.000001Z","items":["Tm4aLgauqGEpTLS4yCy7Bd"],"total_items_count":1,"transaction_id":"089c0bbc-6662-413c-9912-2d279bbbc6d0","consumer_id":"0e393831-def8-6bfa-3b89-e1dc914e443c","budtender_id":"3836cc5e-a2d9-3173-8595-36fe289c3094"}', '2026-12-01 10:52:32.123295');
INSERT INTO service_setting VALUES ('pseudonym_key', '49768864d8ea4c648659fb55679733cd72c5a298f64d5d6bbd82b5a131185102');
INSERT INTO service_setting VALUES ('feed_format', '1');
SELECT pg_catalog.setval('credential_id_seq', 1, true);
SELECT pg_catalog.setval('lucid_registry_id_seq', 1, true);
SELECT pg_catalog.setval('sale_id_seq', 8, true);
ALTER TABLE ONLY credential
    ADD CONSTRAINT credential_pkey PRIMARY KEY (id);
ALTER TABLE ONLY credential
    ADD CONSTRAINT credential_secret_hash_key UNIQUE (secret_hash);
ALTER TABLE ONLY credential
    ADD CONSTRAINT credential_username_key UNIQUE (username);
ALTER TABLE ONLY feed_day
    ADD CONSTRAINT feed_day_pkey PRIMARY KEY (retailer_id, day);
ALTER TABLE ONLY lucid_connection
    ADD CONSTRAINT lucid_connection_pkey PRIMARY KEY (retailer_id);
ALTER TABLE ONLY lucid_registry
    ADD CONSTRAINT lucid_registry_pkey PRIMARY KEY (id);
ALTER TABLE ONLY retailer
    ADD CONSTRAINT retailer_pkey PRIMARY KEY (id);
ALTER TABLE ONLY sale
    ADD CONSTRAINT sale_pkey PRIMARY KEY (id);
ALTER TABLE ONLY sale
    ADD CONSTRAINT sale_retailer_id_native_id_key UNIQUE (retailer_id, native_id);
ALTER TABLE ONLY service_setting
    ADD CONSTRAINT service_setting_pkey PRIMARY KEY (name);
CREATE INDEX ix_lucid_registry_lucid_id ON lucid_registry USING btree (lucid_id);
CREATE INDEX ix_lucid_registry_retailer ON lucid_registry USING btree (retailer_id, lucid_id);
CREATE INDEX ix_sale_feed ON sale USING btree (retailer_id, reported, transacted_on, transaction_id);
ALTER TABLE ONLY credential
    ADD CONSTRAINT credential_retailer_id_fkey FOREIGN KEY (retailer_id) REFERENCES retailer(id) ON DELETE CASCADE;
ALTER TABLE ONLY feed_day
    ADD CONSTRAINT feed_day_retailer_id_fkey FOREIGN KEY (retailer_id) REFERENCES retailer(id) ON DELETE CASCADE;
ALTER TABLE ONLY lucid_connection
    ADD CONSTRAINT lucid_connection_retailer_id_fkey FOREIGN KEY (retailer_id) REFERENCES retailer(id) ON DELETE CASCADE;
ALTER TABLE ONLY lucid_registry
    ADD CONSTRAINT lucid_registry_retailer_id_fkey FOREIGN KEY (retailer_id) REFERENCES retailer(id) ON DELETE CASCADE;
ALTER TABLE ONLY sale
    ADD CONSTRAINT sale_retailer_id_fkey FOREIGN KEY (retailer_id) REFERENCES retailer(id) ON DELETE CASCADE;
