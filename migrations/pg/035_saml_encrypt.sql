-- 035_saml_encrypt.sql — a service provider registered with --encrypt-assertions receives
-- its Assertion encrypted to the encryption key of its metadata (EncryptedAssertion,
-- issue 14 part 2). Off for the SPs registered before.

ALTER TABLE saml_sp ADD COLUMN encrypt_assertions bigint NOT NULL DEFAULT 0
	CHECK (encrypt_assertions IN (0, 1));
