BEGIN TRANSACTION;
CREATE TABLE credential (
	id INTEGER NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	secret_hash BLOB NOT NULL, 
	retailer_id VARCHAR(100) NOT NULL, 
	scope VARCHAR(16) NOT NULL, 
	created_at DATETIME NOT NULL, 
	revoked_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (username), 
	UNIQUE (secret_hash), 
	FOREIGN KEY(retailer_id) REFERENCES retailer (id) ON DELETE CASCADE
);
INSERT INTO "credential" VALUES(1,'pt_ecb8d9ae078ea92d',X'6F310B7F04341860CB5D84A6EEF9B7209A055B26B9B980F889C553771FCF7069','rules-store','feed','2026-12-01 10:52:31.981618',NULL);
CREATE TABLE feed_day (
	retailer_id VARCHAR(100) NOT NULL, 
	day DATE NOT NULL, 
	version INTEGER NOT NULL, 
	document TEXT, 
	PRIMARY KEY (retailer_id, day), 
	FOREIGN KEY(retailer_id) REFERENCES retailer (id) ON DELETE CASCADE
);
INSERT INTO "feed_day" VALUES('rules-store','2021-03-10',1,'{"transacted_on":"2021-03-10T23:59:59.999999Z","items":["T7ee3xE2n5LPXonkcwXkoF"],"total_items_count":1,"transaction_id":"a0979dfb-e8ed-37b5-427b-2625b0e9d41a","consumer_id":"a85da431-7383-86a7-4645-06440a4a8c84","budtender_id":"03329452-bc3c-1857-1ff7-b1a3f059872e"}');
INSERT INTO "feed_day" VALUES('rules-store','2021-03-11',1,'{"transacted_on":"2021-03-11T12:00:00Z","items":["Kz4tXgS7aCZQbYYH86PGVi"],"total_items_count":4,"transaction_id":"41196b73-cead-23e5-ccfb-ca098fb7512a","consumer_id":"85742f6c-8b84-90dd-c2eb-cc7185a84112","budtender_id":"f2e6086e-e62e-3682-6c1f-fa8108192637"},{"transacted_on":"2021-03-11T12:00:00Z","items":["fRE9bEzKLi4Mmejzo5H3mB"],"total_items_count":2,"transaction_id":"f89ebb39-27c9-6742-002e-f140acad09f8","consumer_id":"85742f6c-8b84-90dd-c2eb-cc7185a84112","budtender_id":null},{"transacted_on":"2021-03-11T18:30:00Z","items":["UZ4ndKxa4kbhC2fR7nrSyi"],"total_items_count":2,"transaction_id":"e67f93bb-53fc-f29a-d311-656e8b65b0c5","consumer_id":null,"budtender_id":"03329452-bc3c-1857-1ff7-b1a3f059872e"}');
INSERT INTO "feed_day" VALUES('rules-store','2021-03-12',1,'{"transacted_on":"2021-03-12T00:00:00Z","items":["BnR6CUmxZwYoRN5kXcMahS","M4g9ecJZpDFPtkBbdVacom"],"total_items_count":2,"transaction_id":"e989dd09-a0f0-d859-b605-7d8b2859d2c6","consumer_id":"a85da431-7383-86a7-4645-06440a4a8c84","budtender_id":"03329452-bc3c-1857-1ff7-b1a3f059872e"},{"transacted_on":"2021-03-12T00:00:00.000001Z","items":["Tm4aLgauqGEpTLS4yCy7Bd"],"total_items_count":1,"transaction_id":"800b035a-d761-ce02-6725-f20a79a45bfd","consumer_id":"a85da431-7383-86a7-4645-06440a4a8c84","budtender_id":"03329452-bc3c-1857-1ff7-b1a3f059872e"}');
CREATE TABLE lucid_connection (
	retailer_id VARCHAR(100) NOT NULL, 
	base_url VARCHAR(300) NOT NULL, 
	client_id VARCHAR(200), 
	client_secret TEXT, 
	access_token TEXT, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (retailer_id), 
	FOREIGN KEY(retailer_id) REFERENCES retailer (id) ON DELETE CASCADE
);
INSERT INTO "lucid_connection" VALUES('rules-store','http://127.0.0.1:8090','rules-client','fake-secret-rules-0001',NULL,'2021-03-12 08:00:00.000000');
CREATE TABLE lucid_registry (
	id INTEGER NOT NULL, 
	retailer_id VARCHAR(100) NOT NULL, 
	package_uid VARCHAR(200) NOT NULL, 
	case_id VARCHAR(64) NOT NULL, 
	lucid_id VARCHAR(22) NOT NULL, 
	export_date DATE, 
	synced_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(retailer_id) REFERENCES retailer (id) ON DELETE CASCADE
);
INSERT INTO "lucid_registry" VALUES(1,'rules-store','PKG-0001','1A4060300002C35000000200','5vHqLc9etTWW3AVrEJvBez','2021-03-11','2021-03-12 08:00:00.000000');
CREATE TABLE retailer (
	id VARCHAR(100) NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	timezone VARCHAR(64) NOT NULL, 
	adapter VARCHAR(100) NOT NULL, 
	adapter_options JSON NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "retailer" VALUES('rules-store','Rules Store','America/Los_Angeles','generic','{}');
CREATE TABLE sale (
	id INTEGER NOT NULL, 
	retailer_id VARCHAR(100) NOT NULL, 
	native_id VARCHAR(200) NOT NULL, 
	transaction_id VARCHAR(36) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	transacted_on DATETIME, 
	consumer_id VARCHAR(36), 
	budtender_id VARCHAR(36), 
	lines TEXT NOT NULL, 
	fingerprint VARCHAR(64) NOT NULL, 
	reported BOOLEAN NOT NULL, 
	feed_json TEXT, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (retailer_id, native_id), 
	FOREIGN KEY(retailer_id) REFERENCES retailer (id) ON DELETE CASCADE
);
INSERT INTO "sale" VALUES(1,'rules-store','S-1','41196b73-cead-23e5-ccfb-ca098fb7512a','completed','2021-03-11 12:00:00.000000','85742f6c-8b84-90dd-c2eb-cc7185a84112','f2e6086e-e62e-3682-6c1f-fa8108192637','[{"sku":"BD-35","quantity":"1","lucid_ids":["Kz4tXgS7aCZQbYYH86PGVi"]},{"sku":"PR-1","quantity":"3","lucid_ids":[]}]','535ae755f3c6753cab0dfeb39a36f9e0e8e0f8d7750e42147a4bf60e57f94d5c',1,'{"transacted_on":"2021-03-11T12:00:00Z","items":["Kz4tXgS7aCZQbYYH86PGVi"],"total_items_count":4,"transaction_id":"41196b73-cead-23e5-ccfb-ca098fb7512a","consumer_id":"85742f6c-8b84-90dd-c2eb-cc7185a84112","budtender_id":"f2e6086e-e62e-3682-6c1f-fa8108192637"}','2026-12-01 10:52:31.978993');
INSERT INTO "sale" VALUES(2,'rules-store','S-2','f89ebb39-27c9-6742-002e-f140acad09f8','completed','2021-03-11 12:00:00.000000','85742f6c-8b84-90dd-c2eb-cc7185a84112',NULL,'[{"sku":"VP-5","quantity":"2","lucid_ids":["fRE9bEzKLi4Mmejzo5H3mB"]}]','d409a7f383a42a1aa1ae47c70cd99f01d28e9f2ac166749db3b6b3edd0a70402',1,'{"transacted_on":"2021-03-11T12:00:00Z","items":["fRE9bEzKLi4Mmejzo5H3mB"],"total_items_count":2,"transaction_id":"f89ebb39-27c9-6742-002e-f140acad09f8","consumer_id":"85742f6c-8b84-90dd-c2eb-cc7185a84112","budtender_id":null}','2026-12-01 10:52:31.978993');
INSERT INTO "sale" VALUES(3,'rules-store','S-3','6f041ca1-37da-7bb3-6589-289179f74942','voided','2021-03-11 13:00:00.000000','519c6b73-4e9d-6e89-64e2-1db582da3a44','03329452-bc3c-1857-1ff7-b1a3f059872e','[{"sku":"BD-35","quantity":"1","lucid_ids":["WjG5owvCAhRwSSTi7rkor7"]}]','b895389eb9c23b765fc76f2900ac0aa26cb42d1e225a5ce44896ac9fa0860d83',0,NULL,'2026-12-01 10:52:31.978993');
INSERT INTO "sale" VALUES(4,'rules-store','S-4','f58fe053-6e75-8161-582f-7644b132cb1d','completed','2021-03-11 14:00:00.000000','519c6b73-4e9d-6e89-64e2-1db582da3a44','03329452-bc3c-1857-1ff7-b1a3f059872e','[{"sku":"PR-1","quantity":"5","lucid_ids":[]}]','0eb6930ec523063f6e9e2a919069e92678b6eaaecf896d43468fc47dd925c8a6',0,NULL,'2026-12-01 10:52:31.978993');
INSERT INTO "sale" VALUES(5,'rules-store','S-5','e67f93bb-53fc-f29a-d311-656e8b65b0c5','completed','2021-03-11 18:30:00.000000',NULL,'03329452-bc3c-1857-1ff7-b1a3f059872e','[{"sku":"FL-3.5G","quantity":"3.5","lucid_ids":["UZ4ndKxa4kbhC2fR7nrSyi"]},{"sku":"SH-0.25","quantity":"0.25","lucid_ids":[]}]','de72bba8a773da78ab33aeecc9574f9a50dee26b12f1282b2c3a19d80c862d2a',1,'{"transacted_on":"2021-03-11T18:30:00Z","items":["UZ4ndKxa4kbhC2fR7nrSyi"],"total_items_count":2,"transaction_id":"e67f93bb-53fc-f29a-d311-656e8b65b0c5","consumer_id":null,"budtender_id":"03329452-bc3c-1857-1ff7-b1a3f059872e"}','2026-12-01 10:52:31.978993');
INSERT INTO "sale" VALUES(6,'rules-store','S-6','e989dd09-a0f0-d859-b605-7d8b2859d2c6','completed','2021-03-12 00:00:00.000000','a85da431-7383-86a7-4645-06440a4a8c84','03329452-bc3c-1857-1ff7-b1a3f059872e','[{"sku":"PK-2","quantity":"1","lucid_ids":["BnR6CUmxZwYoRN5kXcMahS","M4g9ecJZpDFPtkBbdVacom"]}]','bf2a981241b54be88b4066d16c156a5a1001eee37d16d881900b02fac50715ae',1,'{"transacted_on":"2021-03-12T00:00:00Z","items":["BnR6CUmxZwYoRN5kXcMahS","M4g9ecJZpDFPtkBbdVacom"],"total_items_count":2,"transaction_id":"e989dd09-a0f0-d859-b605-7d8b2859d2c6","consumer_id":"a85da431-7383-86a7-4645-06440a4a8c84","budtender_id":"03329452-bc3c-1857-1ff7-b1a3f059872e"}','2026-12-01 10:52:31.978993');
INSERT INTO "sale" VALUES(7,'rules-store','S-7','a0979dfb-e8ed-37b5-427b-2625b0e9d41a','completed','2021-03-10 23:59:59.999999','a85da431-7383-86a7-4645-06440a4a8c84','03329452-bc3c-1857-1ff7-b1a3f059872e','[{"sku":"BD-35","quantity":"1","lucid_ids":["T7ee3xE2n5LPXonkcwXkoF"]}]','299b2949477e55dbc4ab3a79b4d4a71a3259f55ed2034208d9378ae1b1708bc5',1,'{"transacted_on":"2021-03-10T23:59:59.999999Z","items":["T7ee3xE2n5LPXonkcwXkoF"],"total_items_count":1,"transaction_id":"a0979dfb-e8ed-37b5-427b-2625b0e9d41a","consumer_id":"a85da431-7383-86a7-4645-06440a4a8c84","budtender_id":"03329452-bc3c-1857-1ff7-b1a3f059872e"}','2026-12-01 10:52:31.978993');
INSERT INTO "sale" VALUES(8,'rules-store','S-8','800b035a-d761-ce02-6725-f20a79a45bfd','completed','2021-03-12 00:00:00.000001','a85da431-7383-86a7-4645-06440a4a8c84','03329452-bc3c-1857-1ff7-b1a3f059872e','[{"sku":"BD-35","quantity":"1","lucid_ids":["Tm4aLgauqGEpTLS4yCy7Bd"]}]','e2f35958bae30568dce9974b5474a0bf4e16a268f0fb480290001984587af150',1,'{"transacted_on":"2021-03-12T00:00:00.000001Z","items":["Tm4aLgauqGEpTLS4yCy7Bd"],"total_items_count":1,"transaction_id":"800b035a-d761-ce02-6725-f20a79a45bfd","consumer_id":"a85da431-7383-86a7-4645-06440a4a8c84","budtender_id":"03329452-bc3c-1857-1ff7-b1a3f059872e"}','2026-12-01 10:52:31.978993');
CREATE TABLE service_setting (
	name VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY (name)
);
INSERT INTO "service_setting" VALUES('pseudonym_key','ff8eb8cd6350dab7bb98a9d685c3f4710a6f8028ba26a984b2a32d04bd1e1cc6');
INSERT INTO "service_setting" VALUES('feed_format','1');
CREATE INDEX ix_sale_feed ON sale (retailer_id, reported, transacted_on, transaction_id);
CREATE INDEX ix_lucid_registry_lucid_id ON lucid_registry (lucid_id);
CREATE INDEX ix_lucid_registry_retailer ON lucid_registry (retailer_id, lucid_id);
COMMIT;
